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
