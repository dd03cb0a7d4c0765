"""Link classes (linkcheck, build-finished): what Sphinx's status and message mean for a reader.

Each link Sphinx checked is put in one class (working, redirected, broken, timed out,
unreachable, ignored) with a short reason; the exit statuses of the check are named here.
"""

from __future__ import annotations

import enum
import re

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
