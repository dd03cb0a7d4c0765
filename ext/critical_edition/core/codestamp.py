"""The toolkit's code stamp (any phase): a digest of its installed code, for caches to key on.

A cache the toolkit keeps between builds must not outlive the code that made it: each keys on
:func:`code_stamp`, which changes with any edit of the package's modules or data files.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

#: The toolkit's package folder; its modules and data decide what every page looks like.
_PACKAGE = Path(__file__).resolve().parent.parent
#: The files whose change can change a page (the stylesheets and scripts are copied anew and
#: versioned by Sphinx on every build; these are not).
_CODE_PATTERNS = ("*.py", "*.json", "*.sty", "*.tmpl")


@functools.cache
def code_stamp() -> str:
    """A digest of the toolkit's code as installed (read once per process)."""
    digest = hashlib.sha256()
    for pattern in _CODE_PATTERNS:
        for path in sorted(_PACKAGE.rglob(pattern)):
            digest.update(path.relative_to(_PACKAGE).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()
