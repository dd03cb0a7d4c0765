"""Priorities (every phase): each number the toolkit gives Sphinx or docutils, named once.

Lower runs first, for event handlers (Sphinx's default is 500) and for transforms (docutils
runs them by priority, and those of equal priority in the order they were registered).
Each name says what must come before and after.
"""

from __future__ import annotations

# --- events ---------------------------------------------------------------------------------

#: config-inited: the bibliography styles are checked once every extension registered its own.
CHECK_BIB_STYLES = 900
#: builder-inited: the environment just loaded is set aside from the collector first, before
#: the handlers that allocate (the formatting cache's load) start its passes ...
FREEZE_LOADED_ENVIRONMENT = 50
#: builder-inited: the formatting cache is loaded before anything formats an entry.
LOAD_BIB_CACHE = 100
#: builder-inited: the .bib files are checked before sphinxcontrib-bibtex parses them (500).
CHECK_BIB_FILES = 400
#: builder-inited: after sphinx-design's handler (500) added its static path a second time.
DROP_DUPLICATE_STATIC_PATHS = 900
#: doctree-read: raw HTML is made text before Sphinx's collectors (500) copy the page's titles
#: and headings into the navigation, the toctree, prev/next links and the page's contents.
REFUSE_RAW_HTML = 400
#: doctree-read: images from outside the source folder are left out before Sphinx's image
#: collector (500) notes the files to copy into the output.
CONFINE_IMAGES = 400
#: doctree-read: after Sphinx's TocTreeCollector (500), which skipped supplied titles.
TOC_FOR_SUPPLIED_TITLES = 600
#: doctree-read: after Sphinx's TocTreeCollector (500) and the supplied titles' entries (600)
#: copied the headings into the navigation, the claims in the copies become plain words.
CLAIMS_OUT_OF_NAVIGATION = 650
#: env-updated: toctree cycles are broken before sphinxcontrib-bibtex (500) and Sphinx walk
#: the toctree (both recurse without end on a cycle).
BREAK_TOCTREE_CYCLES = 400
#: env-updated: after sphinxcontrib-bibtex (500) formatted the citations.
PAGES_CITING_CHANGED_ENTRIES = 600
#: env-updated: after sphinxcontrib-bibtex (500) worked out its citations, which then pickle
#: as an empty list (they are worked out again in every build).
CITATIONS_OUT_OF_PICKLE = 980
#: env-updated: after every other handler, the claims domain keeps its derived views.
SETTLE_RECORDS = 990
#: env-updated: the general index learns the mentions' names once the records settled (990),
#: so that the entity resolver it builds is kept for the checks and the pages.
INDEX_MENTIONS = 995
#: html-page-context: around furo's handler (500), which renders the navigation tree.
NAVIGATION_BEFORE_THEME = 400
NAVIGATION_AFTER_THEME = 600
#: html-page-context: the pages' metadata (JSON-LD, citation tags) once the theme has run.
PAGE_METADATA = 700
#: html-page-context: a page's stylesheets and scripts pruned to what it uses, once furo (500)
#: added its asset hashes and the metadata (700) its citation block (which may hold code).
PAGE_ASSETS = 750
#: build-finished: claims counted by status just before the report is assembled ...
COUNT_CLAIMS = 800
#: ... and the report written after every check has emitted its warnings and counts.
WRITE_REPORT = 900
#: build-finished: the pages' asset links given the checksums of the sheets as they end, once
#: the sheets are pruned and furo wrote its colours (both at 500), before ...
RELINK_ASSETS = 940
#: ... the digests of Sphinx's index pages taken once every rewrite of the pages is done.
RECORD_INDEX_PAGES = 950
#: ... each page's file status kept once no handler rewrites a page any more (writers/written_pages).
RECORD_WRITTEN_PAGES = 960
#: ... and the marker of a running build removed last, once every file of the build is written.
BUILD_COMPLETE = 1000

# --- read-phase transforms ------------------------------------------------------------------
# After the document is parsed, before docutils numbers and resolves footnotes (620), so that
# the collectors still see the source's footnote labels.

#: Claims are recorded first: the other collectors and the linter read their records.
COLLECT_CLAIMS = 200
#: Which citations are the editors' (inside editorial notes).
COLLECT_EDITORIAL_CITATIONS = 205
#: Emendations and editorial notes.
COLLECT_APPARATUS = 210
#: The attribution linter, once claims and notes are marked (it skips both).
LINT_ATTRIBUTIONS = 211
#: Register mentions, then dated events (whose labels are the sentence around the date).
COLLECT_MENTIONS = 212
COLLECT_EVENTS = 213
#: Citable passages: the witness's paragraphs numbered once every collector has run (what they
#: mark is not counted), before docutils moves label targets onto paragraphs (260).
NUMBER_PASSAGES = 220

# --- post-transforms (write phase) ----------------------------------------------------------
# Before Sphinx resolves references (10), so that the links they add are resolved too.

#: Claim cards, the claim index and the actor entries.
CLAIM_CARDS = 5
#: Emendation cards, note numbers, the apparatus, register and chronology pages, bibliography
#: badges: after sphinxcontrib-bibtex built the bibliography's entries (5).
APPARATUS_PAGES = 6
#: The witness's reading replaces the edition's, once cards and indexes are built.
WITNESS_READING = 8

# --- LaTeX post-transforms -------------------------------------------------------------------
# Sphinx's BibliographyTransform (750) gathers every citation into one list at the end of the
# LaTeX document ("References"); the edition keeps each list where its bibliography directive
# stands.

#: Each run of citations marks its place (before Sphinx gathers them) ...
MARK_BIBLIOGRAPHY_PLACES = 740
#: ... and gets its entries back there (after).
RESTORE_BIBLIOGRAPHY_PLACES = 760

# --- EPUB post-transforms --------------------------------------------------------------------

#: sphinx-design's tab sets become sections before sphinx-design writes them as radio inputs and
#: labels (200), which are not well-formed XHTML.
EPUB_TABS_AS_SECTIONS = 150
#: Claims' cards and editors' notes become EPUB 3 footnotes once every reference is resolved
#: (Sphinx's ReferencesResolver, 10): the lemmas' marks are links by then.
EPUB_NOTES_AS_FOOTNOTES = 160
