"""Reference tables (read phase): directives that render the toolkit's settings, warnings and schema.

The documentation's reference is generated from the code, so it cannot drift from it:

- ``{edition-config-reference}``: every field of :class:`~.config.EditionConfig` (the setting's
  name, type, default, rebuild kind and meaning);
- ``{edition-warning-reference}``: every :class:`~.diagnostics.Subtype` (category, what
  triggers it, how to fix it, how to silence it);
- ``{edition-schema-reference}``: the properties of ``schema/claims.schema.json``.

Each directive builds a standard docutils table, so every builder renders it, and gives each
row an anchor (``config-edition-claims-json``, ``warning-edition-claim-no-actor``,
``schema-actor-ids``). The page is re-read when the module it documents changes.
"""

from __future__ import annotations

import json
import re
from dataclasses import fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

from critical_edition.core import config, diagnostics, tables
from critical_edition.core.config import PREFIX, EditionConfig, default_of
from critical_edition.core.diagnostics import WARNING_TYPE, Subtype
from critical_edition.outputs import claims_json as export

if TYPE_CHECKING:
    from sphinx.application import Sphinx

#: What each rebuild kind means for the person changing the setting.
REBUILD_KINDS = {
    "env": "env: every page is read again",
    "html": "html: HTML pages are written again",
    "": "none: applies to the next build",
}

#: Friendlier names for the dataclass's annotations.
_TYPE_NAMES = {
    "bool": "bool",
    "str": "str",
    "tuple[str, ...]": "list of str",
    "dict[str, Any]": "dict",
}

#: ````literal```` spans as in reST: the closing ```` is the last two of a run of backticks.
_LITERAL = re.compile(r"``(.+?)``(?!`)")


def inline_text(text: str) -> list[nodes.Node]:
    """*text* as inline nodes, with its ````literal```` spans as literal nodes."""
    result: list[nodes.Node] = []
    position = 0
    for match in _LITERAL.finditer(text):
        if match.start() > position:
            result.append(nodes.Text(text[position : match.start()]))
        result.append(nodes.literal(match.group(1), match.group(1)))
        position = match.end()
    if position < len(text):
        result.append(nodes.Text(text[position:]))
    return result


def _paragraph(*children: nodes.Node) -> nodes.paragraph:
    return nodes.paragraph("", "", *children)


def _literal(text: str) -> nodes.literal:
    return nodes.literal(text, text)


def table(
    headers: list[str],
    rows: list[tuple[str, list[nodes.Element]]],
    widths: list[int],
    classes: list[str],
) -> nodes.table:
    """A table with a header row; each body row has an anchor id and one element per cell.

    The table is text about the toolkit, not text of the edition: the class ``ed-no-lint``
    keeps the attribution linter out of it.
    """
    return tables.table(
        headers,
        [cells for _, cells in rows],
        widths,
        classes=["ed-reference", "ed-no-lint", *classes],
        row_ids=[anchor for anchor, _ in rows],
    )


def type_name(annotation: object) -> str:
    """The setting's type as the reference shows it (``list of str`` for a tuple of str)."""
    text = str(annotation)
    return _TYPE_NAMES.get(text, text)


def default_text(default: object) -> str:
    """The default as it would be written in ``conf.py`` (a list, not a tuple; double quotes)."""
    if isinstance(default, tuple | list):
        return "[" + ", ".join(default_text(item) for item in default) + "]"
    if isinstance(default, str):
        return json.dumps(default, ensure_ascii=False)
    return repr(default)


def _labelled(label: str, *value: nodes.Node) -> nodes.paragraph:
    return _paragraph(nodes.emphasis(label, label), nodes.Text(" "), *value)


def config_rows() -> list[tuple[str, list[nodes.Element]]]:
    """One row per setting of :class:`EditionConfig`, in declaration order.

    First cell: the name, type, default and rebuild kind; second: what the setting does.
    """
    rows: list[tuple[str, list[nodes.Element]]] = []
    for f in fields(EditionConfig):
        name = PREFIX + f.name
        default = default_of(f)
        rebuild = str(f.metadata["rebuild"])
        setting = nodes.container()
        setting += _paragraph(nodes.strong("", "", _literal(name)))
        setting += _labelled("Type:", nodes.Text(type_name(f.type)))
        setting += _labelled("Default:", _literal(default_text(default)))
        setting += _labelled("Rebuild:", nodes.Text(REBUILD_KINDS.get(rebuild, rebuild)))
        meaning = _paragraph(*inline_text(str(f.metadata["help"])))
        rows.append((nodes.make_id(f"config-{name}"), [setting, meaning]))
    return rows


def warning_rows() -> list[tuple[str, list[nodes.Element]]]:
    """One row per :class:`Subtype`, in declaration order.

    First cell: the subtype as Sphinx prints it and its check; second: what triggers it, how
    to fix it, and the ``suppress_warnings`` entry that silences it.
    """
    rows: list[tuple[str, list[nodes.Element]]] = []
    for subtype in Subtype:
        code = f"{WARNING_TYPE}.{subtype.code}"
        info = subtype.info
        name = nodes.container()
        name += _paragraph(nodes.strong("", "", _literal(code)))
        name += _labelled("Check:", nodes.Text(info.category))
        text = nodes.container()
        text += _labelled("Trigger:", *inline_text(info.trigger))
        text += _labelled("Fix:", *inline_text(info.fix))
        text += _labelled("Silence:", _literal(f'suppress_warnings = ["{code}"]'))
        rows.append((nodes.make_id(f"warning-{code}"), [name, text]))
    return rows


def schema_type(spec: dict[str, Any]) -> str:
    """A JSON Schema property's type in words (``array of string``, ``string or null``)."""
    if "enum" in spec:
        return "one of " + ", ".join(json.dumps(value) for value in spec["enum"])
    kinds = spec.get("type", "any")
    names = kinds if isinstance(kinds, list) else [kinds]
    words = []
    for kind in names:
        if kind == "array":
            item = spec.get("items", {})
            words.append(f"array of {schema_type(item)}" if item else "array")
        else:
            words.append(str(kind))
    return " or ".join(words)


def schema_rows(schema: dict[str, Any]) -> list[tuple[str, list[nodes.Element]]]:
    """One row per property of the objects the schema's array holds.

    First cell: the property, its type and whether it is required; second: its description
    (and pattern).
    """
    items = schema.get("items", schema)
    required = set(items.get("required", ()))
    rows: list[tuple[str, list[nodes.Element]]] = []
    for name, spec in items.get("properties", {}).items():
        prop = nodes.container()
        prop += _paragraph(nodes.strong("", "", _literal(name)))
        prop += _labelled("Type:", nodes.Text(schema_type(spec)))
        prop += _labelled("Required:", nodes.Text("yes" if name in required else "no"))
        meaning = nodes.container()
        meaning += _paragraph(nodes.Text(str(spec.get("description", ""))))
        if "pattern" in spec:
            meaning += _labelled("Pattern:", _literal(str(spec["pattern"])))
        rows.append((nodes.make_id(f"schema-{name}"), [prop, meaning]))
    return rows


class _ReferenceDirective(SphinxDirective):
    """A generated table; the page depends on the module (or file) it documents."""

    has_content = False
    #: Files whose change makes the page outdated.
    sources: tuple[Path, ...] = ()
    #: The headers of the table's two columns, and the table's own class.
    headers: tuple[str, str]
    table_class: str

    def run(self) -> list[nodes.Node]:
        # The page is read again when the table's code or data changes (not only its source).
        for path in (Path(__file__), *self.sources):
            self.env.note_dependency(str(path))
        node = table(list(self.headers), self.rows(), [36, 64], [self.table_class])
        self.set_source_info(node)
        return [node]

    def rows(self) -> list[tuple[str, list[nodes.Element]]]:
        raise NotImplementedError


class ConfigReferenceDirective(_ReferenceDirective):
    """``{edition-config-reference}``: every ``edition_*`` setting."""

    sources = (Path(config.__file__),)
    headers = ("Setting", "Meaning")
    table_class = "ed-config-reference"

    def rows(self) -> list[tuple[str, list[nodes.Element]]]:
        return config_rows()


class WarningReferenceDirective(_ReferenceDirective):
    """``{edition-warning-reference}``: every warning subtype."""

    sources = (Path(diagnostics.__file__),)
    headers = ("Warning", "What triggers it, how to fix or silence it")
    table_class = "ed-warning-reference"

    def rows(self) -> list[tuple[str, list[nodes.Element]]]:
        return warning_rows()


class SchemaReferenceDirective(_ReferenceDirective):
    """``{edition-schema-reference}``: the properties of a claim in ``claims.json``."""

    sources = (export.SCHEMA_PATH,)
    headers = ("Property", "Meaning")
    table_class = "ed-schema-reference"

    def rows(self) -> list[tuple[str, list[nodes.Element]]]:
        return schema_rows(json.loads(export.SCHEMA_PATH.read_text(encoding="utf-8")))


def register(app: Sphinx) -> None:
    """Register the reference directives."""
    app.add_directive("edition-config-reference", ConfigReferenceDirective)
    app.add_directive("edition-warning-reference", WarningReferenceDirective)
    app.add_directive("edition-schema-reference", SchemaReferenceDirective)
