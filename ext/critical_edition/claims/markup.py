"""Claims markup: the ``{claim}`` role, the ``{claim}`` block directive and their collector.

Reading phase. The role and the directive turn markup into :class:`~.nodes.claim` and
:class:`~.nodes.claim_block` nodes carrying the options as written. The collector transform then
walks each document once, completes every claim (text, implicit sources from a citation or
footnote inside or right after it, default status, section) and records a
:class:`~.model.Claim` in the domain. Checks that need the whole edition (unknown actors and
sources, duplicate ids) run later, in :mod:`.checks`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, cast

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx import addnodes
from sphinx.transforms import SphinxTransform
from sphinx.util.docutils import SphinxDirective, SphinxRole

from critical_edition.claims.domain import edition_domain
from critical_edition.core import nodes as ed
from critical_edition.core import priorities
from critical_edition.core.config import get_config
from critical_edition.core.diagnostics import Subtype, warn
from critical_edition.core.markup import (
    OptionError,
    id_problem,
    parse_inline,
    role_line,
    section_title,
    split_list,
    split_role_text,
)
from critical_edition.core.model import Claim, ClaimStatus, LinkKind
from critical_edition.core.text import ISO_DATE_FORM, did_you_mean, iso_date

if TYPE_CHECKING:
    from docutils.nodes import Node, system_message
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment


#: The options naming other claims: one per kind of typed link (comma-separated claim ids).
LINK_OPTIONS = tuple(kind.value for kind in LinkKind)
#: The options a claim accepts (inline ``key=value`` or directive ``:key:``).
CLAIM_OPTIONS = (
    "id",
    "actor",
    "verb",
    "source",
    "date",
    "status",
    "note",
    "evidence",
    *LINK_OPTIONS,
    "topic",
)


def _not_linted(*children: Node) -> nodes.inline:
    """The text of a claim already reported as malformed, kept out of the linter's way."""
    return nodes.inline("", "", *children, classes=["ed-no-lint"])


def _date_problem(date: str) -> str | None:
    """Why a claim's date cannot be used (its form, or a day the calendar lacks)."""
    if not ISO_DATE_FORM.fullmatch(date):
        return f"the claim's date {date!r} is not YYYY, YYYY-MM or YYYY-MM-DD"
    if iso_date(date) is None:
        unit = "day" if date.count("-") == 2 else "month"
        return f"the claim's date {date!r} is no {unit} of the calendar"
    return None


def _sift_options(options: dict[str, str]) -> tuple[dict[str, str], list[tuple[str, Subtype]]]:
    """The claim's usable options, and every reason some were wrong, in one pass.

    A wrong option (an unknown key, a bad date, status, id, link or topic) is reported and
    left out: the claim keeps its text and its other options. A claim with no actor is
    reported too; :func:`_check_options` then does not record it.
    """
    options_text = ", ".join(CLAIM_OPTIONS)
    problems: list[tuple[str, Subtype]] = [
        (
            f"unknown claim option {key!r}{did_you_mean(key, CLAIM_OPTIONS, cutoff=0.6)}; the options are: "
            + f"{options_text}; the claim is kept without it",
            Subtype.CLAIM_MALFORMED,
        )
        for key in sorted(set(options) - set(CLAIM_OPTIONS))
    ]
    kept = {key: value for key, value in options.items() if key in CLAIM_OPTIONS}

    def leave_out(name: str, problem: str | None, consequence: str) -> None:
        if problem is not None:
            problems.append(
                (f"{problem}; the claim is kept {consequence}", Subtype.CLAIM_MALFORMED)
            )
            del kept[name]

    if not split_list(kept.get("actor", "")):
        problems.append(
            (
                "the claim names no actor: add actor=<id> with an actor from the register",
                Subtype.CLAIM_NO_ACTOR,
            )
        )
    if kept.get("date"):
        leave_out("date", _date_problem(kept["date"]), "without a date")
    statuses = [s.value for s in ClaimStatus]
    status = kept.get("status", "")
    if status and status not in statuses:
        suggestion = did_you_mean(status, statuses, cutoff=0.6)
        problem = f"unknown claim status {status!r}{suggestion}; use one of: {', '.join(statuses)}"
        leave_out("status", problem, "with the default status")
    if kept.get("id"):
        leave_out("id", id_problem("claim", kept["id"]), "with a generated id")
    for name in LINK_OPTIONS:
        if name not in kept:
            continue
        good = []
        for target in split_list(kept[name]):
            link_problem = id_problem(f"{name}= claim", target)
            if link_problem is None:
                good.append(target)
            else:
                problems.append(
                    (
                        f"{link_problem}; the claim is kept without this link",
                        Subtype.CLAIM_MALFORMED,
                    )
                )
        kept[name] = ", ".join(good)
    if kept.get("topic"):
        leave_out("topic", id_problem("topic", kept["topic"]), "without a topic")
    return kept, problems


def _check_options(options: dict[str, str], location: str) -> dict[str, str] | None:
    """Warn about each wrong option and leave it out; ``None`` when the claim cannot be recorded."""
    kept, problems = _sift_options(options)
    for message, subtype in problems:
        warn(message, subtype, location)
    return kept if split_list(kept.get("actor", "")) else None


def _fill_claim_node(node: nodes.Element, options: dict[str, str]) -> None:
    node["explicit_id"] = options.get("id", "")
    node["actors"] = list(split_list(options["actor"]))
    node["verb"] = options.get("verb", "")
    node["sources"] = list(split_list(options.get("source", "")))
    node["date"] = options.get("date", "")
    node["status"] = options.get("status", "")
    node["note"] = options.get("note", "")
    node["evidence"] = list(split_list(options.get("evidence", "")))
    node["links"] = [
        (name, target) for name in LINK_OPTIONS for target in split_list(options.get(name, ""))
    ]
    node["topic"] = options.get("topic", "")


class ClaimRole(SphinxRole):
    """``{claim}`TEXT <actor=ID; verb=VERB; source=KEY; date=…; status=…; note=…; id=…>```.

    The text is parsed as inline markup (write the role with double backticks to put a
    citation inside it). Produces one :class:`~.nodes.claim` node.
    """

    def run(self) -> tuple[list[Node], list[system_message]]:
        # Locate the role on its own line, not its paragraph's first line (MyST).
        self.lineno = role_line(self)
        location = self.get_location()
        try:
            parsed = split_role_text(self.text)
        except OptionError as error:
            warn(f"cannot read the claim's options: {error}", Subtype.CLAIM_MALFORMED, location)
            return [_not_linted(nodes.Text(self.text))], []
        if not parsed.text:
            warn(
                "the claim has no text: write the words attributed to the actor before the "
                "<...> options",
                Subtype.CLAIM_MALFORMED,
                location,
            )
            return [], []
        options = _check_options(parsed.options, location)
        children, messages = parse_inline(self, parsed.text)
        if options is None:
            return [_not_linted(*children)], messages
        node = ed.claim(self.rawtext, "", *children)
        self.set_source_info(node)
        _fill_claim_node(node, options)
        return [node], messages


def _repeated_option(block_text: str) -> str | None:
    """The first option a directive's ``:key: value`` lines give twice; ``None`` if none."""
    seen: set[str] = set()
    for line in block_text.splitlines()[1:]:
        match = re.match(r"^\s*:([A-Za-z][\w-]*):", line)
        if match is None:
            break
        key = match[1].lower()
        if key in seen:
            return key
        seen.add(key)
    return None


class ClaimDirective(SphinxDirective):
    """A claim spanning whole paragraphs::

    :::{claim}
    :actor: turkey-mfa
    :verb: declared
    Text of the claim …
    :::
    """

    has_content = True
    option_spec: ClassVar[dict[str, Callable[[str], Any]]] = dict.fromkeys(
        CLAIM_OPTIONS, directives.unchanged_required
    )

    def run(self) -> list[Node]:
        self.assert_has_content()
        node = ed.claim_block()
        self.set_source_info(node)
        self.state.nested_parse(self.content, self.content_offset, node)
        repeated = _repeated_option(self.block_text)
        if repeated is not None:
            warn(
                f"the claim option {repeated!r} is given twice; only one of the values is "
                "used: delete the other",
                Subtype.CLAIM_MALFORMED,
                self.get_location(),
            )
        options = _check_options(
            {key: str(value).strip() for key, value in self.options.items()},
            self.get_location(),
        )
        if options is None:
            # Already reported as malformed: keep the text, but out of the linter's way.
            return [nodes.container("", *node.children, classes=["ed-no-lint"])]
        _fill_claim_node(node, options)
        return [node]


class NotAClaimRole(SphinxRole):
    """``{not-a-claim}`phrase``` dismisses one hit of the attribution linter (renders as text)."""

    def run(self) -> tuple[list[Node], list[system_message]]:
        text = split_role_text(self.text).text
        children, messages = parse_inline(self, text)
        node = ed.not_a_claim(self.rawtext, "", *children)
        self.set_source_info(node)
        return [node], messages


class ClaimIndexDirective(SphinxDirective):
    """``{claim-index}``: the table of every claim, with counts, filled after reading."""

    def run(self) -> list[Node]:
        domain = edition_domain(self.env)
        domain.note_index_doc(self.env.docname)
        node = ed.claim_index()
        self.set_source_info(node)
        return [node]


def _cited_keys(node: nodes.Node) -> list[str]:
    """Bib keys of a sphinxcontrib-bibtex citation reference (``{cite:p}`` and friends)."""
    from sphinxcontrib.bibtex.citation_target import parse_citation_targets

    if isinstance(node, addnodes.pending_xref) and node.get("refdomain") == "cite":
        return [target.key for target in parse_citation_targets(node["reftarget"])]
    return []


def _footnote_label(node: nodes.Node) -> str | None:
    if isinstance(node, nodes.footnote_reference):
        return str(node.get("refname") or node.astext())
    return None


def _is_editorial(label: str | None, prefix: str) -> bool:
    """Whether a footnote is the editors' (its label starts with the editorial prefix)."""
    return bool(prefix and label and label.startswith(prefix))


def _sources_in(node: nodes.Element, editorial_prefix: str) -> list[str]:
    sources: list[str] = []
    for child in node.findall(nodes.Element):
        sources.extend(_cited_keys(child))
        label = _footnote_label(child)
        if label is not None and not _is_editorial(label, editorial_prefix):
            sources.append("^" + label)
    return sources


def _sources_right_after(node: nodes.Element, editorial_prefix: str) -> list[str]:
    """Citations and footnote markers that follow the claim, before any other word.

    The editors' footnotes are passed over: they are no source the authors gave.
    """
    sources: list[str] = []
    parent = node.parent
    if parent is None:
        return sources
    for sibling in parent.children[parent.index(node) + 1 :]:
        if isinstance(sibling, nodes.Text):
            if sibling.astext().strip(" \t\n.,;:"):
                break
            continue
        keys = _cited_keys(sibling)
        label = _footnote_label(sibling)
        if keys:
            sources.extend(keys)
        elif _is_editorial(label, editorial_prefix):
            continue
        elif label is not None:
            sources.append("^" + label)
        else:
            break
    return sources


def _note_citations(env: BuildEnvironment, node: nodes.Element, keys: list[str]) -> None:
    """Count a claim's ``source=`` and ``evidence=`` bib keys as cited on its page.

    A ``{bibliography}`` lists only the keys cited with sphinxcontrib-bibtex's roles (unless
    ``:all:``); the card cites these keys after reading, too late to be counted, so they are
    noted here as its cite role would. Unknown keys are left to the claim checks.
    """
    from sphinxcontrib.bibtex.citation_target import CitationTarget
    from sphinxcontrib.bibtex.roles import CitationRef

    cite = cast("Any", env.get_domain("cite"))
    bibdata = getattr(cite, "bibdata", None)
    known = bibdata.data.entries if bibdata is not None else {}
    targets = [CitationTarget(key, "", "") for key in dict.fromkeys(keys) if key in known]
    if targets:
        cite.citation_refs.append(CitationRef(node["ids"][0], env.docname, node.line or 0, targets))


def _plain_text(node: nodes.Element) -> str:
    """The claim's words, without the citations and footnote markers inside it.

    While reading, a citation reference holds its bib key, which the edition never shows; the
    claim's sources list it instead.
    """
    copy = node.deepcopy()
    for ref in list(copy.findall(nodes.Element)):
        if (_cited_keys(ref) or isinstance(ref, nodes.footnote_reference)) and ref.parent:
            ref.parent.remove(ref)
    return re.sub(r"\s+([.,;:!?)])", r"\1", " ".join(copy.astext().split()))


def _auto_id(text: str, page: str) -> str:
    """An id from the claim's first words: stable when other claims are added or removed.

    *page* is the id made of the page's name, empty on the edition's root page: the same
    words on two pages make two ids (``chapter-one_the-minister-said``). A made id has no
    ``_`` in it, so a page's prefix never meets another page's words.
    """
    words = nodes.make_id("-".join(re.findall(r"[^\W_]+", text.casefold())[:7])) or "claim"
    return f"{page}_{words}" if page else words


class CollectClaims(SphinxTransform):
    """Complete every claim node of the document and record it in the domain.

    Runs after the document is parsed and before docutils resolves footnotes (priority 200 <
    the footnote transforms at 620), so footnote references still carry the label written in
    the source.
    """

    default_priority = priorities.COLLECT_CLAIMS

    def apply(self, **kwargs: object) -> None:
        domain = edition_domain(self.env)
        docname = self.env.docname
        labels = [str(name) for fn in self.document.findall(nodes.footnote) for name in fn["names"]]
        domain.set_footnote_labels(docname, labels)
        prefix = get_config(self.config).editorial_footnote_prefix
        used_ids: set[str] = set()
        page = "" if docname == self.config.root_doc else nodes.make_id(docname)
        claim_nodes = [
            node
            for node in self.document.findall(nodes.Element)
            if isinstance(node, ed.claim | ed.claim_block)
        ]
        for serial, node in enumerate(claim_nodes, start=1):
            text = _plain_text(node)
            explicit = node["explicit_id"]
            claim_id = explicit or _auto_id(text, page)
            if not explicit:
                base, n = claim_id, 2
                while claim_id in used_ids:
                    claim_id, n = f"{base}-{n}", n + 1
            used_ids.add(claim_id)
            node["claim_id"] = claim_id
            node["ids"] = [f"claim-{claim_id}"]
            sources = list(node["sources"])
            implicit = False
            if not sources:
                sources = _sources_in(node, prefix) or _sources_right_after(node, prefix)
                implicit = bool(sources)
            status = (
                ClaimStatus(node["status"])
                if node["status"]
                else (ClaimStatus.SOURCED if sources else ClaimStatus.UNSOURCED)
            )
            node["status"] = status.value
            node["sources"] = sources
            explicit_keys = [] if implicit else [s for s in sources if not s.startswith("^")]
            _note_citations(self.env, node, [*explicit_keys, *node["evidence"]])
            if status.needs_note and not (node["note"] and node["evidence"]):
                warn(
                    f"the claim {claim_id!r} is {status.value} but has no "
                    + ("note" if not node["note"] else "evidence")
                    + ": add note=… with the editors' finding and evidence=<bib key>",
                    Subtype.CLAIM_STATUS_NEEDS_NOTE,
                    node,
                )
            domain.add_claim(
                Claim(
                    id=claim_id,
                    text=text,
                    actors=tuple(node["actors"]),
                    verb=node["verb"],
                    sources=tuple(sources),
                    date=node["date"],
                    status=status,
                    note=node["note"],
                    evidence=tuple(node["evidence"]),
                    docname=docname,
                    line=node.line,
                    serial=serial,
                    section=section_title(node),
                    sources_implicit=implicit,
                    links=tuple((LinkKind(kind), target) for kind, target in node["links"]),
                    topic=node["topic"],
                )
            )


def record_footnote_marks(app: Sphinx, doctree: nodes.document) -> None:
    """Record each footnote's id and number once docutils has numbered them (``doctree-read``).

    Cards and the claim index name a ``^label`` source by the mark the reader sees in the text
    (``[1]``), never by the label written in the source.
    """
    marks: dict[str, tuple[str, str]] = {}
    for footnote in doctree.findall(nodes.footnote):
        label = next(iter(footnote.findall(nodes.label)), None)
        if not footnote["ids"] or label is None:
            continue
        for name in footnote["names"]:
            marks[str(name)] = (footnote["ids"][0], label.astext())
    domain = edition_domain(app.env)
    domain.set_footnote_marks(app.env.docname, marks)


def claims_out_of_navigation(app: Sphinx, doctree: nodes.document) -> None:
    """Plain words for the claims the navigation copied from headings; ``doctree-read``.

    Sphinx copies a heading's markup into the page's table of contents, the sidebar and
    (for the page title) the previous/next links: a claim in a heading would give its id
    twice on its page and once on other pages. The copies keep the words only.
    """
    env = app.env
    docname = env.docname
    copies = [env.tocs.get(docname), env.titles.get(docname), env.longtitles.get(docname)]
    for tree in copies:
        if tree is None:
            continue
        for node in list(tree.findall(nodes.Element)):
            if isinstance(node, ed.claim):
                words = nodes.inline("", "", *node.children)
                node.replace_self(words)
                words["ids"] = []  # replace_self carried the claim's ids over


def register(app: Sphinx) -> None:
    """Register the claim markup and its collector."""
    app.add_role("claim", ClaimRole())
    app.add_role("not-a-claim", NotAClaimRole())
    app.add_directive("claim", ClaimDirective)
    app.add_directive("claim-index", ClaimIndexDirective)
    # Read phase: record claims while the doctree still has the source's footnote labels.
    app.add_transform(CollectClaims)
    app.connect("doctree-read", record_footnote_marks)
    # doctree-read, after Sphinx's TocTreeCollector (500) copied the headings.
    app.connect(
        "doctree-read", claims_out_of_navigation, priority=priorities.CLAIMS_OUT_OF_NAVIGATION
    )
