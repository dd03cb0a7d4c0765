"""Environment pickle (after reading): sphinxcontrib-bibtex's citations, worked out anew, left out.

sphinxcontrib-bibtex works out its ``citations`` (each bibliography entry with its formatted
text, label and tooltip) afresh in every build, when the environment is updated: its handler
begins by emptying the list, "restored from pickle". Sphinx pickles the environment after
that, so every build wrote the list to ``environment.pickle`` and the next read it back only to
throw it away: at 50 times the paper two fifths of the pickle's bytes and a third of the time
spent loading it, in every rebuild (a prose edit's included). Here, once sphinxcontrib-bibtex
has filled the list, it is swapped for an equal list that pickles as an empty one; the build
goes on with every citation, and the next build, which works them out again, reads none. The
output is the same (``tests/test_bibcache.py``).

Part of the bibliography cache (:mod:`.bibcache`): the same switch,
``CRITICAL_EDITION_BIBCACHE=0``, and the same release guard.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment


class WorkedOutEachBuild(list[Any]):
    """A list whose pickle is an empty list: its items are worked out again in every build."""

    def __reduce_ex__(self, protocol: Any) -> tuple[type[list[Any]], tuple[()]]:
        return (list, ())


def leave_out_of_pickle(app: Sphinx, env: BuildEnvironment) -> None:
    """Swap sphinxcontrib-bibtex's citations for an equal list that pickles empty
    (``env-updated``, after sphinxcontrib-bibtex filled them)."""
    data = env.domaindata.get("cite")
    if not isinstance(data, dict):
        return
    citations = data.get("citations")
    if isinstance(citations, list) and not isinstance(citations, WorkedOutEachBuild):
        data["citations"] = WorkedOutEachBuild(citations)
