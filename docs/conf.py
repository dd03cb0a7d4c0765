"""Sphinx configuration of the critical edition of Ergun & Valiyev (2020)."""

from __future__ import annotations

from pathlib import Path

# The toolkit imported first, before Sphinx loads its own extensions: its start-up tuning
# (fewer passes of Python's garbage collector) then covers the whole start of every build.
import critical_edition  # noqa: F401

# -- The paper --------------------------------------------------------------------------------
paper = {
    "title": "An Account on Karabakh War: Why Now and Then What?",
    "authors": ["Ayça Ergun", "Anar Valiyev"],
    "venue": "UİK Panorama",
    "section": "Analiz / Essay",
    "date": "2020-11-10",
    "doi": "10.13140/RG.2.2.30777.60006",
    "eissn": "2718-0549",
    "url": "https://www.uikpanorama.com/blog/2020/11/10/an-account-on-karabakh-war-why-now-and-then-what/",
    "keywords": ["Karabakh war", "Azerbaijan", "Armenia", "external actors"],
}

# -- The edition ------------------------------------------------------------------------------
project = f"{paper['title']} — a critical edition"
author = " & ".join(paper["authors"])
edition_editors = "The editors of the critical edition"
copyright = "2020, Ayça Ergun and Anar Valiyev (text); 2026, the editors (apparatus)"
version = release = "1.0"
language = "en"
# The edition as data (the pages' JSON-LD, citation_* and Dublin Core tags, "Cite this edition"):
# the edited paper's description, and the year of this version (the apparatus's copyright year).
# No licence is stated for the edition, so edition_license stays unset.
edition_original = {
    "title": paper["title"],
    "authors": paper["authors"],
    "venue": paper["venue"],
    "date": paper["date"],
    "doi": paper["doi"],
    "url": paper["url"],
    "issn": paper["eissn"],
}
edition_date = "2026"

extensions = [
    "critical_edition",  # loads myst_parser, sphinx_design and sphinxcontrib.bibtex
]

root_doc = "index"
source_suffix = {".md": "markdown"}
exclude_patterns = ["_build"]
nitpicky = True

# -- Claims ----------------------------------------------------------------------------------
# The paper's pages in reading order, the one list of them: the tests (tests/helpers.py) and
# bench/run.py (as edition_lint_documents) read it here; tests/test_fidelity.py checks it
# against the witness.
paper_pages = [
    "abstract",
    "introduction",
    "historical-background",
    "july-september-2020",
    "current-conflict",
    "third-parties",
    "conclusion",
]
# The attribution linter reads the paper's own pages: every statement attributed to someone
# there must be marked as a claim or explicitly dismissed.
edition_lint_documents = paper_pages
# Only the paper's claims go into the claim index, the register and claims.json (the toolkit
# guide's examples are claims too, but not the paper's).
edition_index_documents = paper_pages
# Citable passages: each paragraph of the paper gets an anchor (p-introduction-3) and its number
# in the margin, counting the witness's paragraphs only (editorial notes, supplied text and
# footnotes are not counted), so that the anchors stay when the apparatus changes.
edition_passage_documents = paper_pages

# -- Apparatus ---------------------------------------------------------------------------------
# The pages of the edition proper: their emendations, notes, names, dates and citations are the
# ones the apparatus, the registers, the chronology, the general index and the bibliography's
# backlinks list. The Toolkit guide's examples render but are not listed.
edition_apparatus_documents = ["title", *edition_lint_documents, "about"]
# Written wholly by the editors: the backlinks count its citations as the editors'.
edition_editorial_documents = ["about"]

# -- MyST --------------------------------------------------------------------------------------
myst_enable_extensions = ["colon_fence", "deflist", "attrs_inline", "substitution"]
myst_heading_anchors = 3
myst_footnote_transition = False
myst_substitutions = {
    f"paper_{key}": value for key, value in paper.items() if isinstance(value, str)
}

# -- Bibliography ------------------------------------------------------------------------------
# One file, at the top of the repository: every work the paper cites or names, with the editors'
# verification status (see refs.bib's header and docs/about.md).
bibtex_bibfiles = [str(Path(__file__).parent.parent / "refs.bib")]
bibtex_encoding = "utf-8"
# The edition's styles (critical_edition.bibliography.style): citations as the paper writes them,
# "(Garibov 2020)", "(Kubicek 2009; Valiyev 2019)" (an entry's shorthand where the witness
# prints a citation otherwise than author and year would); the bibliography labelled by
# the same text, sorted with accents folded, each entry followed by its status and note.
bibtex_reference_style = "edition"
bibtex_default_style = "edition"
# Link titles show the entry without the editors' note.
bibtex_tooltips_style = "edition-tooltip"
# Stable anchors for the entries: bibliography.html#bib-garibov2020.
bibtex_cite_id = "bib-{key}"

# -- HTML --------------------------------------------------------------------------------------
html_theme = "furo"
html_title = "Ergun & Valiyev (2020): a critical edition"
html_show_sourcelink = False
# The browser tab's icon: left unset, the toolkit gives pages its own (half brackets,
# critical_edition/static/favicon.svg); name a file of your own here to replace it.
# html_favicon = "favicon.svg"
html_last_updated_fmt = None
html_theme_options = {"navigation_with_keys": True}

# -- LaTeX (make pdf) --------------------------------------------------------------------------
# XeLaTeX with GNU FreeFont: FreeSerif covers every character of the edition (ə ı İ ş ğ ç ö ü,
# typographic quotes and dashes) and the claims' half brackets ⸢ ⸣; critical-edition.sty
# (loaded by the extension) takes ⸢ ⸣ ✓ ✗ from FreeSerif even in sans or italic text.
import re
from datetime import date as _date
from string import Template

from sphinx.util.texescape import escape as _tex_escape


def _tex(text: str) -> str:
    """Escape *text* for XeLaTeX (special characters only; Unicode stays as it is)."""
    return _tex_escape(text, latex_engine="xelatex")


_paper_date = _date.fromisoformat(paper["date"])
_MONTHS = "January February March April May June July August September October November December"
# Not strftime("%B"): Sphinx sets the user's locale, and the edition is in English.
_paper_date_text = f"{_paper_date.day} {_MONTHS.split()[_paper_date.month - 1]} {_paper_date.year}"
_tex_authors = r" \and ".join(_tex(name) for name in paper["authors"])
_tex_keywords = ", ".join(_tex(keyword) for keyword in paper["keywords"])
_pdf_keywords = "; ".join(paper["keywords"])
_latex_name = "ergun-valiyev-2020-critical-edition"

latex_engine = "xelatex"
latex_documents = [
    # (start document, file name, title, author, class, toctree only): "howto" (article-like)
    # suits an essay. The start is print.md, the landing page's toctrees without the toolkit
    # guide: the PDF holds the edition alone. Toctree only: its words stay on the web, the
    # title page says what they say.
    ("print", f"{_latex_name}.tex", _tex(paper["title"]), _tex_authors, "howto", True),
]
# Links stay clickable; URL footnotes would renumber the paper's own footnotes.
latex_show_urls = "no"
latex_show_pagerefs = False
latex_domain_indices = False

# The title page: the paper's metadata, then the edition's. $names are filled from `paper`.
_latex_title_page = Template(r"""
\newgeometry{left=2.5cm,right=2.5cm,top=3cm,bottom=3cm}
\begin{titlepage}
  \hypersetup{pageanchor=false}% the title page and page 1 would share a destination
  \centering
  {\sffamily\small\color{edMark}A CRITICAL EDITION\par}
  \vspace*{1.6cm}
  {\sffamily\bfseries\huge $title\par}
  \vspace{1.2cm}
  {\Large $authors\par}
  \vspace{0.8cm}
  {\large\itshape $venue\/\upshape{} \textperiodcentered{} $section
    \textperiodcentered{} $date\par}
  \vspace{0.4cm}
  {\small DOI \href{https://doi.org/$doi}{$doi} \quad e-ISSN $eissn\par
    \url{$url}\par
    \vspace{0.2cm}Keywords: $keywords\par}
  \vfill
  \rule{0.6\textwidth}{0.4pt}\par\vspace{0.5cm}
  {\large Critical edition, version $release\par}
  \vspace{0.2cm}
  {Edited by $editors\par}
  \vspace{0.6cm}
  {\small\begin{minipage}{0.8\textwidth}\centering
    The authors' text follows the published witness. Attributed statements (claims) are set
    between half brackets, \edOpenMark like this\edCloseMark,
    with the speaker, the source and the editors' status in the margin; emendations and text
    supplied by the editors are marked and explained in the notes.
  \end{minipage}\par}
  \vspace{0.6cm}
  {\footnotesize © $copyright\par}
\end{titlepage}
\restoregeometry
\hypersetup{pageanchor=true}
""").substitute(
    title=_tex(paper["title"]),
    authors=r"\quad ".join(_tex(name) for name in paper["authors"]),
    venue=_tex(paper["venue"]),
    section=_tex(paper["section"]),
    date=_paper_date_text,
    doi=_tex(paper["doi"]),
    eissn=_tex(paper["eissn"]),
    url=paper["url"],  # \url takes it verbatim
    keywords=_tex_keywords,
    release=_tex(release),
    # "Edited by the editors of ...": lower-case the article of edition_editors.
    editors=_tex(re.sub(r"^The ", "the ", edition_editors)),
    copyright=_tex(copyright),
)

latex_elements = {
    "papersize": "a4paper",
    "pointsize": "11pt",
    # One-sided, so that the margin notes are always on the right.
    "extraclassoptions": "oneside",
    # A wide right margin for the claims' cards, emendations and labels of supplied text.
    "geometry": (
        r"\usepackage[a4paper,left=2.4cm,right=6.6cm,top=2.6cm,bottom=2.8cm,"
        r"marginparwidth=4.8cm,marginparsep=0.6cm]{geometry}"
    ),
    "fontpkg": r"""
\setmainfont{FreeSerif}[Extension=.otf, UprightFont=*, ItalicFont=*Italic,
  BoldFont=*Bold, BoldItalicFont=*BoldItalic]
\setsansfont{FreeSans}[Extension=.otf, UprightFont=*, ItalicFont=*Oblique,
  BoldFont=*Bold, BoldItalicFont=*BoldOblique]
\setmonofont{FreeMono}[Extension=.otf, Scale=0.9, UprightFont=*, ItalicFont=*Oblique,
  BoldFont=*Bold, BoldItalicFont=*BoldOblique]
""",
    # cmap.sty is for pdfTeX only; XeTeX writes Unicode text into the PDF itself.
    "cmappkg": "",
    "fncychap": "",
    "preamble": rf"""
% The paper's footnotes are bare addresses, long and without slashes near the end: xurl lets
% them break between any two characters instead of running into the margin.
\usepackage{{xurl}}
% Tables (the claim index has six columns) share the narrow text column: a smaller size.
\AddToHook{{env/tabulary/begin}}{{\small}}
\AddToHook{{env/longtable/begin}}{{\small}}
% "Contents", not the first toctree's caption (Sphinx's default), since it lists the apparatus too.
\addto\captionsenglish{{\renewcommand{{\contentsname}}{{Contents}}}}
\hypersetup{{
  pdftitle={{{paper["title"]} — a critical edition}},
  pdfauthor={{{"; ".join(paper["authors"])}}},
  pdfsubject={{{paper["venue"]}, {_paper_date_text}. Critical edition {release}, {edition_editors}}},
  pdfkeywords={{{_pdf_keywords}}},
  pdflang={{en}},
}}
""",
    "maketitle": _latex_title_page,
    # The paper's sections are not numbered (nor are they in the HTML edition).
    "secnumdepth": r"\setcounter{secnumdepth}{0}",
    "tocdepth": r"\setcounter{tocdepth}{1}",
    "tableofcontents": r"\sphinxtableofcontents\clearpage",
    "printindex": r"\edPrintIndexIfAny",
}

# -- EPUB (make epub) --------------------------------------------------------------------------
epub_basename = _latex_name
epub_title = project
epub_author = " & ".join(paper["authors"])
epub_contributor = edition_editors
epub_publisher = edition_editors
epub_copyright = copyright
epub_language = "en"
epub_description = (
    f"A critical edition of {' and '.join(paper['authors'])}, “{paper['title']}”, "
    f"{paper['venue']}, {_paper_date_text} (DOI {paper['doi']})."
)
# The edition's own identifier; the paper's DOI is in the description. Sphinx writes epub_uid
# into the NCX as the book's identifier, which must be the OPF's identifier: the two are one.
epub_uid = f"{_latex_name}-{release}"
epub_identifier = epub_uid
epub_show_urls = "no"
# print.md is the PDF's start page only; .buildinfo.bak is what Sphinx keeps of an older config.
epub_exclude_files = ["search.html", "print.xhtml", ".buildinfo.bak"]

# -- Link check (make linkcheck) ---------------------------------------------------------------
# Every link of the edition is checked: links and bare URLs in the text and the footnotes, and
# the url, doi and archiveurl of every refs.bib entry (critical_edition.linkcheck.builder). The report
# is docs/_build/linkcheck/linkreport.txt (and .json); README.md, "Link check", explains it.
# Bounded time: a request waits at most 15 s for an answer, a link gets 2 attempts (each a HEAD,
# then a GET), and a host answering 429 may keep the check waiting 120 s in all — the edition's
# builder applies this bound to Retry-After too, which Sphinx alone would honour without limit.
linkcheck_timeout = 15
linkcheck_retries = 2
linkcheck_workers = 5
linkcheck_rate_limit_timeout = 120.0
# A timeout stays a timeout (not "broken"): the report counts it as unverified, like a host
# that cannot be reached.
linkcheck_report_timeouts_as_broken = False
# A link's #anchor must exist on the page (Sphinx downloads the page to look for it).
linkcheck_anchors = True
# Redirects that count as working; any other redirect is reported as "redirected", a prompt to
# update the link, and does not fail the check. Each entry: source pattern -> target pattern.
linkcheck_allowed_redirects = {
    # A DOI is a name, not an address: doi.org answers every registered DOI with a redirect to
    # the publisher's current landing page, so the DOI link is right as it is.
    r"https://doi\.org/.*": r"https?://.*",
}
# Links that are not requested; the report lists them as ignored, with the pattern.
linkcheck_ignore = [
    # ResearchGate answers automated clients with 403 whatever the page (bot protection), so a
    # check cannot tell a live page from a dead one (see scikit-learn/scikit-learn#23737). The
    # paper's DOI resolves there: doi.org is still asked, and a 404 from it (an unknown DOI)
    # is still reported as broken; only the redirect to ResearchGate is not followed.
    r"https?://(www\.)?researchgate\.net/",
]
# SSRF guard: links to private, loopback, link-local or local hosts are not requested, and
# redirects to IP-literal or local hosts are not followed, so that a link in the sources cannot
# probe the network of the machine running the check. Only the tests switch it off.
edition_linkcheck_block_private = True
# The resolver through which the DOIs of refs.bib are checked.
edition_linkcheck_doi_resolver = "https://doi.org/"
# No broken link but some unreachable or timed out: exit status 3, a failure (set to False, or
# pass -D edition_linkcheck_unverified_fails=0, to accept it; the report still says UNVERIFIED).
edition_linkcheck_unverified_fails = True
