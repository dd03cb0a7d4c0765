"""Outputs (write phase): the edition's bibliographic description, shared by the metadata formats.

The JSON-LD, the reference-manager tags and the citation block all describe the same two works:
the edition (``project``, ``copyright``, ``version``, ``language``, ``edition_editors``,
``edition_date``, ``edition_license``) and the text it edits (``edition_original``). This module
reads them once from the configuration, checks ``edition_original``'s keys, and gives the
helpers every format needs: page addresses and JSON that is safe inside a ``<script>`` element.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from critical_edition.core.config import get_config
from critical_edition.core.diagnostics import Subtype, warn

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

#: The keys of ``edition_original`` whose value is text.
TEXT_KEYS = ("title", "venue", "date", "doi", "url", "issn")
#: The HTML builders whose pages carry the metadata.
HTML_BUILDERS = frozenset({"html", "dirhtml"})


@dataclass(frozen=True)
class Original:
    """The edited text's bibliographic description (every field may be empty)."""

    title: str = ""
    authors: tuple[str, ...] = ()
    venue: str = ""
    date: str = ""
    doi: str = ""
    url: str = ""
    issn: str = ""

    @property
    def doi_url(self) -> str:
        """The DOI as an address, or empty."""
        return f"https://doi.org/{self.doi}" if self.doi else ""


@dataclass(frozen=True)
class Edition:
    """The edition's own bibliographic description."""

    title: str
    editors: str
    date: str
    license: str
    copyright: str
    version: str
    language: str
    original: Original
    #: ``html_baseurl`` without its trailing slash; empty when not set.
    baseurl: str


def _original(value: dict[str, Any]) -> Original:
    """The valid part of ``edition_original`` (checked at config-inited)."""
    texts = {key: value[key].strip() for key in TEXT_KEYS if isinstance(value.get(key), str)}
    authors = value.get("authors", ())
    if isinstance(authors, str):
        authors = (authors,)
    names = tuple(name.strip() for name in authors if isinstance(name, str) and name.strip())
    return Original(authors=names, **texts)


def edition(app: Sphinx) -> Edition:
    """The edition's description from the running build's configuration."""
    config = app.config
    settings = get_config(config)
    return Edition(
        title=str(config.project or ""),
        editors=settings.editors.strip(),
        date=settings.date.strip(),
        license=settings.license.strip(),
        copyright=str(config.copyright or ""),
        version=str(config.release or config.version or ""),
        language=str(config.language or ""),
        original=_original(settings.original),
        baseurl=str(getattr(config, "html_baseurl", "") or "").rstrip("/"),
    )


def check_original(app: Sphinx, config: Config) -> None:
    """Warn about a key of ``edition_original`` that is unknown or has the wrong type.

    Connected to ``config-inited``; the value is still used, without the wrong keys.
    """
    value = getattr(config, "edition_original", {})
    if not isinstance(value, dict):
        return  # already reported by core.config.validate
    for key, item in value.items():
        if key == "authors":
            ok = isinstance(item, str) or (
                isinstance(item, list | tuple) and all(isinstance(name, str) for name in item)
            )
        elif key in TEXT_KEYS:
            ok = isinstance(item, str)
        else:
            # Other keys (keywords, a section...) may serve conf.py itself: ignored here.
            continue
        if not ok:
            expected = "a list of names" if key == "authors" else "a string"
            warn(
                f"edition_original[{key!r}] = {item!r} must be {expected}; it is left out of "
                "the pages' metadata. Correct it in conf.py.",
                Subtype.CONFIG_INVALID,
                None,
            )


def page_address(app: Sphinx, edition: Edition, current: str, target: str) -> str:
    """The address of page *target*: absolute under ``html_baseurl``, else relative to *current*."""
    if edition.baseurl:
        return f"{edition.baseurl}/{app.builder.get_target_uri(target)}"
    uri = app.builder.get_relative_uri(current, target)
    return uri or app.builder.get_target_uri(target)


def script_json(data: Any) -> str:
    """*data* as JSON that cannot end or open markup inside a ``<script>`` element.

    ``<``, ``>`` and ``&`` are written as JSON escapes (``\\u003c``...), which every JSON
    parser reads back as the same characters, so no ``</script>`` or ``<!--`` can appear.
    """
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
