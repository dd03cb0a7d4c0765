"""The toolkit's code stamp (every phase): one digest of its installed code, for every cache's key.

A cache kept between builds (in the output or the doctree directory) is right only for the code
that wrote it; each such cache keys its file on :func:`code_stamp`, so that an edit of any of
the toolkit's modules, data or templates discards it. It lives in the core so that the
speed-ups, which sit below the integrity checks, can key their files on it too. The HTML
translator's stamp (:func:`translator_stamp`) is here for the same reason: the navigation
keep and the claim index's rows both key what they render on it.
"""

from __future__ import annotations

import functools
import hashlib
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from critical_edition.core.listing import named_files_with_suffixes, stat_key

if TYPE_CHECKING:
    from sphinx.builders.html import StandaloneHTMLBuilder

#: The toolkit's package folder; its modules and data decide what every page looks like.
PACKAGE = Path(__file__).resolve().parent.parent
#: The files whose change can change a page (the stylesheets and scripts are copied anew and
#: versioned by Sphinx on every build; these are not).
CODE_SUFFIXES = frozenset({".py", ".json", ".sty", ".tmpl"})


@functools.cache
def code_stamp() -> str:
    """A digest of the toolkit's code as installed (taken once per process).

    Each file's name, size, modification time, inode and change time stand for its bytes: an
    edit, checkout or reinstall gives a file a new change time even where the modification
    time is carried over (``cp -p``, ``rsync -a``, a package manager's fixed dates), so the
    stamp changes whenever the code may have (a file touched without a change only makes the
    caches start again). Reading and hashing every file's bytes cost 7 ms of every build, a
    seventieth of a rebuild that changed nothing.
    """
    # In the listing's fixed order (sorted by name).
    found = [
        (name, *stat_key(path)) for name, path in named_files_with_suffixes(PACKAGE, CODE_SUFFIXES)
    ]
    return hashlib.sha256(repr(found).encode("utf-8")).hexdigest()


def class_stamp(klass: type) -> str:
    """Where the code of *klass* lives and when it last changed, for a cache's key.

    A class of a module with a file: the module, the file and its status (size, dates, inode).
    A class without one (a citation style defined in conf.py, whose module Sphinx leaves
    unnamed): the files its methods were compiled from (conf.py), with their status,
    and its plain attributes. A built-in such as ``object``: its name alone.
    """
    module = sys.modules.get(klass.__module__)
    path = getattr(module, "__file__", None)
    name = f"{klass.__module__}.{klass.__qualname__}"
    if path:
        return f"{name}@{file_state(path)}"
    files = sorted(
        {
            code.co_filename
            for value in vars(klass).values()
            if (code := getattr(getattr(value, "__func__", value), "__code__", None)) is not None
        }
    )
    plain = sorted(
        (key, repr(value))
        for key, value in vars(klass).items()
        if isinstance(value, (str, int, float, bool, tuple, type(None)))
        and not key.startswith("__")
    )
    if not files and not plain:
        return f"{name}@?"
    parts = [f"{file}:{file_state(file)}" for file in files] + [f"{k}={v}" for k, v in plain]
    return f"{name}@" + hashlib.sha256("|".join(parts).encode("utf-8")).hexdigest()


def mro_stamp(cls: type) -> str:
    """Where the code of *cls* and of each of its bases lives and when it last changed
    (:func:`class_stamp` of every class of its method resolution order)."""
    return "|".join(class_stamp(klass) for klass in cls.__mro__)


def file_state(path: str) -> str:
    """*path* with its status (:func:`.listing.stat_key`: size, dates, inode; ``?`` if it
    cannot be read)."""
    try:
        key = stat_key(Path(path))
    except OSError:
        return f"{path}:?"
    return f"{path}:{':'.join(map(str, key))}"


def _code_of(function: object) -> str:
    """Where a node handler's code lives and its file's status (:func:`.file_state`)."""
    code = getattr(function, "__code__", None)
    name = f"{getattr(function, '__module__', '?')}.{getattr(function, '__qualname__', '?')}"
    return f"{name}@?" if code is None else f"{name}@{file_state(code.co_filename)}"


def translator_stamp(builder: StandaloneHTMLBuilder) -> list[str]:
    """The HTML translator as render_partial makes it: its class and the node handlers
    extensions add to it (Sphinx takes those of the builder's name, else of its format)."""
    # The registry the builder takes its translator from (Sphinx keeps it private).
    registry = builder._registry
    handlers = registry.translation_handlers.get(builder.name)
    if handlers is None:
        handlers = registry.translation_handlers.get(builder.format, {})
    stamps = [class_stamp(builder.get_translator_class())]
    for node, (visit, depart) in sorted(handlers.items()):
        stamps.append(f"{node}:{_code_of(visit)}:{_code_of(depart)}")
    return stamps
