"""Integrity report (build-finished): the one-line summary, integrity.json and integrity.sarif.

Sums up the findings and counts that :mod:`critical_edition.core.findings` collected: a
one-line summary in the build log and, when ``edition_report_dir`` is set, ``integrity.json``
and ``integrity.sarif`` (SARIF 2.1.0).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sphinx.util import logging as sphinx_logging

from critical_edition.claims.domain import edition_claims
from critical_edition.core import atomic, priorities
from critical_edition.core.config import get_config
from critical_edition.core.diagnostics import WARNING_TYPE, Subtype, warn
from critical_edition.core.findings import Finding, all_counts, count, settle_findings

if TYPE_CHECKING:
    from sphinx.application import Sphinx

logger = sphinx_logging.getLogger(__name__)

#: File names of the report, inside ``edition_report_dir``.
JSON_NAME = "integrity.json"
SARIF_NAME = "integrity.sarif"
#: Version of the JSON report's layout (bump on incompatible changes).
REPORT_VERSION = 1

# -- counts the report takes itself ----------------------------------------------------------


def _count_claims(app: Sphinx, exception: BaseException | None) -> None:
    """Count the claims recorded in the edition's domain, by status; ``build-finished``."""
    if exception is not None or "ed" not in app.env.domains:
        return
    records = edition_claims(app.env)
    count(app.env, "claims", "total", len(records))
    statuses: dict[str, int] = {"unsourced": 0}
    for claim in records:
        statuses[claim.status.value] = statuses.get(claim.status.value, 0) + 1
    for status, n in sorted(statuses.items()):
        count(app.env, "claims", status, n)


def _findings_of(found: list[Finding], rule: str) -> int:
    return sum(1 for f in found if f.rule == rule)


def summarise(counts: dict[str, dict[str, int]], found: list[Finding]) -> dict[str, dict[str, int]]:
    """The report's sections, each with its counters in a fixed order."""
    cit = counts.get("citations", {})
    fn = counts.get("footnotes", {})
    xref = counts.get("xref", {})
    claims = counts.get("claims", {})
    sections: dict[str, dict[str, int]] = {
        "citations": {
            "linked": cit.get("linked", 0),
            "missing": cit.get("missing", 0),
            "unused": cit.get("unused", 0),
            "entries": cit.get("entries", 0),
            "unmarked": _findings_of(found, "edition.citation_unmarked"),
        },
        "footnotes": {
            "total": fn.get("total", 0),
            "dangling": _findings_of(found, "edition.footnote_undefined"),
            "unreferenced": _findings_of(found, "edition.footnote_unreferenced"),
            "duplicate": _findings_of(found, "edition.footnote_duplicate"),
        },
        "claims": dict(claims),
        "cross-references": {
            "total": xref.get("total", 0),
            "unresolved": sum(1 for f in found if f.category == "xref"),
        },
    }
    for category in sorted(counts):
        if category not in ("citations", "footnotes", "xref", "claims"):
            sections[category] = dict(counts[category])
    levels = [f.level for f in found]
    sections["findings"] = {
        "total": len(found),
        "errors": levels.count("error"),
        "warnings": levels.count("warning"),
    }
    return sections


def summary_line(sections: dict[str, dict[str, int]]) -> str:
    """The report at a glance, in one line."""
    c, f, x = sections["citations"], sections["footnotes"], sections["cross-references"]
    parts = [
        f"citations {c['linked']} linked / {c['missing']} missing / {c['unused']} unused"
        + (f" / {c['unmarked']} unmarked" if c["unmarked"] else ""),
        f"footnotes {f['total']} / {f['dangling']} dangling / {f['unreferenced']} unreferenced"
        + (f" / {f['duplicate']} duplicate" if f["duplicate"] else ""),
    ]
    claims = sections.get("claims", {})
    if "total" in claims:
        parts.append(f"claims {claims['total']} / {claims.get('unsourced', 0)} unsourced")
    parts.append(f"cross-references {x['total']} / {x['unresolved']} unresolved")
    n = sections["findings"]["total"]
    parts.append(f"{n} problem{'' if n == 1 else 's'}")
    return "; ".join(parts)


def _project_root(app: Sphinx, found: list[Finding]) -> Path:
    paths = [str(app.srcdir), str(app.confdir)]
    paths += [f.file for f in found if f.file and Path(f.file).is_absolute()]
    return Path(os.path.commonpath(paths))


def _relative(path: str, root: Path) -> str:
    if not path or not Path(path).is_absolute():
        return path
    return Path(os.path.relpath(path, root)).as_posix()


def build_json(root: Path, found: list[Finding], sections: dict[str, dict[str, int]]) -> Any:
    """The JSON report: summary, counts and every finding with file, line and rule.

    :param root: the project's root; the findings' files are given relative to it.
    """
    from critical_edition import __version__

    return {
        "report_version": REPORT_VERSION,
        "tool": {"name": "critical_edition", "version": __version__},
        "summary": summary_line(sections),
        "counts": sections,
        "findings": [
            {
                "file": _relative(f.file, root),
                "line": f.line,
                "rule": f.rule,
                "type": f.type,
                "subtype": f.subtype,
                "category": f.category,
                "level": f.level,
                "message": f.message,
            }
            for f in found
        ],
    }


def _rule_descriptor(rule: str) -> dict[str, Any]:
    type_, _, subtype = rule.partition(".")
    descriptor: dict[str, Any] = {"id": rule}
    if type_ == WARNING_TYPE:
        try:
            info = Subtype[subtype.upper()].info
        except KeyError:
            return descriptor
        descriptor["shortDescription"] = {"text": info.trigger}
        descriptor["help"] = {"text": info.fix}
        descriptor["properties"] = {"category": info.category}
    return descriptor


def build_sarif(root: Path, found: list[Finding]) -> Any:
    """The SARIF 2.1.0 log: one run, one result per finding, one rule per ``type.subtype``."""
    from critical_edition import __version__

    rules = sorted({f.rule for f in found})
    index = {rule: i for i, rule in enumerate(rules)}
    results = []
    for f in found:
        result: dict[str, Any] = {
            "ruleId": f.rule,
            "ruleIndex": index[f.rule],
            "level": f.level,
            "message": {"text": f.message},
        }
        if f.file:
            physical: dict[str, Any] = {
                "artifactLocation": {"uri": _relative(f.file, root), "uriBaseId": "PROJECTROOT"}
            }
            if f.line:
                physical["region"] = {"startLine": f.line}
            result["locations"] = [{"physicalLocation": physical}]
        results.append(result)
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "critical_edition",
                        "version": __version__,
                        "rules": [_rule_descriptor(rule) for rule in rules],
                    }
                },
                "originalUriBaseIds": {"PROJECTROOT": {"uri": root.as_uri() + "/"}},
                "results": results,
            }
        ],
    }


def write_files(
    target: Path, root: Path, found: list[Finding], sections: dict[str, dict[str, int]]
) -> None:
    """Write integrity.json and integrity.sarif into ``target`` (made if missing).

    :raises OSError: when a file cannot be written.
    """
    target.mkdir(parents=True, exist_ok=True)
    for name, data in (
        (JSON_NAME, build_json(root, found, sections)),
        (SARIF_NAME, build_sarif(root, found)),
    ):
        text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
        atomic.update_text(target / name, text)


def write_report(app: Sphinx, exception: BaseException | None) -> None:
    """Assemble the report, log its summary line and write the report files.

    Connected to ``build-finished`` with a late priority, after every check has counted.
    """
    if exception is not None:
        return
    found = settle_findings(app)
    sections = summarise(all_counts(app), found)
    logger.info("integrity: %s", summary_line(sections))
    report_dir = get_config(app.config).report_dir
    if not report_dir:
        return
    target = Path(app.outdir) / report_dir
    try:
        write_files(target, _project_root(app, found), found, sections)
    except OSError as exc:
        warn(
            f"cannot write the integrity report to {target}: {exc.strerror or exc}",
            Subtype.REPORT_UNWRITABLE,
            None,
        )


def register(app: Sphinx) -> None:
    """Connect the report's own counts and the report itself."""
    # build-finished: claims by status, from the domain, just before the report is assembled.
    app.connect("build-finished", _count_claims, priority=priorities.COUNT_CLAIMS)
    # build-finished, late: every check has emitted its warnings and counts by then.
    app.connect("build-finished", write_report, priority=priorities.WRITE_REPORT)
