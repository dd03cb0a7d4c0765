"""Sphinx configuration of the critical edition of Ergun & Valiyev (2020)."""

from __future__ import annotations

from pathlib import Path

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

extensions = [
    "critical_edition",  # loads myst_parser, sphinx_design and sphinxcontrib.bibtex
]

root_doc = "index"
source_suffix = {".md": "markdown"}
exclude_patterns = ["_build"]
nitpicky = True

# -- MyST --------------------------------------------------------------------------------------
myst_enable_extensions = ["colon_fence", "deflist", "attrs_inline", "substitution"]
myst_heading_anchors = 3
myst_footnote_transition = False
myst_substitutions = {f"paper_{key}": value for key, value in paper.items() if isinstance(value, str)}

# -- Bibliography ------------------------------------------------------------------------------
bibtex_bibfiles = [str(Path(__file__).parent.parent / "refs.bib")]
bibtex_encoding = "utf-8"
bibtex_reference_style = "author_year"
bibtex_default_style = "plain"

# -- HTML --------------------------------------------------------------------------------------
html_theme = "furo"
html_title = "Ergun & Valiyev (2020): a critical edition"
html_show_sourcelink = False
html_last_updated_fmt = None
html_theme_options = {"navigation_with_keys": True}

# -- Link check (make linkcheck) ---------------------------------------------------------------
# Every link of the edition is checked: links and bare URLs in the text and the footnotes, and
# the url, doi and archiveurl of every refs.bib entry (critical_edition.linkreport). The report
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
