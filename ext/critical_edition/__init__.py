"""critical_edition: a Sphinx toolkit for critical editions (claims, apparatus, integrity checks).

``setup()`` is the table of contents: one ``setup_<concern>`` per sub-package, in pipeline
order. Imports run one way: ``core`` <- ``speedups`` <- the features (``claims``,
``apparatus``, ``bibliography``, ``integrity``) <- ``writers`` <- ``outputs`` <- ``linkcheck``
<- ``cli`` (``docs/develop/architecture.md``). Enable it with one line in ``conf.py``:
``extensions = ["critical_edition"]`` (it loads myst-parser, sphinxcontrib-bibtex and
sphinx-design itself).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

# First, before the sub-packages import furo (and through it bs4): defer soupsieve, make
# the collector's passes fewer, compile known patterns from the last run's code and scan the
# installed distributions' entry points once, for the rest of the imports and the build.
from critical_edition import _deferred
from critical_edition.core import collection, distributions, patterncache

patterncache.install()
distributions.install()
_deferred.install()
collection.fewer_young_passes()

from critical_edition import _moved
from critical_edition.apparatus import setup_apparatus
from critical_edition.bibliography import setup_bibliography
from critical_edition.claims import setup_claims
from critical_edition.core import setup_core
from critical_edition.integrity import setup_integrity
from critical_edition.linkcheck import setup_linkcheck
from critical_edition.outputs import setup_outputs
from critical_edition.speedups import setup_speedups
from critical_edition.writers import setup_writers

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata

__version__ = "0.1.0"

#: Bump when the shape of the data stored in the environment changes, so that old pickled
#: environments are discarded instead of being read with the wrong layout.
ENV_VERSION = 3

_moved.install()


def setup(app: Sphinx) -> ExtensionMetadata:
    """Register the toolkit, concern by concern, in the order of the build's phases."""
    setup_core(app)  # the stack (MyST, sphinx-design, sphinxcontrib-bibtex) and the settings
    # Before the styles are registered: pybtex scans every installed package's entry points at
    # each registration, once per process with the bibliography cache's memo in place.
    setup_speedups(app)  # the bibliography and navigation caches
    setup_bibliography(app)  # builder-inited: .bib checks and styles; badges when writing
    setup_claims(app)  # read: claims and actors; write-started: checks; write: cards, index
    setup_apparatus(app)  # read: emendations, notes, registers, dates; write: their pages
    setup_integrity(app)  # read: footnotes, citations, raw HTML; build-finished: the report
    setup_writers(app)  # write: the visitors of every node; HTML and LaTeX assets
    setup_outputs(app)  # reference tables; build-finished: claims.json
    setup_linkcheck(app)  # the linkcheck builder and its report
    return {
        "version": __version__,
        "env_version": ENV_VERSION,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
