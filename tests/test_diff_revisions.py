"""``critical-edition diff --git OLD NEW`` and ``--markdown``: two revisions of a small edition.

A git repository is made in a temporary folder with two commits of a one-page edition (a claim
re-attributed and given a status, a claim added); each revision is built from its own files.
"""

from __future__ import annotations

import shutil
import subprocess
from typing import TYPE_CHECKING

import pytest
from critical_edition.cli import main as cli
from critical_edition.cli.diff import as_markdown, compare

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")

CONF = """extensions = ["critical_edition"]
bibtex_bibfiles = ["refs.bib"]
myst_enable_extensions = ["colon_fence"]
edition_lint_attributions = False
"""

REGISTER = """# Register

:::{actor} ministry
:name: Example Ministry
:type: ministry
A ministry.
:::

:::{actor} daily
:name: Example Daily
:type: group
A newspaper.
:::
"""

TEXT_V1 = """# Text

{claim}`The bridge was closed <id=bridge; actor=daily; verb=said>`.

```{toctree}
register
```
"""

TEXT_V2 = """# Text

{claim}`The bridge was closed <id=bridge; actor=ministry; verb=said; status=verified; \
evidence=report; note="Checked in the report.">`.
{claim}`The road was open <id=road; actor=daily; verb=wrote>`.

```{toctree}
register
```
"""

BIB = "@report{report, title = {A report}, author = {Someone}, year = {2020}, verification = {verified}}\n"


def _git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-C", str(repo), "-c", "user.name=Test", "-c", "user.email=t@example.org", *args],
        check=True,
        capture_output=True,
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    repo = tmp_path / "edition"
    docs = repo / "docs"
    docs.mkdir(parents=True)
    (docs / "conf.py").write_text(CONF, encoding="utf-8")
    (docs / "refs.bib").write_text(BIB, encoding="utf-8")
    (docs / "register.md").write_text(REGISTER, encoding="utf-8")
    (docs / "index.md").write_text(TEXT_V1, encoding="utf-8")
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "v1")
    _git(repo, "tag", "v1")
    (docs / "index.md").write_text(TEXT_V2, encoding="utf-8")
    _git(repo, "commit", "-q", "-am", "v2")
    return repo


def test_diff_of_two_revisions(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["diff", "--git", "--repo", str(repo), "v1", "HEAD"]) == cli.OK
    assert capsys.readouterr().out.splitlines() == [
        "claims: 1 -> 2; 1 added, 0 removed, 1 re-attributed, 1 with a changed status",
        "",
        "Added:",
        "  + road (Example Daily): The road was open",
        "",
        "Re-attributed:",
        "  ~ bridge: Example Daily -> Example Ministry",
        "",
        "Status changed:",
        "  ~ bridge: unsourced -> verified",
    ]
    # The repository and its working tree are left as they were.
    status = subprocess.run(
        ["git", "-C", str(repo), "status", "--porcelain"],
        check=True,
        capture_output=True,
        text=True,
    )
    assert status.stdout == ""


def test_bad_revisions_fail_with_a_message(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["diff", "--git", "--repo", str(repo), "v0", "HEAD"]) == cli.FAILED
    assert capsys.readouterr().err == (
        f"critical-edition diff: 'v0' is not a commit of the git repository at {repo} (name a "
        "tag, a branch or a commit; --repo names another repository)\n"
    )
    assert cli.main(["diff", "--git", "--repo", str(repo), "--", "-x", "HEAD"]) == cli.FAILED
    assert "'-x' is not a git revision" in capsys.readouterr().err
    code = cli.main(["diff", "--git", "--repo", str(repo), "--docs", "nowhere", "v1", "HEAD"])
    assert code == cli.FAILED
    assert "v1: no nowhere/conf.py in that revision" in capsys.readouterr().err


def test_markdown_escapes_what_the_export_says() -> None:
    old = {"a": {"id": "a", "actors": ["X"], "status": "unsourced", "text": "plain"}}
    new = {
        **old,
        "b": {"id": "b", "actors": ["<Y>"], "status": "unsourced", "text": "*bold* {role}`x`"},
    }
    assert as_markdown(compare(old, new), 1, 2).splitlines() == [
        "Claims: 1 before, 2 after; 1 added, 0 removed, 0 re-attributed, 0 with a changed status.",
        "",
        "### Claims added",
        "",
        "- b \\(\\<Y\\>\\)\\: \\*bold\\* \\{role\\}\\`x\\`",
    ]
