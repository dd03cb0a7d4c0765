"""Chronology (read phase, write phase): dated events of the text, in date order, with a timeline.

Markup:

- ``{date}`On 2 September 1991 <1991-09-02>``` marks a date of the text; the value is ISO 8601
  (``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``) or a period ``START/END``
  (``{date}`between July 29 and August 6 <2020-07-29/2020-08-06>```). ``event=…`` after the
  date names the event (``<1994-05-12; event=Ceasefire in force>``); without it the chronology
  quotes the sentence the date stands in.
- ``{chronology}`` lists every event in date order (a date of lower precision first: "May
  1994" before "12 May 1994"), grouped by year, each linked to its place; in HTML a timeline
  figure (an inline SVG drawn here, no script) stands above the list.
"""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx import addnodes
from sphinx.util.docutils import SphinxDirective

from critical_edition.apparatus.base import (
    ApparatusPostTransform,
    CollectMarks,
    TargetRole,
    plain_words,
)
from critical_edition.apparatus.domain import Event, apparatus_domain, date_key
from critical_edition.core import nodes as ed
from critical_edition.core import priorities
from critical_edition.core.diagnostics import Subtype
from critical_edition.core.markup import section_title
from critical_edition.core.text import format_date, iso_date

if TYPE_CHECKING:
    from collections.abc import Sequence

    from docutils.nodes import Node
    from sphinx.application import Sphinx

#: The end of a sentence: a full stop (or ! ?), closing quotes or brackets, then space.
_SENTENCE_END = re.compile(r"[.!?][”’\"')\]]*\s+")


def parse_period(value: str) -> tuple[str, str] | None:
    """``(start, end)`` of ``DATE`` or ``START/END``, or ``None`` when malformed."""
    start_text, slash, end_text = value.partition("/")
    start = iso_date(start_text.strip())
    end = iso_date(end_text.strip()) if slash else start
    if start is None or end is None or date_key(end) < date_key(start):
        return None
    return start, end


def format_period(start: str, end: str) -> str:
    """``2 September 1991``; ``4–5 May 1994``; ``29 July – 6 August 2020``; ``June–August
    1992``; ``1999–2001``."""
    if start == end:
        return format_date(start)
    if len(start) == len(end) == 4:
        return f"{start}–{end}"
    first, last = format_date(start).split(" "), format_date(end).split(" ")
    if len(start) == len(end) and start[:4] == end[:4]:
        if len(first) == 3 and first[1] == last[1]:  # days of one month
            return f"{first[0]}–{' '.join(last)}"
        if len(first) == 2:  # months of one year
            return f"{first[0]}–{' '.join(last)}"
        return f"{' '.join(first[:-1])} – {' '.join(last)}"
    return " ".join(first) + " – " + " ".join(last)


def _date_problem(target: str, options: dict[str, str]) -> str | None:
    """Why a date's markup cannot be used, or ``None``."""
    unknown = sorted(set(options) - {"event"})
    if unknown:
        return f"unknown date option {unknown[0]!r}; the only option is event=…"
    if not target:
        return "the date is missing: write {date}`TEXT <YYYY-MM-DD>`"
    start, slash, end = target.partition("/")
    if iso_date(start.strip()) is None or (slash and iso_date(end.strip()) is None):
        return f"the date {target!r} is not YYYY, YYYY-MM, YYYY-MM-DD or START/END"
    if parse_period(target) is None:
        return f"the period {target!r} ends before it starts"
    return None


class DateRole(TargetRole):
    """``{date}`TEXT <ISO or START/END; event=LABEL>```: a dated event of the text."""

    noun = "date"
    subtype = Subtype.DATE_MALFORMED

    def make_node(
        self, children: list[Node], text: str, target: str, options: dict[str, str]
    ) -> nodes.Element | str:
        problem = _date_problem(target, options)
        period = parse_period(target)
        if problem is not None or period is None:
            return problem or "unreadable date"
        return ed.dated(
            self.rawtext,
            "",
            *children,
            start=period[0],
            end=period[1],
            event=options.get("event", ""),
        )


class ChronologyDirective(SphinxDirective):
    """``{chronology}``: every dated event in date order, with a timeline in HTML."""

    def run(self) -> list[Node]:
        apparatus_domain(self.env).note_placeholder(self.env.docname, "chronology")
        node = ed.chronology_index()
        self.set_source_info(node)
        return [node]


def _is_source_mark(node: nodes.Node) -> bool:
    """A citation or footnote mark, whose read-phase text (a bib key, a label) is not prose."""
    if isinstance(node, nodes.footnote_reference):
        return True
    return isinstance(node, addnodes.pending_xref) and node.get("refdomain") == "cite"


def sentence_of(node: nodes.Element) -> str:
    """The sentence of its paragraph that *node* stands in, citations and footnote marks left out."""
    block = node.parent
    while block is not None and not isinstance(block, nodes.paragraph | nodes.TextElement):
        block = block.parent
    while block is not None and isinstance(block.parent, nodes.TextElement):
        block = block.parent
    if block is None:
        return " ".join(node.astext().split())
    pieces: list[str] = []
    start = end = -1
    length = 0
    inside = set(map(id, node.findall(nodes.Text)))
    for text in block.findall(nodes.Text):
        if any(_is_source_mark(a) for a in _ancestors(text, block)):
            continue
        value = text.astext()
        if id(text) in inside:
            start = length if start < 0 else start
            end = length + len(value)
        pieces.append(value)
        length += len(value)
    whole = "".join(pieces)
    if start < 0:
        return " ".join(node.astext().split())
    begin = 0
    for match in _SENTENCE_END.finditer(whole, 0, start):
        begin = match.end()
    after = _SENTENCE_END.search(whole, end)
    finish = after.start() + 1 if after else len(whole)
    sentence = " ".join(whole[begin:finish].split())
    return re.sub(r"\s+([.,;:!?)])", r"\1", sentence)


def _ancestors(node: nodes.Node, stop: nodes.Node) -> list[nodes.Node]:
    result = []
    parent = node.parent
    while parent is not None and parent is not stop:
        result.append(parent)
        parent = parent.parent
    return result


class CollectEvents(CollectMarks):
    """Give every dated event its anchor and label, and record it (read phase)."""

    default_priority = priorities.COLLECT_EVENTS
    node_class = ed.dated
    anchor_prefix = "event-"
    record_key = "events"

    def record(self, node: nodes.Element, anchor: str) -> Event:
        return Event(
            start=node["start"],
            end=node["end"],
            text=plain_words(node),
            label=node.get("event") or sentence_of(node),
            docname=self.env.docname,
            line=node.line,
            anchor=anchor,
            section=section_title(node),
        )


class FillChronology(ApparatusPostTransform):
    """Replace the ``{chronology}`` placeholder with the timeline and the dated list."""

    def run(self, **kwargs: Any) -> None:
        if not self.may_hold(ed.chronology_index):
            return
        placeholders = list(self.document.findall(ed.chronology_index))
        if not placeholders:
            return
        events = self.domain.events(scoped=True)
        for placeholder in placeholders:
            self.fromdocname = self.docname_of(placeholder)
            placeholder.replace_self(self.chronology(events))
        self.tree_changed()

    def chronology(self, events: list[Event]) -> list[nodes.Node]:
        if not events:
            return [nodes.paragraph("", "No dated events are marked in the text.")]
        figure = ed.timeline(
            events=[
                (e.start, e.end, e.label, f"chronology-{n}", format_period(e.start, e.end))
                for n, e in enumerate(events, start=1)
            ],
            caption=(
                f"{len(events)} dated events, {events[0].start[:4]}–{events[-1].end[:4]}; "
                f"the last year is drawn month by month."
            ),
        )
        result: list[nodes.Node] = [figure]
        by_year: dict[str, list[tuple[int, Event]]] = {}
        for number, event in enumerate(events, start=1):
            by_year.setdefault(event.start[:4], []).append((number, event))
        for year, group in by_year.items():
            result.append(nodes.rubric(year, year, classes=["ed-chronology-year"]))
            items = nodes.bullet_list(classes=["ed-chronology"])
            for number, event in group:
                item = nodes.list_item(ids=[f"chronology-{number}"])
                paragraph = nodes.paragraph()
                when = format_period(event.start, event.end)
                paragraph += nodes.strong(when, when, classes=["ed-chronology-date"])
                paragraph += nodes.Text(" ")
                paragraph += nodes.inline(event.label, event.label, classes=["ed-chronology-event"])
                paragraph += nodes.Text(" (")
                paragraph += self.place(event.docname, event.anchor, event.section)
                paragraph += nodes.Text(")")
                item += paragraph
                items += item
            result.append(items)
        return result


# --- The timeline figure (HTML) -----------------------------------------------------------------

_WIDTH, _HEIGHT = 760, 150
_LEFT, _RIGHT, _AXIS = 24, 24, 112
_MONTHS = "JFMAMJJASOND"


def _fraction(value: str) -> float:
    """Years since the start of the date's year, as a fraction (day precision)."""
    _year, month, day = date_key(value)
    return ((month or 1) - 1) / 12 + ((day or 1) - 1) / 365


def timeline_svg(events: Sequence[tuple[str, str, str, str, str]]) -> str:
    """An inline SVG of the events: the years before the last, then the last year month by month.

    *events*: ``(start, end, label, anchor, when)`` in date order. Every text is escaped; the
    figure has a title and a description (the list below it is the primary form), and each mark
    is a link to its event in the list, named by its date and event, with a tooltip saying so.
    """
    first = date_key(events[0][0])[0]
    focus = max(date_key(e[1])[0] for e in events)
    inner = _WIDTH - _LEFT - _RIGHT
    years = max(focus - first, 1)
    compressed = inner * (0.42 if focus > first else 0.0)
    gap = 14 if focus > first else 0
    expanded = inner - compressed - gap

    def x_of(value: str) -> float:
        year = date_key(value)[0]
        if year < focus:
            return _LEFT + (year - first + _fraction(value)) / years * compressed
        return _LEFT + compressed + gap + _fraction(value) * expanded

    def esc(text: str) -> str:
        return html.escape(text, quote=True)

    axis_start = _LEFT + compressed + gap
    parts = [
        (
            f'<svg xmlns="http://www.w3.org/2000/svg" class="ed-timeline-svg" '
            f'viewBox="0 0 {_WIDTH} {_HEIGHT}" '
            'aria-labelledby="ed-timeline-title ed-timeline-desc">'
        ),
        '<title id="ed-timeline-title">Timeline of the dated events</title>',
        (
            f'<desc id="ed-timeline-desc">{len(events)} events from {first} to {focus}, '
            "listed below in date order; each mark links to its event in the list.</desc>"
        ),
        _line("ed-tl-axis", axis_start, _AXIS, _WIDTH - _RIGHT, _AXIS),
    ]
    if compressed:
        parts.append(_line("ed-tl-axis", _LEFT, _AXIS, _LEFT + compressed, _AXIS))
        step = max(1, round(years / 8))
        for position, year in enumerate(range(first, focus, step)):
            x = _LEFT + (year - first) / years * compressed
            parts.append(_line("ed-tl-tick", x, _AXIS, x, _AXIS + 5))
            # Every other year label is left out where the figure is small (phones).
            parts.append(_label(x, _AXIS + 18, str(year), "ed-tl-minor" if position % 2 else ""))
        cut = _LEFT + compressed + gap / 2
        parts.append(
            f'<path class="ed-tl-break" d="M{cut - 4:.1f} {_AXIS + 5} l4 -10 M{cut:.1f} '
            f'{_AXIS + 5} l4 -10"/>'
        )
    for month in range(12):
        x = axis_start + month / 12 * expanded
        parts.append(_line("ed-tl-tick", x, _AXIS, x, _AXIS + 5))
        parts.append(_label(x + expanded / 24, _AXIS + 18, _MONTHS[month]))
    parts.append(_label(axis_start, _AXIS + 34, str(focus), "ed-tl-year", anchor="start"))
    # Marks, stacked upwards where they would overlap.
    rows: list[float] = []
    for start, end, label, anchor, when in events:
        x1, x2 = x_of(start), max(x_of(end), x_of(start))
        row = next((i for i, right in enumerate(rows) if right + 7 < x1), len(rows))
        if row == len(rows):
            rows.append(x2)
        rows[row] = x2
        y = _AXIS - 10 - (row % 9) * 10
        short = label if len(label) < 160 else label[:157] + "…"
        tooltip = f"<title>{esc(when)}: {esc(short)}</title>"
        # Each mark is a link to its event in the list (keyboard and touch), named by it, with
        # a larger transparent shape around it to tap.
        parts.append(
            f'<a class="ed-tl-mark" href="#{esc(anchor)}" aria-label="{esc(when)}: {esc(short)}">'
        )
        if x2 - x1 >= 3:
            pad = max(9.0, (30 - (x2 - x1)) / 2)
            parts.append(
                f'<rect class="ed-tl-hit" x="{x1 - pad:.1f}" y="{y - 15}" '
                f'width="{x2 - x1 + 2 * pad:.1f}" '
                f'height="30" rx="15"/>'
                f'<rect class="ed-tl-period" x="{x1:.1f}" y="{y - 3}" width="{x2 - x1:.1f}" '
                f'height="6" rx="3">{tooltip}</rect>'
            )
        else:
            parts.append(
                f'<circle class="ed-tl-hit" cx="{x1:.1f}" cy="{y}" r="15"/>'
                f'<circle class="ed-tl-event" cx="{x1:.1f}" cy="{y}" r="5">{tooltip}</circle>'
            )
        parts.append("</a>")
    parts.append("</svg>")
    return "".join(parts)


def _line(cls: str, x1: float, y1: float, x2: float, y2: float) -> str:
    return f'<line class="{cls}" x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}"/>'


def _label(x: float, y: float, text: str, extra: str = "", anchor: str = "middle") -> str:
    classes = f"ed-tl-label {extra}".strip()
    return (
        f'<text class="{classes}" x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}">'
        f"{html.escape(text)}</text>"
    )


def register(app: Sphinx) -> None:
    """Register the date role, the chronology directive, the collector and the page."""
    app.add_role("date", DateRole())
    app.add_directive("chronology", ChronologyDirective)
    # Read phase: anchors, labels (the sentence around the date) and records.
    app.add_transform(CollectEvents)
    # Write phase: the chronology page.
    app.add_post_transform(FillChronology)
