"""The speed-ups stand aside on untested releases; old module names still load the moved code."""

from __future__ import annotations

import importlib
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any

import pytest
from critical_edition._moved import MOVED, MovedModuleWarning
from critical_edition.speedups import (
    bibcache,
    census,
    design,
    doctrees,
    inventory,
    navigation,
    versions,
)

REPO = Path(__file__).resolve().parent.parent


def test_the_covered_releases_match_the_pins() -> None:
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    assert '"furo>=2025.12.19,<2026"' in pyproject
    assert '"pybtex>=0.26,<0.27"' in pyproject
    assert '"sphinxcontrib-bibtex>=2.7,<2.8"' in pyproject
    assert '"sphinx>=9.0,<9.1"' in pyproject
    assert '"sphinx-design>=0.8,<0.9"' in pyproject
    assert '"myst-parser>=5.0,<6"' in pyproject
    assert versions.COVERED == {
        "furo": ("2025.",),
        "myst-parser": ("5.",),
        "pybtex": ("0.26.",),
        "sphinx": ("9.0.",),
        "sphinx-design": ("0.8.",),
        "sphinxcontrib-bibtex": ("2.7.",),
    }


def test_the_installed_releases_are_covered() -> None:
    assert navigation.enabled()
    assert bibcache.enabled()
    assert doctrees.enabled()
    assert design.enabled()
    assert census.enabled()
    assert inventory.enabled()


@pytest.mark.parametrize(
    ("module", "package"),
    [
        (navigation, "furo"),
        (bibcache, "sphinxcontrib-bibtex"),
        (doctrees, "sphinx"),
        (design, "sphinx-design"),
        (census, "sphinx"),
        (inventory, "sphinx"),
    ],
)
def test_an_untested_release_switches_the_patch_off(
    module: Any, package: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    real = versions.version
    monkeypatch.setattr(
        versions, "version", lambda name: "2099.1" if name == package else real(name)
    )
    versions.installed_version.cache_clear()  # looked up once per process: forget the real one
    monkeypatch.setattr(versions, "_said", set())
    caplog.set_level("INFO")
    assert not module.enabled()
    assert not module.enabled()
    lines = [r.getMessage() for r in caplog.records if "tested with" in r.getMessage()]
    assert len(lines) == 1, lines  # said once, not on every call
    assert f"{package} 2099.1 is not a release it was tested with" in lines[0]


def test_the_switch_still_turns_a_patch_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(navigation.SWITCH, "0")
    assert not navigation.enabled()


def test_every_old_module_name_gives_the_moved_module_and_warns() -> None:
    # A fresh interpreter: each old name must be imported for the first time to warn.
    code = (
        "import warnings, importlib\n"
        "from critical_edition._moved import MOVED\n"
        "warnings.simplefilter('error')\n"
        "for old in sorted(MOVED):\n"
        "    try:\n"
        "        importlib.import_module('critical_edition.' + old)\n"
        "        print(old, 'no warning')\n"
        "    except Warning as w:\n"
        "        print(old, type(w).__name__, w)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    lines = result.stdout.splitlines()
    assert len(lines) == len(MOVED)
    for line, old in zip(lines, sorted(MOVED), strict=True):
        assert line.startswith(f"{old} MovedModuleWarning critical_edition.{old} has moved"), line
        assert f"critical_edition.{MOVED[old]}" in line


def test_the_old_name_is_the_same_module() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MovedModuleWarning)
        old = importlib.import_module("critical_edition.navigation")
    assert old is navigation


@pytest.mark.sphinx("html", testroot="navigation")
def test_listing_the_cache_under_both_names_connects_it_once(app: Any) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MovedModuleWarning)
        app.setup_extension("critical_edition.navigation")
    listeners = app.events.listeners["html-page-context"]
    handlers = [listener.handler for listener in listeners]
    assert handlers.count(navigation.before_theme) == 1
    assert handlers.count(navigation.after_theme) == 1
