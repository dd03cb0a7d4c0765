"""Tables: the docutils tables of the generated pages (claim index, apparatus, reference).

Post-transforms and directives that list records build their tables here, from standard
docutils nodes, so every builder renders them; the column widths are given, so that LaTeX sets
the columns in these proportions instead of equal widths.
"""

from __future__ import annotations

from collections.abc import Sequence

from docutils import nodes


def table(
    headers: Sequence[str],
    rows: Sequence[Sequence[nodes.Node]],
    widths: Sequence[int],
    *,
    classes: Sequence[str] = (),
    row_ids: Sequence[str] | None = None,
    row_classes: Sequence[Sequence[str]] | None = None,
    row_nodes: Sequence[nodes.row | None] | None = None,
) -> nodes.table:
    """A table with a header row and one node per cell.

    :param rows: the body rows; a cell that is inline (text, a link, a badge) is put into a
        paragraph, a block (paragraph, list, container) is taken as it is.
    :param widths: the relative width of each column.
    :param classes: the table's classes.
    :param row_ids: an anchor per body row, to link to rows.
    :param row_classes: classes per body row (the claim index filters its rows by them).
    :param row_nodes: the row node each body row's cells go into, where it is not a plain row
        (the claim index's rows kept between builds, :mod:`.speedups.rowmemo`).
    """
    result = nodes.table(classes=[*classes, "colwidths-given"])
    group = nodes.tgroup(cols=len(headers))
    result += group
    for width in widths:
        group += nodes.colspec(colwidth=width)
    head = nodes.row()
    for header in headers:
        head += nodes.entry("", nodes.paragraph(header, header))
    group += nodes.thead("", head)
    body = nodes.tbody()
    for position, cells in enumerate(rows):
        given = row_nodes[position] if row_nodes else None
        row = nodes.row() if given is None else given
        row["ids"] = [row_ids[position]] if row_ids else []
        row["classes"] = list(row_classes[position]) if row_classes else []
        for cell in cells:
            inline = isinstance(cell, nodes.Inline | nodes.Text)  # text, a link, a badge...
            row += nodes.entry("", nodes.paragraph("", "", cell) if inline else cell)
        body += row
    group += body
    return result
