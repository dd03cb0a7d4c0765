"""The installed distributions' memo: the standard library's answers, from fewer scans."""

from __future__ import annotations

import importlib.metadata
import sys
from pathlib import Path

import pytest
from critical_edition.core import distributions


def standard_entry_points(**params: str) -> list[importlib.metadata.EntryPoint]:
    return list(distributions._original_entry_points(**params))


@pytest.mark.parametrize(
    "params",
    [
        {"group": "pybtex.style.formatting", "name": "plain"},
        {"group": "pybtex.style.formatting"},
        {"group": "pybtex.backends", "name": "text"},
        {"group": "sphinxcontrib.bibtex.style.referencing", "name": "foot"},
        {"group": "sphinx.html_themes"},
        {"group": "pygments.styles"},
        {"group": "sphinx.builders", "name": "no-such-builder"},
    ],
)
def test_a_lookup_selects_what_the_standard_library_selects(params: dict[str, str]) -> None:
    assert list(distributions.entry_points(**params)) == standard_entry_points(**params)


def test_a_lookup_without_a_selection_answers_as_the_standard_library() -> None:
    ours, theirs = distributions.entry_points(), distributions._original_entry_points()
    assert type(ours) is type(theirs)
    assert sorted(ours.groups) == sorted(theirs.groups)  # type: ignore[union-attr]


def test_a_caller_changing_all_the_groups_changes_no_later_lookup() -> None:
    first = distributions.entry_points()
    if isinstance(first, dict):  # Python 3.11: a dict of groups
        dict.clear(first)
    assert list(distributions.entry_points(group="console_scripts")) == standard_entry_points(
        group="console_scripts"
    )
    assert distributions.entry_points() is not distributions.entry_points()


def test_the_memo_is_in_place_of_the_standard_function_from_the_import_on() -> None:
    import pybtex.plugin
    import sphinx.registry
    import sphinx.theming

    # Imported by the toolkit with the memo in place (conftest imports the toolkit first).
    assert importlib.metadata.entry_points is distributions.entry_points
    assert importlib.metadata.version is distributions.release
    assert pybtex.plugin.entry_points is not distributions._original_entry_points
    # Imported before the toolkit (by Sphinx's command line): given the memo by name.
    assert sphinx.theming.entry_points is distributions.entry_points  # type: ignore[attr-defined]
    assert sphinx.registry.entry_points is distributions.entry_points  # type: ignore[attr-defined]


def write_distribution(folder: Path, name: str, release: str, entry_points: str = "") -> None:
    info = folder / f"{name.replace('-', '_')}-{release}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {name}\nVersion: {release}\n\nA body.\nVersion: 0\n",
        encoding="utf-8",
    )
    if entry_points:
        (info / "entry_points.txt").write_text(entry_points, encoding="utf-8")


def test_a_distribution_installed_meanwhile_is_seen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    distributions.entry_points(group="x")  # a scan made before
    monkeypatch.syspath_prepend(str(tmp_path))
    write_distribution(
        tmp_path, "edition-theme", "1.2", "[sphinx.html_themes]\nedition = edition_theme\n"
    )
    found = distributions.entry_points(group="sphinx.html_themes", name="edition")
    assert [entry.value for entry in found] == ["edition_theme"]
    assert distributions.release("Edition_Theme") == "1.2"
    # Installed later in the same folder: its date changes, and the listing is made again.
    write_distribution(tmp_path, "second-theme", "3.0", "[sphinx.html_themes]\nsecond = s\n")
    assert [e.name for e in distributions.entry_points(group="sphinx.html_themes")] == [
        e.name for e in standard_entry_points(group="sphinx.html_themes")
    ]
    assert distributions.release("second-theme") == "3.0"


def test_every_installed_release_is_the_standard_librarys() -> None:
    names = sorted({dist.metadata["Name"] for dist in importlib.metadata.distributions()})
    assert len(names) > 20
    assert {name: distributions.release(name) for name in names} == {
        name: distributions._original_version(name) for name in names
    }


def test_a_missing_distribution_raises_as_the_standard_library() -> None:
    with pytest.raises(importlib.metadata.PackageNotFoundError):
        distributions.release("no-such-distribution-for-the-test")


def test_an_egg_info_earlier_on_the_path_is_left_to_the_standard_library(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    early, late = tmp_path / "early", tmp_path / "late"
    egg = early / "edition_extra-1.0-py3.11.egg-info"
    egg.mkdir(parents=True)
    (egg / "PKG-INFO").write_text("Metadata-Version: 1.1\nName: edition-extra\nVersion: 1.0\n")
    write_distribution(late, "edition-extra", "2.0")
    monkeypatch.syspath_prepend(str(late))
    monkeypatch.syspath_prepend(str(early))
    assert distributions._original_version("edition-extra") == "1.0"
    assert distributions.release("edition-extra") == "1.0"


def test_an_entry_of_sys_path_that_is_not_text_is_skipped(monkeypatch: pytest.MonkeyPatch) -> None:
    expected = distributions._original_version("sphinx")
    monkeypatch.setattr(sys, "path", [b"/nowhere", *sys.path])
    assert distributions.release("sphinx") == expected


def test_a_folder_whose_metadata_names_another_distribution_is_not_believed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.syspath_prepend(str(tmp_path))
    info = tmp_path / "sphinx-0.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Name: something-else\nVersion: 0.0\n", encoding="utf-8")
    assert distributions.release("sphinx") == distributions._original_version("sphinx")


def test_switched_off_every_release_is_looked_up_by_the_standard_library(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(distributions.SWITCH, "0")
    looked_up: list[str] = []
    monkeypatch.setattr(
        distributions, "_original_version", lambda name: looked_up.append(name) or "9.9"
    )
    assert distributions.release("sphinx") == "9.9"
    assert looked_up == ["sphinx"]
