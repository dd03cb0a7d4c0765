"""Outputs (write phase, html-page-context): reference-manager tags and the citation block.

On the landing page and the pages of the text (``edition_index_documents``; every page when it
is empty) the head gets:

- Highwire Press ``citation_*`` tags (read by Google Scholar and Zotero) describing the edited
  text itself, so that a reader's reference manager records the work the page reproduces;
- Dublin Core ``DC.*`` tags describing the edition (its title, the editors as contributors, the
  edited text as ``DC.source``);
- Open Graph ``og:*`` tags for the page.

The landing page ends with a "Cite this edition" block: a formatted citation and a BibTeX
entry. Every value is escaped for the attribute or element it goes into (and for BibTeX).
"""

from __future__ import annotations

import fnmatch
import html
import re
import unicodedata
from typing import TYPE_CHECKING, Any

from critical_edition.core import priorities
from critical_edition.core.config import get_config
from critical_edition.outputs.edition import HTML_BUILDERS, Edition, edition, page_address

if TYPE_CHECKING:
    from docutils import nodes
    from sphinx.application import Sphinx

#: Characters BibTeX reads as markup, and how a value writes them literally.
BIBTEX_ESCAPES = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "%": r"\%",
    "&": r"\&",
    "#": r"\#",
    "$": r"\$",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


def bibtex_text(value: str) -> str:
    """*value* as the literal text of a BibTeX field."""
    return "".join(BIBTEX_ESCAPES.get(char, char) for char in " ".join(value.split()))


def _meta(attribute: str, name: str, content: str) -> str:
    return f'<meta {attribute}="{html.escape(name)}" content="{html.escape(content)}" />\n'


def highwire_date(value: str) -> str:
    """An ISO date as Highwire writes it (``2020/11/10``)."""
    return value.replace("-", "/")


def meta_tags(app: Sphinx, info: Edition, pagename: str) -> str:
    """The Highwire, Dublin Core and Open Graph tags of one page."""
    original = info.original
    tags: list[tuple[str, str, str]] = []
    if original.title:
        tags.append(("name", "citation_title", original.title))
        tags += [("name", "citation_author", name) for name in original.authors]
        if original.date:
            tags.append(("name", "citation_publication_date", highwire_date(original.date)))
        if original.venue:
            tags.append(("name", "citation_journal_title", original.venue))
        if original.issn:
            tags.append(("name", "citation_issn", original.issn))
        if original.doi:
            tags.append(("name", "citation_doi", original.doi))
        if original.url:
            tags.append(("name", "citation_fulltext_html_url", original.url))
        tags.append(("name", "citation_language", info.language))
    tags.append(("name", "DC.title", info.title))
    tags += [("name", "DC.creator", name) for name in original.authors]
    if info.editors:
        tags.append(("name", "DC.contributor", info.editors))
    if info.date:
        tags.append(("name", "DC.date", info.date))
    tags.append(("name", "DC.rights", info.copyright))
    tags.append(("name", "DC.language", info.language))
    tags.append(("name", "DC.type", "Text"))
    if original.doi_url or original.url:
        tags.append(("name", "DC.source", original.doi_url or original.url))
    title = app.env.titles.get(pagename)
    tags.append(("property", "og:title", title.astext() if title is not None else info.title))
    tags.append(("property", "og:type", "article"))
    tags.append(("property", "og:site_name", info.title))
    if info.baseurl:
        tags.append(("property", "og:url", page_address(app, info, pagename, pagename)))
    return "".join(_meta(attribute, name, content) for attribute, name, content in tags if content)


def citation_key(info: Edition) -> str:
    """A BibTeX key for the edition: the first author's last name, the year, ``edition``."""
    original = info.original
    name = original.authors[0].split()[-1] if original.authors else "edition"
    year = (original.date or info.date)[:4]
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    key = re.sub(r"[^a-z0-9]", "", f"{ascii_name}{year}".lower())
    return f"{key or 'critical'}-edition"


def formatted_citation(info: Edition, url: str) -> str:
    """The edition cited in words (plain text)."""
    original = info.original
    parts: list[str] = []
    if original.authors:
        parts.append(" and ".join(original.authors) + ".")
    if original.title:
        parts.append(f"“{original.title}”")
    source = ", ".join(part for part in (original.venue, original.date) if part)
    if source:
        parts.append(source + ".")
    if original.doi_url:
        parts.append(original.doi_url + ".")
    edition_words = "Critical edition"
    if info.version:
        edition_words += f", version {info.version}"
    if info.date:
        edition_words += f", {info.date}"
    parts.append(edition_words + ".")
    if info.editors:
        parts.append(f"Editors: {info.editors}.")
    if url:
        parts.append(url)
    return " ".join(parts)


def bibtex_entry(info: Edition, url: str) -> str:
    """The edition as a BibTeX ``@misc`` entry."""
    original = info.original
    fields: list[tuple[str, str]] = [("title", bibtex_text(info.title))]
    if original.authors:
        fields.append(("author", " and ".join(bibtex_text(name) for name in original.authors)))
    if info.editors:
        # Braced: a collective name, not a list of persons for BibTeX to split.
        fields.append(("editor", "{" + bibtex_text(info.editors) + "}"))
    year = (info.date or original.date)[:4]
    if year:
        fields.append(("year", bibtex_text(year)))
    if info.version:
        fields.append(("version", bibtex_text(info.version)))
    if url:
        fields.append(("url", bibtex_text(url)))
    source = [bibtex_text(f"Critical edition of “{original.title}”")] if original.title else []
    if original.venue:
        source.append(bibtex_text(original.venue))
    if original.date:
        source.append(bibtex_text(original.date))
    if original.doi:
        source.append(r"\url{https://doi.org/" + bibtex_text(original.doi) + "}")
    if source:
        fields.append(("note", ", ".join(source)))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{{citation_key(info)},\n{body}\n}}"


def cite_block(app: Sphinx, info: Edition, pagename: str) -> str:
    """The "Cite this edition" block of the landing page (HTML)."""
    url = page_address(app, info, pagename, pagename) if info.baseurl else ""
    return (
        '<section class="edition-cite" id="cite-this-edition">\n'
        "<h2>Cite this edition</h2>\n"
        f'<p class="edition-cite-text">{html.escape(formatted_citation(info, url))}</p>\n'
        '<p>BibTeX:</p>\n<div class="highlight"><pre class="edition-cite-bibtex">'
        f"{html.escape(bibtex_entry(info, url))}</pre></div>\n"
        "</section>\n"
    )


def is_text_page(app: Sphinx, pagename: str) -> bool:
    """Whether the page is the landing page or a page of the text."""
    patterns = get_config(app.config).index_documents
    if pagename == app.config.root_doc or not patterns:
        return True
    return any(fnmatch.fnmatchcase(pagename, pattern) for pattern in patterns)


def add_meta(
    app: Sphinx,
    pagename: str,
    templatename: str,
    context: dict[str, Any],
    doctree: nodes.document | None,
) -> None:
    """Add the tags to the head of the text's pages, and the citation block to the landing page."""
    if app.builder.name not in HTML_BUILDERS or doctree is None:
        return
    if not is_text_page(app, pagename):
        return
    info = edition(app)
    context["metatags"] = context.get("metatags", "") + meta_tags(app, info, pagename)
    if pagename == app.config.root_doc:
        context["body"] = context.get("body", "") + cite_block(app, info, pagename)


def register(app: Sphinx) -> None:
    """Connect the tags and the citation block."""
    app.connect("html-page-context", add_meta, priority=priorities.PAGE_METADATA)
