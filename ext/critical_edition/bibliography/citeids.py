"""Citation anchors (builder-inited): entries with non-Latin keys get anchors of their own.

sphinxcontrib-bibtex makes each entry's anchor from ``bibtex_cite_id`` (the quick-start's
``bib-{key}``) with docutils' ``make_id``, which keeps ASCII letters and digits only: the keys
``Սարգսյան2020`` and ``Петров2020`` both become ``bib-2020``, the second entry loses its
anchor and its citations link nowhere. Here a key with other characters is written in
Punycode (``bib-2020-…``, an ASCII form that tells every key apart) before ``make_id`` sees
it; ASCII keys keep the anchors they always had.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sphinx.application import Sphinx


def anchor_key(key: str) -> str:
    """*key* as ``make_id`` keeps it apart from every other key."""
    if key.isascii():
        return key
    return "u-" + key.encode("punycode").decode("ascii")


class CiteIdTemplate(str):
    """A ``bibtex_cite_id`` value whose ``{key}`` is filled with :func:`anchor_key`."""

    __slots__ = ()

    def format(self, *args: Any, **kwargs: Any) -> str:
        if isinstance(kwargs.get("key"), str):
            kwargs["key"] = anchor_key(kwargs["key"])
        return str.format(self, *args, **kwargs)


def distinct_anchors(app: Sphinx) -> None:
    """Wrap the anchor templates that name the key; ``builder-inited``.

    Not earlier: Sphinx checks the settings' types at ``config-inited`` and again when the
    HTML builder loads its theme, and would report the wrapper's type.
    """
    config = app.config
    for name in ("bibtex_cite_id", "bibtex_footcite_id"):
        value = getattr(config, name, "")
        if isinstance(value, str) and "{key}" in value and not isinstance(value, CiteIdTemplate):
            setattr(config, name, CiteIdTemplate(value))


def register(app: Sphinx) -> None:
    """Connect the anchor templates' wrapping."""
    # builder-inited: after every check of the settings' types, before any page is read.
    app.connect("builder-inited", distinct_anchors)
