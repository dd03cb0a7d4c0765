"""Link report (linkcheck, build-finished): linkreport.txt for a person, linkreport.json for a program.

Reads Sphinx's ``output.json``, classifies every link, writes both files next to it, prints one
line per class and sets the exit status.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from critical_edition.core import atomic
from critical_edition.linkcheck.biblinks import Place
from critical_edition.linkcheck.classify import (
    EXIT_BROKEN,
    EXIT_OK,
    EXIT_UNVERIFIED,
    MEANING,
    REPORT_FORMAT,
    REPORT_JSON,
    REPORT_TEXT,
    REPORT_VERSION,
    SOURCES_JSON,
    LinkClass,
    classify,
)

if TYPE_CHECKING:
    from collections.abc import Sequence


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
    atomic.write_text(text_path, report.to_text())
    atomic.write_text(json_path, json.dumps(report.to_json(), ensure_ascii=False, indent=1) + "\n")
    return text_path, json_path
