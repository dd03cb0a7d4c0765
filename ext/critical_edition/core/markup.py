"""Markup parsing: the ``TEXT <key=value; ...>`` form shared by the toolkit's inline roles.

An inline role such as ``{claim}`Both sides accused each other <actor=both-sides; verb=accused>```
carries its text and, in angle brackets at the end, its options. This module splits the two and
reads the options into a dictionary; it knows nothing about claims or emendations.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from docutils import nodes

if TYPE_CHECKING:
    from sphinx.util.docutils import SphinxRole

_TRAILING_OPTIONS = re.compile(r"^(?P<text>.*?)\s*<(?P<options>[^<>]*)>\s*$", re.DOTALL)
_KEY = re.compile(r"^[a-z][a-z_-]*$")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


class OptionError(ValueError):
    """The options of a role cannot be read; the message says why."""


@dataclass(frozen=True)
class RoleText:
    """A role's text split into its visible part and its options."""

    text: str
    options: dict[str, str]


def split_role_text(raw: str) -> RoleText:
    """Split ``TEXT <key=value; key=value>`` into the text and its options.

    A value may be written in double quotes to contain ``;``. Text without a trailing
    ``<...>`` has no options.

    :raises OptionError: when an option is not ``key=value``, a key repeats, or a value is empty.
    """
    found = _trailing_options(raw)
    if found is None:
        return RoleText(raw.strip(), {})
    text, options = found
    return RoleText(text.strip(), parse_options(options))


def _trailing_options(raw: str) -> tuple[str, str] | None:
    """``(text, options)`` of ``TEXT <options>``; ``None`` without trailing options.

    The options begin at the last ``<`` outside double quotes, so a quoted value may hold
    ``<`` and ``>`` (``note="more than 5 > 3"``). With unbalanced quotes the options are the
    last ``<…>`` without angle brackets inside, whose reading then reports the quote.
    """
    body = raw.rstrip()
    if body.endswith(">"):
        quoted = False
        for index in range(len(body) - 2, -1, -1):
            char = body[index]
            if char == '"':
                quoted = not quoted
            elif char == "<" and not quoted:
                return body[:index], body[index + 1 : -1]
    match = _TRAILING_OPTIONS.match(raw)
    return None if match is None else (match["text"], match["options"])


def _split_unquoted(source: str, separator: str) -> list[str]:
    parts: list[str] = []
    current: list[str] = []
    quoted = False
    for char in source:
        if char == '"':
            quoted = not quoted
            current.append(char)
        elif char == separator and not quoted:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    if quoted:
        raise OptionError(f"unbalanced double quote in {source!r}")
    parts.append("".join(current))
    return parts


def parse_options(source: str) -> dict[str, str]:
    """Read ``key=value; key="value; with semicolon"`` into a dictionary.

    :raises OptionError: on a malformed pair, a repeated key or an empty value.
    """
    options: dict[str, str] = {}
    for part in _split_unquoted(source, ";"):
        item = part.strip()
        if not item:
            continue
        key, equals, value = item.partition("=")
        key = key.strip().lower()
        value = value.strip()
        if not equals or not _KEY.match(key):
            raise OptionError(f"{item!r} is not a key=value pair")
        if len(value) >= 2 and value[0] == value[-1] == '"':
            value = value[1:-1].strip()
        if not value:
            raise OptionError(f"the option {key!r} has an empty value")
        if key in options:
            raise OptionError(f"the option {key!r} is given twice")
        options[key] = value
    return options


def split_list(value: str) -> tuple[str, ...]:
    """Split a comma-separated option value into its non-empty, stripped items."""
    return tuple(item.strip() for item in value.split(",") if item.strip())


def id_problem(what: str, value: str) -> str | None:
    """Why *value* cannot be the id of a *what* (a claim, a note...); ``None`` if it can.

    An id becomes part of an anchor and a URL: a letter or digit, then letters, digits,
    ``-``, ``_`` and ``.``.
    """
    if _ID.match(value):
        return None
    return f"the {what} id {value!r} may only contain letters, digits, '-', '_' and '.'"


def parse_inline(
    role: SphinxRole, text: str
) -> tuple[list[nodes.Node], list[nodes.system_message]]:
    """Parse *text* as inline markup of the role's source language (MyST or reStructuredText).

    Lets a role's text hold other roles, a citation say. Both parsers' inliners take
    ``(text, lineno, memo, parent)``; MyST's ignores the memo, docutils' reads the document
    and reporter from it, which the running inliner already holds.
    """
    inliner = cast("Any", role.inliner)
    children, messages = inliner.parse(text, role.lineno, inliner, inliner.parent)
    return list(children), list(messages)


def role_line(role: SphinxRole) -> int:
    """The source line the role stands on.

    MyST gives every role of a paragraph the paragraph's first line. Its inliner's ``parent``
    is the paragraph (or an inline inside it) as rendered so far, soft line breaks included,
    so the line breaks before the role say how many lines further down it stands. The
    docutils inliner's ``parent`` is the enclosing block, not the paragraph: no correction.
    """
    node = getattr(role.inliner, "parent", None)
    if not isinstance(node, nodes.TextElement):
        return role.lineno
    while isinstance(node.parent, nodes.TextElement):
        node = node.parent
    return role.lineno + node.astext().count("\n")


def section_title(node: nodes.Node) -> str:
    """The title of the section *node* stands in (empty outside sections)."""
    parent = node.parent
    while parent is not None:
        if isinstance(parent, nodes.section) and parent.children:
            return parent[0].astext()
        parent = parent.parent
    return ""
