"""Tests of the link check: classification, SSRF guard, .bib links, and real linkcheck runs.

The runs check a small project against an HTTP server on 127.0.0.1 started by the test (an
ephemeral port, a thread, stopped at the end of the test even when it fails). Nothing here
touches the internet: the only addresses requested are loopback ones.
"""

from __future__ import annotations

import json
import shutil
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from critical_edition.cli import linkreport
from critical_edition.linkcheck import builder
from critical_edition.linkcheck import classify as link_classes
from critical_edition.linkcheck.biblinks import read_bib_links
from critical_edition.linkcheck.classify import LinkClass, classify
from critical_edition.linkcheck.guard import (
    GUARD_REDIRECT_PATTERNS,
    guard_decisions,
    local_host_reason,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

ROOTS = Path(__file__).parent / "roots"
REPO = Path(__file__).parent.parent
#: Every run must end well within this many seconds (the slowest case waits about 3 s).
TIME_BOUND = 30.0

# --- a local HTTP server with one route per kind of answer ------------------------------------

PAGE = b"<!DOCTYPE html><html><body><h1>A page</h1><h2 id='present'>Here</h2></body></html>"
REDIRECTS = {
    "/redirect/1": (302, "/redirect/2"),
    "/redirect/2": (301, "/ok"),
    "/moved": (308, "/ok"),
}
ERRORS = {"/gone-404": 404, "/gone-410": 410, "/error-500": 500}
SLOW_SECONDS = 3.0


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.requests: list[tuple[str, str, int]] = []
        self.stopping = threading.Event()
        self.lock = threading.Lock()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def hits(self, path: str) -> list[int]:
        """The status codes the server answered for a path, in order."""
        with self.lock:
            return [code for _, p, code in self.requests if p == path]


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_HEAD(self) -> None:
        self._answer(send_body=False)

    def do_GET(self) -> None:
        self._answer(send_body=True)

    def _answer(self, *, send_body: bool) -> None:
        path = self.path.split("?", 1)[0]
        headers: dict[str, str] = {}
        code = 200
        if path in REDIRECTS:
            code, headers["Location"] = REDIRECTS[path]
        elif path.startswith("/doi/"):
            code, headers["Location"] = 302, "/landing"
        elif path in ERRORS:
            code = ERRORS[path]
        elif path == "/busy":
            # 429 the first time, then 200.
            code = 429 if not self.server.hits(path) else 200
            if code == 429:
                headers["Retry-After"] = "1"
        elif path == "/always-busy":
            code, headers["Retry-After"] = 429, "1"
        elif path == "/slow":
            # Past the client's timeout; wakes up at once when the server stops.
            self.server.stopping.wait(SLOW_SECONDS)
        with self.server.lock:
            self.server.requests.append((self.command, path, code))
        body = PAGE if code == 200 else b"<html><body>error</body></html>"
        try:
            self.send_response(code)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            if send_body:
                self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (the slow page)


@pytest.fixture
def serve() -> Iterator[Callable[[], _Server]]:
    """Start loopback HTTP servers on demand; all of them stop when the test ends."""
    started: list[tuple[_Server, threading.Thread]] = []

    def start() -> _Server:
        server = _Server()
        thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
        thread.start()
        started.append((server, thread))
        return server

    try:
        yield start
    finally:
        for server, thread in started:
            server.stopping.set()
            server.shutdown()
            server.server_close()
            thread.join(5)


@pytest.fixture
def refused_base() -> str:
    """An address on 127.0.0.1 where nothing listens (the connection is refused)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Requests to 127.0.0.1 must not go through a proxy configured on the machine."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost,::1")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost,::1")


def _project(root: str, dest: Path, **values: str) -> Path:
    """Copy a test root, filling its ``@NAME@`` placeholders with the run's addresses."""
    srcdir = dest / "src"
    shutil.copytree(ROOTS / root, srcdir)
    for path in srcdir.iterdir():
        text = path.read_text(encoding="utf-8")
        for name, value in values.items():
            text = text.replace(f"@{name}@", value)
        path.write_text(text, encoding="utf-8")
    return srcdir


def _run(make_app: Callable[..., Any], srcdir: Path, **overrides: Any) -> tuple[Any, float]:
    app = make_app("linkcheck", srcdir=srcdir, freshenv=True, confoverrides=overrides)
    started = time.monotonic()
    app.build()
    return app, time.monotonic() - started


def _report(app: Any) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((Path(app.outdir) / "linkreport.json").read_text())
    return data


def _by_path(report: dict[str, Any], base: str) -> dict[str, dict[str, Any]]:
    return {
        link["uri"].removeprefix(base): link
        for link in report["links"]
        if link["uri"].startswith(base)
    }


# --- the full run against the server -----------------------------------------------------------

#: The class of each link of the server root, by path.
EXPECTED_CLASSES = {
    "/ok": "working",
    "/page#present": "working",
    "/page#missing": "broken",
    "/redirect/1": "redirected",
    "/moved": "working",
    "/gone-404": "broken",
    "/gone-410": "broken",
    "/error-500": "broken",
    "/slow": "timed_out",
    "/ignored/page": "ignored",
    "/footnote-bare": "working",
    "/bib-url": "working",
    "/archive/bib-url": "working",
    "/bib-undated": "working",
    "/doi/10.1234/ABC.5": "working",
}


def test_every_link_is_classified(
    make_app: Callable[..., Any], serve: Callable[[], _Server], refused_base: str, tmp_path: Path
) -> None:
    # The link rate limited once has a host of its own: the bound on waiting counts from a
    # host's first 429, so sharing one with the link that is busy for ever would make its
    # outcome depend on when the workers reach it.
    server, once, busy = serve(), serve(), serve()
    srcdir = _project(
        "test-linkcheck-server",
        tmp_path,
        BASE=server.base,
        ONCE=once.base,
        BUSY=busy.base,
        REFUSED=refused_base,
    )
    app, elapsed = _run(make_app, srcdir)

    assert elapsed < TIME_BOUND
    report = _report(app)
    links = _by_path(report, server.base)
    classes = {path: link["class"] for path, link in links.items()}
    assert classes == EXPECTED_CLASSES
    busy_links = _by_path(report, busy.base)
    assert _by_path(report, once.base)["/busy"]["class"] == "working"
    assert busy_links["/always-busy"]["class"] == "timed_out"
    assert "429" in busy_links["/always-busy"]["reason"]
    refused = _by_path(report, refused_base)["/nothing"]
    assert refused["class"] == "unreachable"
    assert refused["reason"] == "connection refused"

    # The reasons a person reads.
    assert links["/gone-404"]["reason"] == "HTTP 404 Not Found"
    assert links["/gone-410"]["reason"] == "HTTP 410 Gone"
    assert links["/error-500"]["reason"] == "HTTP 500 Internal Server Error"
    assert links["/page#missing"]["reason"] == "anchor #missing not found on the page"
    assert links["/redirect/1"]["reason"] == f"moved permanently (HTTP 301) to {server.base}/ok"
    assert links["/slow"]["reason"] == "no answer within 1 s (read timeout)"
    assert "linkcheck_ignore" in links["/ignored/page"]["reason"]

    # Retry-After was honoured: 429, then 200 after the wait; the persistent 429 was given up.
    assert once.hits("/busy")[:2] == [429, 200]
    assert len(busy.hits("/always-busy")) <= 4

    # Every place of a link, with file and line; .bib links point at the .bib line.
    assert [(p["file"], p["line"]) for p in links["/ok"]["places"]] == [("src/index.md", 3)]
    footnote = links["/footnote-bare"]["places"]
    assert footnote[0]["file"] == "src/index.md" and footnote[0]["line"] == 17
    bib = links["/bib-url"]
    assert bib["places"] == [
        {
            "file": "src/refs.bib",
            "line": 3,
            "source": "bibliography",
            "key": "withdate",
            "field": "url",
        }
    ]
    assert bib["archiveurl"] == f"{server.base}/archive/bib-url"
    assert links["/doi/10.1234/ABC.5"]["places"][0]["field"] == "doi"
    assert "/in-a-code-block" not in links

    # The run fails on the broken links; the summary says so, one line per class.
    assert report["verdict"] == "failed"
    assert report["exit_status"] == link_classes.EXIT_BROKEN
    assert app.statuscode == link_classes.EXIT_BROKEN
    assert report["summary"] == {
        "broken": 4,
        "unreachable": 1,
        "timed_out": 2,
        "redirected": 1,
        "ignored": 2,
        "working": 9,
    }
    status = app.status.getvalue()
    for label in ("broken", "UNREACHABLE", "timed out", "redirected", "ignored", "working"):
        assert f"  {label:<12}" in status
    assert "FAILED: 4 broken links" in status

    # The entry with a url but no urldate is reported and warned about, at its line.
    assert report["missing_urldate"] == [
        {
            "file": "src/refs.bib",
            "line": 18,
            "source": "bibliography",
            "key": "nodate",
            "field": "url",
        }
    ]
    assert "'nodate' has a url but no urldate" in app.warning.getvalue()
    assert "[edition.link_no_urldate]" in app.warning.getvalue()

    text = (Path(app.outdir) / "linkreport.txt").read_text()
    assert "BROKEN (4)" in text
    assert f"src/index.md:8  {server.base}/gone-404" in text
    assert "src/refs.bib:3 [withdate, url]" in text

    # The report can be rewritten from the output directory alone, with the same exit status.
    assert linkreport.main([str(app.outdir)]) == link_classes.EXIT_BROKEN


def test_parallel_build_finds_the_same(
    make_app: Callable[..., Any], serve: Callable[[], _Server], refused_base: str, tmp_path: Path
) -> None:
    """Links are recorded in the main process, so a parallel build reports the same."""
    # The link rate limited once has a host of its own: the bound on waiting counts from a
    # host's first 429, so sharing one with the link that is busy for ever would make its
    # outcome depend on when the workers reach it.
    server, once, busy = serve(), serve(), serve()
    srcdir = _project(
        "test-linkcheck-server",
        tmp_path,
        BASE=server.base,
        ONCE=once.base,
        BUSY=busy.base,
        REFUSED=refused_base,
    )
    app = make_app("linkcheck", srcdir=srcdir, freshenv=True, parallel=2)
    app.build()
    links = _by_path(_report(app), server.base)
    assert {path: link["class"] for path, link in links.items()} == EXPECTED_CLASSES
    assert links["/footnote-bare"]["places"][0]["line"] == 17
    assert links["/bib-url"]["places"][0]["file"] == "src/refs.bib"


def test_unreachable_only_is_not_broken(
    make_app: Callable[..., Any], refused_base: str, tmp_path: Path
) -> None:
    srcdir = _project("test-linkcheck-unreachable", tmp_path, REFUSED=refused_base)
    app, elapsed = _run(make_app, srcdir)

    assert elapsed < TIME_BOUND
    report = _report(app)
    (link,) = [link for link in report["links"] if link["uri"].startswith(refused_base)]
    assert link["class"] == "unreachable"
    assert report["summary"]["broken"] == 0
    assert report["unreachable_hosts"] == ["127.0.0.1"]
    assert report["verdict"] == "unverified"
    assert app.statuscode == link_classes.EXIT_UNVERIFIED
    status = app.status.getvalue()
    assert "UNVERIFIED: no broken link, but 1 link could not be checked (1 UNREACHABLE)" in status
    assert "is the network down or closed?" in status


def test_unreachable_only_can_pass(
    make_app: Callable[..., Any], refused_base: str, tmp_path: Path
) -> None:
    srcdir = _project("test-linkcheck-unreachable", tmp_path, REFUSED=refused_base)
    app, _ = _run(make_app, srcdir, edition_linkcheck_unverified_fails=False)

    assert app.statuscode == link_classes.EXIT_OK
    assert "UNVERIFIED" in app.status.getvalue()


def test_guard_requests_no_local_host(
    make_app: Callable[..., Any], serve: Callable[[], _Server], tmp_path: Path
) -> None:
    server = serve()
    port = str(server.server_address[1])
    srcdir = _project("test-linkcheck-guard", tmp_path, BASE=server.base, PORT=port)
    app, elapsed = _run(make_app, srcdir)

    assert elapsed < TIME_BOUND
    assert server.requests == []
    report = _report(app)
    assert len(report["links"]) == 8
    for link in report["links"]:
        assert link["class"] == "ignored", link
        assert link["reason"].startswith("not requested (SSRF guard)"), link
    assert app.statuscode == link_classes.EXIT_OK


# --- classification of Sphinx's results -------------------------------------------------------

UNREACHABLE_MESSAGES = {
    "DNS lookup failed": "HTTPSConnectionPool(host='gone.example', port=443): Max retries exceeded "
    'with url: / (Caused by NameResolutionError("<urllib3.connection.HTTPSConnection object at '
    "0x7f>: Failed to resolve 'gone.example' ([Errno -2] Name or service not known)\"))",
    "connection refused": "HTTPConnectionPool(host='127.0.0.1', port=9): Max retries exceeded with "
    "url: / (Caused by NewConnectionError('<urllib3.connection.HTTPConnection object at 0x7f>: "
    "Failed to establish a new connection: [Errno 111] Connection refused'))",
    "connection reset or closed by the host": "('Connection aborted.', "
    "ConnectionResetError(104, 'Connection reset by peer'))",
    "no route to the host": "HTTPSConnectionPool(host='10.1.2.3', port=443): Max retries exceeded "
    "with url: / (Caused by NewConnectionError('...: Failed to establish a new connection: "
    "[Errno 113] No route to host'))",
    "proxy failure": "HTTPSConnectionPool(host='example.org', port=443): Max retries exceeded with "
    "url: / (Caused by ProxyError('Unable to connect to proxy', OSError('Tunnel connection "
    "failed: 403 Forbidden')))",
}


@pytest.mark.parametrize(("reason", "message"), UNREACHABLE_MESSAGES.items())
def test_unreachable_messages(reason: str, message: str) -> None:
    assert classify("broken", message, 0) == (LinkClass.UNREACHABLE, reason)


def test_connect_timeout_is_unreachable_read_timeout_is_timed_out() -> None:
    connect = (
        "HTTPSConnectionPool(host='10.255.255.1', port=443): Max retries exceeded with url: / "
        "(Caused by ConnectTimeoutError(<urllib3.connection.HTTPSConnection object at 0x7f>, "
        "'Connection to 10.255.255.1 timed out. (connect timeout=15)'))"
    )
    read = "HTTPSConnectionPool(host='slow.example', port=443): Read timed out. (read timeout=15)"
    assert classify("timeout", connect, 0)[0] is LinkClass.UNREACHABLE
    assert classify("timeout", read, 0) == (
        LinkClass.TIMED_OUT,
        "no answer within 15 s (read timeout)",
    )


@pytest.mark.parametrize(
    ("status", "info", "code", "expected"),
    [
        ("broken", "404 Client Error: Not Found for url: https://x.org/a", 0, LinkClass.BROKEN),
        ("broken", "410 Client Error: Gone for url: https://x.org/a", 0, LinkClass.BROKEN),
        (
            "broken",
            "500 Server Error: Internal Server Error for url: https://x.org/",
            0,
            LinkClass.BROKEN,
        ),
        ("broken", "Anchor 'sec-2' not found", 0, LinkClass.BROKEN),
        ("broken", "unauthorized", 0, LinkClass.BROKEN),
        (
            "broken",
            "HTTPSConnectionPool(host='x.org', port=443): Max retries exceeded with url: / (Caused "
            + "by SSLError(SSLCertVerificationError(1, '[SSL: CERTIFICATE_VERIFY_FAILED]')))",
            0,
            LinkClass.BROKEN,
        ),
        ("broken", "Exceeded 30 redirects.", 0, LinkClass.BROKEN),
        (
            "broken",
            "429 Client Error: Too Many Requests for url: https://x.org/",
            0,
            LinkClass.TIMED_OUT,
        ),
        ("ignored", "service unavailable", 0, LinkClass.UNREACHABLE),
        ("ignored", "", 0, LinkClass.IGNORED),
        ("unchecked", "", 0, LinkClass.IGNORED),
        ("redirected", "https://x.org/new", 301, LinkClass.REDIRECTED),
        ("working", "", 0, LinkClass.WORKING),
    ],
)
def test_classify(status: str, info: str, code: int, expected: LinkClass) -> None:
    assert classify(status, info, code)[0] is expected


# --- the SSRF guard ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1",
        "127.1",
        "2130706433",
        "0x7f000001",
        "0177.0.0.1",
        "localhost",
        "a.localhost",
        "10.0.0.1",
        "172.16.5.4",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "::1",
        "[::1]",
        "fe80::1",
        "fd00::1",
        "::ffff:127.0.0.1",
        "metadata.google.internal",
        "printer.local",
    ],
)
def test_guard_refuses_local_hosts(host: str) -> None:
    assert local_host_reason(host) is not None


@pytest.mark.parametrize("host", ["example.org", "8.8.8.8", "2001:4860:4860::8888", "1e100.net"])
def test_guard_lets_public_hosts_through(host: str) -> None:
    assert local_host_reason(host) is None


def test_guard_resolves_names(monkeypatch: pytest.MonkeyPatch) -> None:
    answers = {"rebind.example": "192.168.0.7", "public.example": "93.184.215.14"}

    def fake_getaddrinfo(host: str, *args: Any, **kwargs: Any) -> list[Any]:
        if host not in answers:
            raise socket.gaierror(-2, "Name or service not known")
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (answers[host], 0))]

    monkeypatch.setattr(socket, "getaddrinfo", fake_getaddrinfo)
    blocked = guard_decisions(
        ["https://rebind.example/a", "https://public.example/b", "https://unknown.example/c"]
    )
    assert blocked == {
        "https://rebind.example/a": "rebind.example resolves to the non-public address 192.168.0.7"
    }


@pytest.mark.parametrize(
    ("target", "stopped"),
    [
        ("http://127.0.0.1/", True),
        ("http://2130706433/x", True),
        ("https://0x7f.1:8080/", True),
        ("http://[::1]/", True),
        ("http://user@169.254.169.254/latest", True),
        ("http://localhost:3000", True),
        ("https://db.internal/", True),
        ("https://example.org/", False),
        ("https://123.example.org/", False),
        ("https://www.localhost-news.com/", False),
    ],
)
def test_guard_stops_redirects_to_local_hosts(target: str, stopped: bool) -> None:
    import re

    assert any(re.match(p, target) for p in GUARD_REDIRECT_PATTERNS) is stopped


# --- .bib links and urldate -------------------------------------------------------------------


def test_bib_links_and_missing_urldate(tmp_path: Path) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text(
        "% a comment\n"
        "@online{a,\n  title = {A},\n  url = {https://a.example/x},\n  urldate = {2020-01-01},\n"
        "  archiveurl = {https://web.archive.org/web/2020/https://a.example/x},\n}\n\n"
        "@article{b,\n  doi = {https://doi.org/10.1000/xyz<1>},\n  url = {https://b.example/},\n}\n",
        encoding="utf-8",
    )
    links, missing = read_bib_links(bib, shown_as="refs.bib", doi_resolver="https://doi.org/")
    assert [(link.uri, link.place.line, link.place.field) for link in links] == [
        ("https://a.example/x", 4, "url"),
        ("https://web.archive.org/web/2020/https://a.example/x", 6, "archiveurl"),
        ("https://b.example/", 11, "url"),
        ("https://doi.org/10.1000/xyz%3C1%3E", 10, "doi"),
    ]
    assert links[0].archive == "https://web.archive.org/web/2020/https://a.example/x"
    assert [(place.key, place.line) for place in missing] == [("b", 11)]
    assert linkreport.main(["--urldate", str(bib)]) == 1


def test_edition_bib_entries_with_url_have_urldate() -> None:
    """Every web source of the edition's refs.bib says when it was consulted."""
    _, missing = read_bib_links(
        REPO / "refs.bib", shown_as="refs.bib", doi_resolver="https://doi.org/"
    )
    assert not missing, "entries with a url but no urldate: " + ", ".join(
        f"{place.key} (refs.bib:{place.line})" for place in missing
    )


def test_bare_url_trimming() -> None:
    assert builder._trim_url("https://x.org/a_(b).") == "https://x.org/a_(b)"
    assert builder._trim_url("https://x.org/a),") == "https://x.org/a"
    assert builder._trim_url("https://x.org/?q=1;") == "https://x.org/?q=1"
