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
``critical-edition linkreport [OUTDIR]`` (or ``python -m critical_edition.linkreport``) rewrites
the report from an earlier run; with ``--urldate BIB...`` it lists entries lacking ``urldate``.
"""

from __future__ import annotations

import argparse
import enum
import ipaddress
import json
import re
import socket
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import quote, urlsplit

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

from .config import get_config
from .diagnostics import Subtype, warn

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Sequence
    from queue import Queue

    from sphinx.application import Sphinx
    from sphinx.builders.linkcheck import CheckRequest, CheckResult, RateLimit
    from sphinx.config import Config
    from sphinx.util.typing import ExtensionMetadata

logger = logging.getLogger(__name__)

#: Exit status: every checked link works (redirected and ignored links do not fail the check).
EXIT_OK = 0
#: Exit status: at least one link is broken (whatever the others are).
EXIT_BROKEN = 1
#: Exit status: nothing is broken, but some links could not be verified (unreachable or timed
#: out). ``edition_linkcheck_unverified_fails = False`` turns it into :data:`EXIT_OK`.
#: (2 is left to Sphinx, which exits with 2 when the build itself fails.)
EXIT_UNVERIFIED = 3

REPORT_TEXT = "linkreport.txt"
REPORT_JSON = "linkreport.json"
#: What the builder knows beyond ``output.json`` (every place of a link, the guard's decisions,
#: the .bib entries), so that the report can be rewritten later from the output directory alone.
SOURCES_JSON = "linkreport-sources.json"
REPORT_FORMAT = "critical-edition-linkreport"
REPORT_VERSION = 1

#: How long the guard waits, in total, for the DNS answers of the hosts it must vet.
DNS_DEADLINE = 5.0


class LinkClass(enum.Enum):
    """What the check found out about a link; members are listed from most to least severe."""

    BROKEN = "broken"
    UNREACHABLE = "unreachable"
    TIMED_OUT = "timed_out"
    REDIRECTED = "redirected"
    IGNORED = "ignored"
    WORKING = "working"

    @property
    def label(self) -> str:
        """The class as the report names it."""
        return self.value.replace("_", " ")


#: What each class means, as the report explains it.
MEANING = {
    LinkClass.BROKEN: "the server answered with an error (404, 410, 500 …), a missing anchor or "
    "a TLS error: fix the link or cite the archived copy",
    LinkClass.UNREACHABLE: "no answer from the host (DNS failure, connection refused or reset, "
    "no route, connection timed out, 503): not proven dead; check again later",
    LinkClass.TIMED_OUT: "the host accepted the connection but did not answer in time, or kept "
    "answering 429 longer than linkcheck_rate_limit_timeout",
    LinkClass.REDIRECTED: "works, but the address moved: update the link, or allow the redirect "
    "in linkcheck_allowed_redirects",
    LinkClass.IGNORED: "not requested: linkcheck_ignore, the SSRF guard, or not an http(s) link",
    LinkClass.WORKING: "the page (and its anchor) answered",
}


# --- classification ---------------------------------------------------------------------------

_HTTP_ERROR = re.compile(r"^(\d{3}) (?:Client|Server) Error: (.*?)(?: for url: .*)?$", re.DOTALL)
_ANCHOR_MISSING = re.compile(r"^Anchor '(.*)' not found$", re.DOTALL)
_READ_TIMEOUT = re.compile(r"read timeout=([\d.]+)")

#: Error texts of requests/urllib3/the OS that mean the host could not be reached, each with the
#: reason the report gives. Checked in order: a proxy failure wraps the others.
_UNREACHABLE_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), reason)
    for pattern, reason in (
        (r"ProxyError|Unable to connect to proxy|Tunnel connection failed", "proxy failure"),
        (
            (
                r"NameResolutionError|Failed to resolve|Name or service not known|nodename nor "
                r"servname|name resolution|getaddrinfo failed|No address associated|gaierror"
            ),
            "DNS lookup failed",
        ),
        (
            r"Connection refused|ConnectionRefusedError|Errno 111\b|WinError 10061",
            "connection refused",
        ),
        (
            (
                r"Connection reset|ConnectionResetError|Connection aborted|RemoteDisconnected|"
                r"Errno 104\b|Connection broken|BadStatusLine"
            ),
            "connection reset or closed by the host",
        ),
        (
            r"No route to host|Network is unreachable|Host is down|Errno 11[23]\b|Errno 101\b",
            "no route to the host",
        ),
        (
            r"ConnectTimeout|connect timeout=|Connection to \S+ timed out",
            "connection timed out (the host did not answer)",
        ),
    )
)


def classify(status: str, info: str, code: int) -> tuple[LinkClass, str]:
    """Classify one result of Sphinx's linkcheck builder and say why, in a few words.

    Sphinx reports a host it cannot reach as ``broken`` (or, for a connection that timed out, as
    ``timeout``); the error text tells an unreachable host apart from a server that answered with
    an error, which is what a reader of the report needs to know.

    :param status: Sphinx's status (``working``, ``broken``, ``redirected``, ``timeout``,
        ``ignored``, ``unchecked``).
    :param info: Sphinx's message (the error text, the redirect target, ...).
    :param code: the HTTP status of a redirect, else 0.
    """
    info = info.strip()
    if status == "working":
        return LinkClass.WORKING, "unauthorized, accepted by configuration" if info else "ok"
    if status == "redirected":
        how = {301: "permanently", 308: "permanently", 302: "temporarily (302)"}.get(
            code, "temporarily" if code in {303, 307} else "by a redirect"
        )
        code_text = f" (HTTP {code})" if code and code != 302 else ""
        return LinkClass.REDIRECTED, f"moved {how}{code_text} to {info}"
    if status == "unchecked":
        return LinkClass.IGNORED, "not checked: not an http(s) link (mailto:, tel:, #, ftp: …)"
    if status == "ignored":
        if info == "service unavailable":
            return LinkClass.UNREACHABLE, "service unavailable (HTTP 503)"
        if info.startswith("ignored redirect: "):
            target = info.removeprefix("ignored redirect: ")
            return LinkClass.IGNORED, f"redirects to an ignored address: {target}"
        return LinkClass.IGNORED, info or "matches linkcheck_ignore"
    for pattern, reason in _UNREACHABLE_PATTERNS:
        if pattern.search(info):
            return LinkClass.UNREACHABLE, reason
    if status == "timeout":
        seconds = _READ_TIMEOUT.search(info)
        limit = f" within {seconds.group(1)} s" if seconds else " in time"
        return LinkClass.TIMED_OUT, f"no answer{limit} (read timeout)"
    if status == "broken":
        if match := _HTTP_ERROR.match(info):
            http_code, phrase = int(match.group(1)), match.group(2).strip()
            if http_code == 429:
                return (
                    LinkClass.TIMED_OUT,
                    "rate limited (HTTP 429) for longer than linkcheck_rate_limit_timeout",
                )
            return LinkClass.BROKEN, f"HTTP {http_code} {phrase}".rstrip()
        if match := _ANCHOR_MISSING.match(info):
            return LinkClass.BROKEN, f"anchor #{match.group(1)} not found on the page"
        if info == "unauthorized":
            return LinkClass.BROKEN, "HTTP 401 Unauthorized"
        if re.search(r"SSLError|CERTIFICATE_VERIFY_FAILED|certificate", info, re.IGNORECASE):
            return LinkClass.BROKEN, "TLS error (certificate or handshake)"
        if re.search(r"TooManyRedirects|Exceeded \d+ redirects", info):
            return LinkClass.BROKEN, "redirect loop (too many redirects)"
        if not info:
            return LinkClass.BROKEN, "local file not found"
        return LinkClass.BROKEN, info
    return LinkClass.BROKEN, f"unknown status {status!r}: {info}"


# --- SSRF guard -------------------------------------------------------------------------------

#: Host names that never belong to the public internet (RFC 6761, 6762, 8375 and common use).
_LOCAL_NAME = re.compile(
    r"^(?:localhost|ip6-localhost|ip6-loopback)$"
    r"|\.(?:localhost|local|localdomain|internal|home\.arpa|lan|intranet)$",
    re.IGNORECASE,
)

#: Redirect targets the guard stops (Sphinx does not follow a redirect to an address matching
#: ``linkcheck_ignore``). A regular expression cannot tell a public address from a private one,
#: so every IP-literal host in any notation (dotted, decimal, hex, octal, IPv6) and every local
#: name is stopped: a public page seldom redirects to a bare address.
GUARD_REDIRECT_PATTERNS: tuple[str, ...] = (
    # IPv4 in any notation inet_aton accepts: 127.0.0.1, 127.1, 2130706433, 0x7f.1, 0177.0.0.1
    (
        r"(?i)^[a-z][a-z0-9+.-]*://(?:[^/?#@]*@)?(?:0x[0-9a-f]*|\d+)(?:\.(?:0x[0-9a-f]*|\d*))*"
        r"\.?(?::\d*)?(?:[/?#]|$)"
    ),
    # IPv6 literals
    r"(?i)^[a-z][a-z0-9+.-]*://(?:[^/?#@]*@)?\[[0-9a-f:.%a-z]*\](?::\d*)?(?:[/?#]|$)",
    # local names
    (
        r"(?i)^[a-z][a-z0-9+.-]*://(?:[^/?#@]*@)?(?:[^/?#@:]*\.)?(?:localhost|ip6-localhost|"
        r"ip6-loopback|[^/?#@:]+\.(?:local|localdomain|internal|home\.arpa|lan|intranet))\.?"
        r"(?::\d*)?(?:[/?#]|$)"
    ),
)


def _literal_address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address a host name denotes by itself (in any notation the resolver accepts)."""
    try:
        return ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        pass
    if re.fullmatch(r"(?i)(?:0x[0-9a-f]*|\d+)(?:\.(?:0x[0-9a-f]*|\d*))*\.?", host):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host.rstrip(".")))
        except OSError:
            return None
    return None


def _not_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return not address.ipv4_mapped.is_global
    return not address.is_global


def local_host_reason(host: str) -> str | None:
    """Why the guard refuses a host by its name alone (no DNS), or ``None`` if it does not.

    >>> local_host_reason("127.1")
    '127.1 is a non-public address (127.0.0.1)'
    """
    host = host.strip("[]").rstrip(".").lower()
    if not host:
        return None
    if _LOCAL_NAME.search(host):
        return f"{host} is a local host name"
    address = _literal_address(host)
    if address is not None and _not_public(address):
        spelled = "" if str(address) == host else f" ({address})"
        return f"{host} is a non-public address{spelled}"
    return None


def resolve_hosts(hosts: Iterable[str], deadline: float = DNS_DEADLINE) -> dict[str, list[str]]:
    """Resolve host names concurrently, waiting at most *deadline* seconds in all.

    Names that do not resolve in time are left out; the check itself will then report them
    (usually as unreachable). The lookups run in daemon threads, so a resolver that hangs cannot
    keep the process alive.
    """
    answers: dict[str, list[str]] = {}
    lock = threading.Lock()

    def lookup(host: str) -> None:
        try:
            infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
        except (OSError, UnicodeError):
            return
        with lock:
            answers[host] = sorted({str(info[4][0]) for info in infos})

    threads = [threading.Thread(target=lookup, args=(host,), daemon=True) for host in set(hosts)]
    for thread in threads:
        thread.start()
    end = time.monotonic() + deadline
    for thread in threads:
        thread.join(max(0.0, end - time.monotonic()))
    with lock:
        return dict(answers)


def guard_decisions(uris: Iterable[str], *, resolve: bool = True) -> dict[str, str]:
    """The links the SSRF guard refuses, each with the reason.

    A host is refused if its name is local, if it is a non-public address literal, or (with
    *resolve*) if its name resolves to a non-public address. This last test is made once, before
    the check: a name whose DNS answer changes in between (DNS rebinding) is not caught, nor is a
    redirect to a name that resolves to a private address.
    """
    blocked: dict[str, str] = {}
    to_resolve: dict[str, list[str]] = {}
    for uri in uris:
        parts = urlsplit(uri)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            continue
        if reason := local_host_reason(parts.hostname):
            blocked[uri] = reason
        elif resolve:
            to_resolve.setdefault(parts.hostname, []).append(uri)
    if to_resolve:
        for host, addresses in resolve_hosts(to_resolve).items():
            private = [a for a in addresses if _not_public(ipaddress.ip_address(a.split("%")[0]))]
            if private:
                for uri in to_resolve[host]:
                    blocked[uri] = f"{host} resolves to the non-public address {private[0]}"
    return blocked


# --- links of the .bib files ------------------------------------------------------------------

#: The fields of a .bib entry whose value is checked, and how each becomes a link.
BIB_LINK_FIELDS = ("url", "doi", "archiveurl")


@dataclass(frozen=True)
class Place:
    """Where a link occurs: a page of the edition, or a field of a .bib entry."""

    file: str
    line: int
    #: ``text`` (a link or bare URL on a page) or ``bibliography`` (a field of a .bib entry).
    source: str = "text"
    key: str = ""
    field: str = ""

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line > 0 else self.file
        if self.source == "bibliography":
            return f"{where} [{self.key}, {self.field}]"
        return where


@dataclass(frozen=True)
class BibLink:
    """A link taken from a field of a .bib entry."""

    uri: str
    place: Place
    #: The archived copy the entry offers (its ``archiveurl``), for a ``url`` field.
    archive: str = ""


def doi_link(doi: str, resolver: str) -> str:
    """The link a DOI resolves through (the DOI may be written bare, as doi:…, or as a URL)."""
    doi = re.sub(r"(?i)^(?:doi:\s*|https?://(?:dx\.)?doi\.org/)", "", doi.strip())
    return resolver + quote(doi, safe="/:;()._-+~[]")


def _consultation_recorded(fields: dict[str, str], doi_resolver: str) -> bool:
    """Whether an entry with a ``url`` says when, or whether, the editors consulted it.

    ``urldate`` gives the day. ``urlsource = {authors}`` says the address is the one the
    edited text gives and the editors have not seen the page (no date to give). A ``url`` that
    only resolves the entry's DOI needs neither.
    """
    if fields.get("urldate") or fields.get("urlsource", "").lower() == "authors":
        return True
    doi = fields.get("doi", "")
    return bool(doi) and fields["url"] == doi_link(doi, doi_resolver)


def read_bib_links(
    path: Path, *, shown_as: str, doi_resolver: str, encoding: str = "utf-8"
) -> tuple[list[BibLink], list[Place]]:
    """The links of a .bib file, and the entries with a ``url`` but no ``urldate``.

    :param shown_as: how the report names the file (relative to the project).
    :raises OSError: the file cannot be read.
    :raises ValueError: the file cannot be parsed (the message says why).
    """
    from pybtex.database.input.bibtex import Parser
    from pybtex.exceptions import PybtexError

    from .bibcheck import _field_line, split_entries  # pybtex and sphinxcontrib-bibtex: slow

    text = path.read_text(encoding=encoding)
    try:
        entries = Parser(encoding=encoding).parse_string(text).entries
    except PybtexError as error:
        raise ValueError(str(error)) from error
    chunks = {chunk.key: chunk for chunk in split_entries(text)[0] if chunk.key is not None}
    links: list[BibLink] = []
    missing_urldate: list[Place] = []
    for key, entry in entries.items():
        fields = {name.lower(): str(value).strip() for name, value in entry.fields.items()}

        def place(name: str, key: str = key) -> Place:
            chunk = chunks.get(key)
            line = _field_line(chunk, name, 0) if chunk is not None else 0
            return Place(shown_as, line, "bibliography", key, name)

        for name in BIB_LINK_FIELDS:
            value = fields.get(name, "")
            if not value:
                continue
            uri = doi_link(value, doi_resolver) if name == "doi" else value
            archive = fields.get("archiveurl", "") if name == "url" else ""
            links.append(BibLink(uri, place(name), archive))
        if fields.get("url") and not _consultation_recorded(fields, doi_resolver):
            missing_urldate.append(place("url"))
    return links, missing_urldate


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
        path.write_text(json.dumps(sources, ensure_ascii=False, indent=1), encoding="utf-8")


def _ancestors(node: nodes.Node) -> Iterator[nodes.Node]:
    current: nodes.Node | None = node
    while current is not None:
        yield current
        current = current.parent


def _inside(node: nodes.Node, kind: type[nodes.Node] | tuple[type[nodes.Node], ...]) -> bool:
    return any(isinstance(ancestor, kind) for ancestor in _ancestors(node))


# --- the report -------------------------------------------------------------------------------


@dataclass(frozen=True)
class LinkRecord:
    """One checked link, as the report shows it."""

    uri: str
    link_class: LinkClass
    reason: str
    places: tuple[Place, ...]
    #: Sphinx's own status, code and message, kept for whoever needs the detail.
    sphinx_status: str = ""
    code: int = 0
    detail: str = ""
    archive: str = ""

    @property
    def host(self) -> str:
        """The link's host (empty for a local link)."""
        return urlsplit(self.uri).hostname or ""


@dataclass
class Report:
    """The whole link report: every link, the counts per class, the verdict and exit status."""

    project: str
    links: list[LinkRecord]
    settings: dict[str, Any] = field(default_factory=dict)
    missing_urldate: list[Place] = field(default_factory=list)
    unverified_fails: bool = True

    def count(self, link_class: LinkClass) -> int:
        """How many links are in a class."""
        return sum(1 for link in self.links if link.link_class is link_class)

    def hosts(self, link_class: LinkClass) -> list[str]:
        """The distinct hosts of the links in a class."""
        return sorted({link.host for link in self.links if link.link_class is link_class} - {""})

    @property
    def unverified(self) -> int:
        """Links that could not be verified: unreachable or timed out."""
        return self.count(LinkClass.UNREACHABLE) + self.count(LinkClass.TIMED_OUT)

    @property
    def exit_status(self) -> int:
        """0 all verified, 1 some broken, 3 nothing broken but some unverified (see README)."""
        if self.count(LinkClass.BROKEN):
            return EXIT_BROKEN
        if self.unverified and self.unverified_fails:
            return EXIT_UNVERIFIED
        return EXIT_OK

    @property
    def verdict(self) -> str:
        """``failed``, ``unverified`` or ``passed``."""
        if self.count(LinkClass.BROKEN):
            return "failed"
        return "unverified" if self.unverified else "passed"

    def verdict_line(self) -> str:
        """One sentence that says whether the check passed, and why not."""
        broken, unreachable = self.count(LinkClass.BROKEN), self.count(LinkClass.UNREACHABLE)
        timed_out = self.count(LinkClass.TIMED_OUT)
        unverified = []
        if unreachable:
            unverified.append(f"{unreachable} UNREACHABLE")
        if timed_out:
            unverified.append(f"{timed_out} timed out")
        checked = len(self.links) - self.count(LinkClass.IGNORED)
        if broken:
            text = f"FAILED: {_plural(broken, 'broken link')}"
            if unverified:
                text += f"; also {' and '.join(unverified)} (not counted as broken)"
        elif unverified:
            text = (
                f"UNVERIFIED: no broken link, but {_plural(self.unverified, 'link')} could not be "
                f"checked ({', '.join(unverified)})"
            )
            if unreachable and unreachable == checked:
                text += ": no host answered, is the network down or closed?"
            if not self.unverified_fails:
                text += " (edition_linkcheck_unverified_fails = False: not a failure)"
        elif not self.links:
            text = "PASSED: the edition has no external link"
        else:
            text = f"PASSED: every checked link works ({_plural(checked, 'link')})"
        return f"{text} [exit status {self.exit_status}]"

    def summary_lines(self) -> list[str]:
        """One line per class, for the console."""
        lines = []
        for link_class in LinkClass:
            count = self.count(link_class)
            label = (
                link_class.label.upper()
                if link_class is LinkClass.UNREACHABLE
                else link_class.label
            )
            line = f"{label:<12} {count:>4}"
            if count and link_class in {LinkClass.UNREACHABLE, LinkClass.TIMED_OUT}:
                hosts = self.hosts(link_class)
                shown = ", ".join(hosts[:6]) + (
                    f" and {len(hosts) - 6} more" if len(hosts) > 6 else ""
                )
                line += f"  hosts: {shown}"
            lines.append(line)
        return lines

    def to_json(self) -> dict[str, Any]:
        """The machine-readable report (``linkreport.json``)."""
        return {
            "format": REPORT_FORMAT,
            "version": REPORT_VERSION,
            "generated": datetime.now(UTC).isoformat(timespec="seconds"),
            "project": self.project,
            "verdict": self.verdict,
            "exit_status": self.exit_status,
            "summary": {link_class.value: self.count(link_class) for link_class in LinkClass},
            "unreachable_hosts": self.hosts(LinkClass.UNREACHABLE),
            "settings": self.settings,
            "missing_urldate": [asdict(place) for place in self.missing_urldate],
            "links": [
                {
                    "uri": link.uri,
                    "class": link.link_class.value,
                    "reason": link.reason,
                    "places": [asdict(place) for place in link.places],
                    "sphinx_status": link.sphinx_status,
                    "code": link.code,
                    "detail": link.detail,
                    "archiveurl": link.archive,
                }
                for link in self.links
            ],
        }

    def to_text(self) -> str:
        """The report for a person (``linkreport.txt``)."""
        out = [f"Link check of {self.project}", ""]
        if self.settings:
            s = self.settings
            out.append(
                f"Settings: timeout {s.get('timeout')} s, {s.get('retries')} attempt(s) per link, "
                f"rate-limit wait at most {s.get('rate_limit_timeout')} s per host, anchors "
                f"{'checked' if s.get('anchors') else 'not checked'}, SSRF guard "
                f"{'on' if s.get('block_private') else 'OFF'}."
            )
        out += [self.verdict_line(), ""]
        for link_class in LinkClass:
            links = [link for link in self.links if link.link_class is link_class]
            title = link_class.label.upper()
            out.append(f"{title} ({len(links)}): {MEANING[link_class]}")
            for link in links:
                first, *others = link.places or (Place("?", 0),)
                out.append(f"  {first}  {link.uri}")
                if link_class is not LinkClass.WORKING:
                    out.append(f"      {link.reason}")
                if link.archive:
                    out.append(f"      archived copy: {link.archive}")
                if others:
                    out.append("      also at: " + ", ".join(str(place) for place in others))
            out.append("")
        if self.missing_urldate:
            out.append(
                f"BIBLIOGRAPHY ({len(self.missing_urldate)}): entries with a url but no urldate "
                "(the day the page was consulted)"
            )
            out.extend(
                f"  {place.file}:{place.line} [{place.key}]" for place in self.missing_urldate
            )
            out.append("")
        out.append("Summary")
        out.extend(f"  {line}" for line in self.summary_lines())
        return "\n".join(out) + "\n"


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _read_json_lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def build_report(outdir: Path) -> Report:
    """Read a linkcheck output directory (``output.json`` and our sources file) into a report.

    :raises FileNotFoundError: the directory holds no ``output.json``.
    """
    results = _read_json_lines(outdir / "output.json")
    sources_path = outdir / SOURCES_JSON
    sources: dict[str, Any] = (
        json.loads(sources_path.read_text(encoding="utf-8")) if sources_path.is_file() else {}
    )
    places: dict[str, list[dict[str, Any]]] = sources.get("places", {})
    blocked: dict[str, str] = sources.get("blocked", {})
    archives: dict[str, str] = sources.get("archives", {})
    ignore_patterns = [re.compile(p) for p in sources.get("ignore_patterns", [])]
    guard_patterns = [re.compile(p) for p in sources.get("guard_redirect_patterns", [])]
    srcdir = sources.get("srcdir", "")
    records = []
    for result in results:
        uri, status = str(result["uri"]), str(result["status"])
        if uri.startswith("#"):
            continue  # a link within the page: not an external link
        info, code = str(result.get("info") or ""), int(result.get("code") or 0)
        link_class, reason = classify(status, info, code)
        if link_class is LinkClass.IGNORED and status == "ignored":
            reason = _ignored_reason(uri, info, blocked, ignore_patterns, guard_patterns, reason)
        if uri in places:
            # The .bib line first: that is where a link of the bibliography is corrected.
            found = [Place(**place) for place in places[uri]]
            where = tuple(sorted(found, key=lambda place: place.source != "bibliography"))
        else:
            filename = str(result.get("filename", ""))
            shown = f"{srcdir}/{filename}" if srcdir and filename else filename
            where = (Place(shown, int(result.get("lineno") or 0)),)
        records.append(
            LinkRecord(uri, link_class, reason, where, status, code, info, archives.get(uri, ""))
        )
    severity = list(LinkClass)
    records.sort(
        key=lambda r: (severity.index(r.link_class), r.places[0].file, r.places[0].line, r.uri)
    )
    settings = dict(sources.get("settings", {}))
    return Report(
        project=str(sources.get("project", outdir.name)),
        links=records,
        settings=settings,
        missing_urldate=[Place(**place) for place in sources.get("missing_urldate", [])],
        unverified_fails=bool(settings.get("unverified_fails", True)),
    )


def _ignored_reason(
    uri: str,
    info: str,
    blocked: dict[str, str],
    ignore_patterns: Sequence[re.Pattern[str]],
    guard_patterns: Sequence[re.Pattern[str]],
    default: str,
) -> str:
    if uri in blocked:
        return f"not requested (SSRF guard): {blocked[uri]}"
    if info.startswith("ignored redirect: "):
        target = info.removeprefix("ignored redirect: ")
        if any(p.match(target) for p in guard_patterns):
            return f"redirect not followed (SSRF guard): {target} is an IP-literal or local host"
        return f"redirect not followed: {target} matches linkcheck_ignore"
    if info:
        return default
    for pattern in ignore_patterns:
        if pattern.match(uri):
            return f"matches linkcheck_ignore {pattern.pattern!r}"
    return default


def write_reports(report: Report, outdir: Path) -> tuple[Path, Path]:
    """Write ``linkreport.txt`` and ``linkreport.json`` into *outdir*."""
    text_path, json_path = outdir / REPORT_TEXT, outdir / REPORT_JSON
    text_path.write_text(report.to_text(), encoding="utf-8")
    json_path.write_text(
        json.dumps(report.to_json(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    return text_path, json_path


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


# --- command line -----------------------------------------------------------------------------


_DESCRIPTION = (
    "Rewrite the link report (linkreport.txt, linkreport.json) from a linkcheck output "
    "directory and exit with its status: 0 every link verified, 1 broken links, 3 only "
    "unverified (unreachable or timed-out) links. With --urldate, list the .bib entries that "
    "have a url but no urldate instead (exit 1 if any)."
)


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "outdir",
        nargs="?",
        type=Path,
        default=Path("docs/_build/linkcheck"),
        help="the linkcheck output directory (default: docs/_build/linkcheck)",
    )
    parser.add_argument("--urldate", nargs="+", type=Path, metavar="BIB", help=".bib files")
    parser.set_defaults(run=run)


def add_subcommand(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``linkreport`` to the ``critical-edition`` command line (cli.py)."""
    parser = subparsers.add_parser(
        "linkreport", help="rewrite the link report of make linkcheck", description=_DESCRIPTION
    )
    _add_arguments(parser)


def run(args: argparse.Namespace) -> int:
    """Rewrite the report (or vet .bib files) as the parsed arguments say; return the status."""
    if args.urldate:
        missing: list[Place] = []
        for path in args.urldate:
            _, found = read_bib_links(path, shown_as=str(path), doi_resolver="https://doi.org/")
            missing.extend(found)
        for place in missing:
            print(f"{place.file}:{place.line}: entry {place.key!r} has a url but no urldate")
        return 1 if missing else 0
    try:
        report = build_report(args.outdir)
    except FileNotFoundError:
        print(f"no output.json in {args.outdir}: run `make linkcheck` first", file=sys.stderr)
        return 2
    text_path, _ = write_reports(report, args.outdir)
    for line in report.summary_lines():
        print(line)
    print(report.verdict_line())
    print(f"report: {text_path}")
    return report.exit_status


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m critical_edition.linkreport [OUTDIR] [--urldate BIB...]``."""
    parser = argparse.ArgumentParser(
        prog="python -m critical_edition.linkreport", description=_DESCRIPTION
    )
    _add_arguments(parser)
    return run(parser.parse_args(argv))


def setup(app: Sphinx) -> ExtensionMetadata:
    """Replace the linkcheck builder by the edition's, and report at the end of its run."""
    app.add_builder(EditionLinkCheckBuilder, override=True)
    # build-finished: output.json is complete; the report reads it and sets the exit status.
    app.connect("build-finished", write_report)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}


if __name__ == "__main__":
    raise SystemExit(main())
