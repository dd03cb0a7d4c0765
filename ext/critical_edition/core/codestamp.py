"""The toolkit's code stamp (every phase): one digest of its installed code, for every cache's key.

A cache kept between builds (in the output or the doctree directory) is right only for the code
that wrote it; each such cache keys its file on :func:`code_stamp`, so that an edit of any of
the toolkit's modules, data or templates discards it. It lives in the core so that the
speed-ups, which sit below the integrity checks, can key their files on it too.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import os
import sys
from pathlib import Path

#: The toolkit's package folder; its modules and data decide what every page looks like.
PACKAGE = Path(__file__).resolve().parent.parent
#: The files whose change can change a page (the stylesheets and scripts are copied anew and
#: versioned by Sphinx on every build; these are not).
CODE_PATTERNS = ("*.py", "*.json", "*.sty", "*.tmpl")


@functools.cache
def code_stamp() -> str:
    """A digest of the toolkit's code as installed (read once per process)."""
    digest = hashlib.sha256()
    for pattern in CODE_PATTERNS:
        for path in sorted(PACKAGE.rglob(pattern)):
            digest.update(path.relative_to(PACKAGE).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def class_stamp(klass: type) -> str:
    """Where the code of *klass* lives and when it last changed, for a cache's key.

    A class of a module with a file: the module, the file and its modification time and size.
    A class without one (a citation style defined in conf.py, whose module Sphinx leaves
    unnamed): a digest of its source; failing that, a stamp of this process alone, so that
    no result made with it is reused by another build.
    """
    module = sys.modules.get(klass.__module__)
    path = getattr(module, "__file__", None)
    name = f"{klass.__module__}.{klass.__qualname__}"
    if path:
        try:
            stat = Path(path).stat()
        except OSError:
            return f"{name}@{path}:?{os.getpid()}"
        return f"{name}@{path}:{stat.st_mtime_ns}:{stat.st_size}"
    try:
        source = inspect.getsource(klass)
    except (OSError, TypeError):
        return f"{name}@?{os.getpid()}:{id(klass)}"
    return f"{name}@source:{hashlib.sha256(source.encode('utf-8')).hexdigest()}"
