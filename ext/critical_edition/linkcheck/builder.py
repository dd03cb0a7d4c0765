"""Link check: the linkcheck builder's collection, guard and back-off, then a report at build-finished.

``make linkcheck`` runs Sphinx's ``linkcheck`` builder, which this module replaces by a subclass
(:class:`EditionLinkCheckBuilder`) that adds four things to it:

- every link of the edition is checked: links in the text (Sphinx collects them), bare URLs in
  the text and footnotes (MyST leaves them as plain text), and the ``url``, ``doi`` (through
  ``edition_linkcheck_doi_resolver``) and ``archiveurl`` of every entry of the ``.bib`` files;
- an SSRF guard (``edition_linkcheck_block_private``): links to private, loopback, link-local
  or otherwise non-public hosts are not requested, and redirects to IP-literal or local hosts
  are not followed, so a link in the sources cannot probe the network of the machine running
  the check;
- a bound on rate limiting: Sphinx honours ``Retry-After`` without limit (a server answering
  429 forever would keep the check waiting forever); here ``linkcheck_rate_limit_timeout`` is
  the most one host may keep the check waiting in total;
- every place a link occurs is recorded, not only the first.

At ``build-finished`` :func:`write_report` reads Sphinx's ``output.json``, classifies every link
(:func:`classify`) as working, redirected, broken, timed out, unreachable or ignored, writes
``linkreport.txt`` (for a person) and ``linkreport.json`` (for a program) next to it, prints one
line per class and sets the exit status (:data:`EXIT_BROKEN`, :data:`EXIT_UNVERIFIED`).
``critical-edition linkreport [OUTDIR]`` (or ``python -m critical_edition.cli.linkreport``) rewrites
the report from an earlier run; with ``--urldate BIB...`` it lists entries lacking ``urldate``.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlsplit

from docutils import nodes
from sphinx.builders.linkcheck import (
    CheckExternalLinksBuilder,
    Hyperlink,
    HyperlinkAvailabilityChecker,
    HyperlinkAvailabilityCheckWorker,
    HyperlinkCollector,
)
from sphinx.util import logging
from sphinx.util.nodes import get_node_line

from critical_edition.core import atomic
from critical_edition.core.config import get_config
from critical_edition.core.diagnostics import Subtype, warn
from critical_edition.linkcheck.biblinks import Place, read_bib_links
from critical_edition.linkcheck.classify import REPORT_JSON, SOURCES_JSON
from critical_edition.linkcheck.guard import GUARD_REDIRECT_PATTERNS, guard_decisions
from critical_edition.linkcheck.report import build_report, write_reports

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Sequence
    from queue import Queue

    from sphinx.application import Sphinx
    from sphinx.builders.linkcheck import CheckRequest, CheckResult, RateLimit
    from sphinx.config import Config

logger = logging.getLogger(__name__)


# --- the builder ------------------------------------------------------------------------------


class _WorkerConfig:
    """The build's configuration as the check workers see it: with the guard's redirect patterns.

    Sphinx's workers stop redirects to addresses matching ``linkcheck_ignore``; the guard's
    patterns are given to them only, so that a *link* to a public IP literal is still checked.
    """

    def __init__(self, config: Config, extra_ignore: Sequence[str]) -> None:
        self._config = config
        self.linkcheck_ignore = [*config.linkcheck_ignore, *extra_ignore]

    def __getattr__(self, name: str) -> Any:
        return getattr(self._config, name)


class _BoundedWorker(HyperlinkAvailabilityCheckWorker):
    """A check worker whose waiting on a rate-limited host is bounded.

    Sphinx bounds its own back-off by ``linkcheck_rate_limit_timeout`` but follows a server's
    ``Retry-After`` whatever it says, and again after every 429. Here the bound applies to the
    total time since the host first answered 429: past it, the link is given up (Sphinx then
    reports the 429, which the report classes as timed out).
    """

    def __init__(
        self,
        config: Config,
        rqueue: Queue[CheckResult],
        wqueue: Queue[CheckRequest],
        rate_limits: dict[str, RateLimit],
        limited_since: dict[str, float],
    ) -> None:
        super().__init__(config, rqueue, wqueue, rate_limits)
        self._limited_since = limited_since

    def limit_rate(self, response_url: str, retry_after: str | None) -> float | None:
        netloc = urlsplit(response_url).netloc
        first = self._limited_since.setdefault(netloc, time.time())
        next_check = super().limit_rate(response_url, retry_after)
        if next_check is not None and next_check - first > self.rate_limit_timeout:
            # Let the host's other links be tried (and given up) at once instead of waiting.
            self.rate_limits.pop(netloc, None)
            return None
        return next_check


class _Checker(HyperlinkAvailabilityChecker):
    """Sphinx's checker with bounded workers, extra ignored links and guarded redirects."""

    def __init__(
        self, config: Config, blocked: Iterable[str], redirect_guard: Sequence[str]
    ) -> None:
        super().__init__(config)
        self.to_ignore.extend(re.compile(re.escape(uri) + r"\Z") for uri in blocked)
        self._worker_config = cast("Config", _WorkerConfig(config, redirect_guard))
        self._limited_since: dict[str, float] = {}

    def invoke_threads(self) -> None:
        for _ in range(self.num_workers):
            worker = _BoundedWorker(
                self._worker_config, self.rqueue, self.wqueue, self.rate_limits, self._limited_since
            )
            worker.start()
            self.workers.append(worker)


_BARE_URL = re.compile(r"https?://[^\s<>\"'`{}|\\^]+")
_SKIP_TEXT_IN = (nodes.reference, nodes.literal, nodes.FixedTextElement, nodes.target)


def _trim_url(url: str) -> str:
    """A bare URL without the punctuation that ends the sentence around it."""
    while url:
        last = url[-1]
        opening = "(" if last == ")" else "["
        unbalanced = last in ")]" and url.count(opening) < url.count(last)
        if last not in ".,;:!?*'\"" and not unbalanced:
            break
        url = url[:-1]
    return url


class EditionLinkCheckBuilder(CheckExternalLinksBuilder):
    """Sphinx's linkcheck builder, checking every link of the edition within bounded time."""

    def init(self) -> None:
        super().init()
        #: Every place of every link, in the order met.
        self.places: dict[str, list[Place]] = {}
        #: Links the SSRF guard refused, with the reason.
        self.blocked: dict[str, str] = {}
        #: Archived copies offered by .bib entries: url -> archiveurl.
        self.archives: dict[str, str] = {}
        #: .bib entries with a url but no urldate.
        self.missing_urldate: list[Place] = []
        self._root = Path(self.srcdir).parent

    def _shown(self, path: str | Path) -> str:
        path = Path(path)
        try:
            return path.resolve().relative_to(self._root.resolve()).as_posix()
        except ValueError:
            return path.as_posix()

    def _record(self, uri: str, place: Place) -> None:
        places = self.places.setdefault(uri, [])
        if place not in places:
            places.append(place)

    def write_doc_serialized(self, docname: str, doctree: nodes.document) -> None:
        """Record every link of a page, and add its bare URLs to the links to check.

        Runs in the main process after the post-transforms (in parallel builds too), so what it
        records is complete when :meth:`finish` runs.
        """
        super().write_doc_serialized(docname, doctree)
        shown = self._shown(self.env.doc2path(docname))
        finder = HyperlinkCollector(doctree)

        def line_of(node: nodes.Element) -> int:
            try:
                return get_node_line(node)
            except ValueError:
                return 0

        for node in doctree.findall(nodes.Element):
            # A link in a rendered bibliography entry is recorded at its line in the .bib file.
            if isinstance(node, nodes.reference) and _inside(node, nodes.citation):
                continue
            if uri := finder.find_uri(node):
                uri = self.events.emit_firstresult("linkcheck-process-uri", uri) or uri
                self._record(uri, Place(shown, line_of(node)))
        for text in doctree.findall(nodes.Text):
            parent = text.parent
            if parent is None or _inside(parent, _SKIP_TEXT_IN):
                continue
            for match in _BARE_URL.finditer(text.astext()):
                uri = _trim_url(match.group())
                line = line_of(parent)
                self._record(uri, Place(shown, line))
                if uri not in self.hyperlinks:
                    self.hyperlinks[uri] = Hyperlink(uri, docname, self.env.doc2path(docname), line)

    def _add_bibliography_links(self) -> None:
        settings = get_config(self.config)
        encoding = getattr(self.config, "bibtex_encoding", "utf-8-sig")
        root_doc = self.config.root_doc
        for name in getattr(self.config, "bibtex_bibfiles", []):
            path = Path(self.srcdir) / name
            shown = self._shown(path)
            try:
                links, missing = read_bib_links(
                    path,
                    shown_as=shown,
                    doi_resolver=settings.linkcheck_doi_resolver,
                    encoding=encoding,
                )
            except (OSError, ValueError) as error:
                logger.warning("link check: cannot read the links of %s: %s", shown, error)
                continue
            for link in links:
                self._record(link.uri, link.place)
                if link.archive:
                    self.archives[link.uri] = link.archive
                if link.uri not in self.hyperlinks:
                    # Sphinx needs a document for each link; the report shows the .bib line.
                    self.hyperlinks[link.uri] = Hyperlink(
                        link.uri, root_doc, self.env.doc2path(root_doc), 0
                    )
            for place in missing:
                self.missing_urldate.append(place)
                warn(
                    f"the entry {place.key!r} has a url but no urldate: add the day the page "
                    "was consulted (urldate = {YYYY-MM-DD}), or urlsource = {authors} if the "
                    "address is the edited text's and the editors have not seen the page",
                    Subtype.LINK_NO_URLDATE,
                    f"{path}:{place.line}",
                )

    def finish(self) -> None:
        """Add the .bib links, apply the guard, check everything, and record what is known."""
        settings = get_config(self.config)
        self._add_bibliography_links()
        redirect_guard: tuple[str, ...] = ()
        if settings.linkcheck_block_private:
            self.blocked = guard_decisions(self.hyperlinks)
            redirect_guard = GUARD_REDIRECT_PATTERNS
        checker = _Checker(self.config, self.blocked, redirect_guard)
        logger.info("")
        # What Sphinx's own finish() does, with the checker above.
        with (
            (self.outdir / "output.txt").open("w", encoding="utf-8") as self.txt_outfile,
            (self.outdir / "output.json").open("w", encoding="utf-8") as self.json_outfile,
        ):
            for result in checker.check(self.hyperlinks):
                self.process_result(result)
        if self.broken_hyperlinks or self.timed_out_hyperlinks:
            self._app.statuscode = 1
        self._write_sources(redirect_guard)

    def _write_sources(self, redirect_guard: Sequence[str]) -> None:
        sources = {
            "project": self.config.project,
            "srcdir": self._shown(self.srcdir),
            "settings": {
                "timeout": self.config.linkcheck_timeout,
                "retries": self.config.linkcheck_retries,
                "workers": self.config.linkcheck_workers,
                "rate_limit_timeout": self.config.linkcheck_rate_limit_timeout,
                "anchors": self.config.linkcheck_anchors,
                "block_private": get_config(self.config).linkcheck_block_private,
                "unverified_fails": get_config(self.config).linkcheck_unverified_fails,
            },
            "ignore_patterns": list(self.config.linkcheck_ignore),
            "guard_redirect_patterns": list(redirect_guard),
            "blocked": self.blocked,
            "archives": self.archives,
            "missing_urldate": [asdict(place) for place in self.missing_urldate],
            "places": {
                uri: [asdict(place) for place in places] for uri, places in self.places.items()
            },
        }
        path = self.outdir / SOURCES_JSON
        atomic.write_text(path, json.dumps(sources, ensure_ascii=False, indent=1))


def _ancestors(node: nodes.Node) -> Iterator[nodes.Node]:
    current: nodes.Node | None = node
    while current is not None:
        yield current
        current = current.parent


def _inside(node: nodes.Node, kind: type[nodes.Node] | tuple[type[nodes.Node], ...]) -> bool:
    return any(isinstance(ancestor, kind) for ancestor in _ancestors(node))


def write_report(app: Sphinx, exception: Exception | None) -> None:
    """Write the link report after a linkcheck build, print its summary, set the exit status.

    Connected to ``build-finished``: ``output.json`` is complete only then.
    """
    if exception is not None or not isinstance(app.builder, EditionLinkCheckBuilder):
        return
    outdir = Path(app.outdir)
    report = build_report(outdir)
    text_path, _ = write_reports(report, outdir)
    logger.info("")
    logger.info("link check summary:")
    for line in report.summary_lines():
        logger.info("  %s", line)
    logger.info(report.verdict_line())
    logger.info("report: %s (and %s)", text_path, REPORT_JSON)
    app.statuscode = report.exit_status


def register(app: Sphinx) -> None:
    """Replace the linkcheck builder by the edition's, and report at the end of its run."""
    app.add_builder(EditionLinkCheckBuilder, override=True)
    # build-finished: output.json is complete; the report reads it and sets the exit status.
    app.connect("build-finished", write_report)
