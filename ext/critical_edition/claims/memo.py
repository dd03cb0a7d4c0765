"""Findings memo (write phase): a corpus-wide check's warnings, kept while its inputs stay the same.

The corpus-wide checks run at ``write-started`` in every build (a rebuild that reads nothing
still reports the edition's problems), and each walks every claim, actor or .bib entry,
although a prose edit to one page changes none of what they read. A check hands
:func:`replay` a digest of everything it reads and a function that works its findings out;
the findings are kept in the doctree directory under that digest and the toolkit's code
stamp, and a build whose digest is the kept one gives the kept findings as the same warnings,
in the same order, instead of checking again. Set ``CRITICAL_EDITION_CORPUSMEMO=0`` to check
in every build (the memo of :mod:`.domain`'s rewrite decisions follows the same switch).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from critical_edition.core import keptmaps
from critical_edition.core.codestamp import code_stamp
from critical_edition.core.diagnostics import Subtype, warn
from critical_edition.core.switches import switched_on

if TYPE_CHECKING:
    from collections.abc import Callable

#: Set to ``0`` to run the corpus-wide checks (and work out the rewrite decisions) in every build.
SWITCH = "CRITICAL_EDITION_CORPUSMEMO"
#: Bump when the kept file's layout changes.
FILE_FORMAT = 1

#: Where a finding stands: ``(docname, line)``, ``"path:line"`` or ``None``.
Location = tuple[str, int | None] | str | None
#: One warning of a check, as :func:`.diagnostics.warn` is given it.
Finding = tuple[str, Subtype, Location]


def enabled() -> bool:
    """Whether the memo is on (unless ``CRITICAL_EDITION_CORPUSMEMO=0``)."""
    return switched_on(SWITCH)


def digest(*parts: object) -> str:
    """A digest of *parts* (their ``repr``) and of the toolkit's code."""
    return hashlib.sha256(repr((code_stamp(), parts)).encode("utf-8")).hexdigest()


def _encode(finding: Finding) -> list[Any]:
    message, subtype, location = finding
    where: Any = list(location) if isinstance(location, tuple) else location
    return [message, subtype.name, where]


def _decode(data: dict[str, Any]) -> list[Finding]:
    found: list[Finding] = []
    for message, name, where in data["findings"]:
        if isinstance(where, list):
            docname, line = where
            if not isinstance(docname, str) or not isinstance(line, (int, type(None))):
                raise TypeError(where)
            location: Location = (docname, line)
        elif isinstance(where, (str, type(None))):
            location = where
        else:
            raise TypeError(where)
        if not isinstance(message, str):
            raise TypeError(message)
        found.append((message, Subtype[name], location))
    return found


def replay(
    doctreedir: str | Path, name: str, inputs: str | None, check: Callable[[], list[Finding]]
) -> None:
    """Warn of *check*'s findings: the kept ones when *inputs* (a digest of everything the check
    reads; None: no memo) is the kept digest, else *check*'s, then kept under *inputs*."""
    path = Path(doctreedir) / f"critical_edition_{name}_findings.json"
    key = digest(name, inputs) if inputs is not None and enabled() else None
    found: list[Finding] | None = None
    if key is not None:
        stamp = {"format": FILE_FORMAT, "inputs": key}
        found = keptmaps.read_shaped(path, _decode, stamp=stamp, fields={"findings": list})
    if found is None:
        found = check()
        if key is not None:
            encoded = [_encode(finding) for finding in found]
            keptmaps.write_state(path, {"format": FILE_FORMAT, "inputs": key, "findings": encoded})
    for message, subtype, location in found:
        warn(message, subtype, location)
