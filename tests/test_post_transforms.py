"""The post-transforms' shared census: one walk of a document answers which of the toolkit's
nodes it holds, until a transform says it put new content in. No Sphinx build (one test sets
an application up to read its registry)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from critical_edition.core import nodes as ed
from critical_edition.core.post_transforms import EditionPostTransform
from docutils import nodes
from docutils.utils import new_document


def test_may_hold_walks_once_until_the_tree_changed() -> None:
    document = new_document("page.md")
    document += nodes.paragraph("", "", ed.lemma("", "word", note_id="n1"))
    transform = EditionPostTransform(document)
    assert transform.may_hold(ed.lemma)
    assert transform.may_hold(ed.mention, ed.lemma)
    assert not transform.may_hold(ed.mention)
    # A filled placeholder brought a mention: unseen until the transform says so.
    document += nodes.paragraph("", "", ed.mention("", "Baku"))
    assert not EditionPostTransform(document).may_hold(ed.mention)
    transform.tree_changed()
    assert EditionPostTransform(document).may_hold(ed.mention)
    # Another document has a census of its own.
    assert not EditionPostTransform(new_document("other.md")).may_hold(ed.lemma)


def test_content_of_named_classes_is_added_without_a_walk() -> None:
    document = new_document("page.md")
    document += nodes.paragraph("", "", ed.lemma("", "word", note_id="n1"))
    transform = EditionPostTransform(document)
    assert not transform.may_hold(ed.mention)
    # The new content names what it is made of: the census takes that in, and walks nothing.
    document += nodes.paragraph("", "", ed.mention("", "Baku"))
    transform.tree_changed({nodes.paragraph, ed.mention, nodes.Text})
    walked: list[object] = []
    document.findall = lambda *a, **k: walked.append(a) or iter(())  # type: ignore[method-assign]
    assert EditionPostTransform(document).may_hold(ed.mention)
    assert EditionPostTransform(document).may_hold(ed.lemma)
    assert not EditionPostTransform(document).may_hold(ed.actor_entry)
    assert walked == []
    # Before any question, there is nothing to add to: the first question walks.
    fresh = new_document("fresh.md")
    EditionPostTransform(fresh).tree_changed({ed.mention})
    assert not EditionPostTransform(fresh).may_hold(ed.mention)


def test_bibtex_puts_its_entries_in_before_the_census_is_taken(
    make_app: Any, rootdir: Path, tmp_path: Path
) -> None:
    # The bibliography's badges and backlinks (priority 6) ask the census whether a page holds
    # citations; sphinxcontrib-bibtex makes them at priority 5. At equal priority docutils runs
    # transforms in the order they were registered, and the census is taken by the first
    # toolkit transform that asks: bibtex's must come first.
    from sphinxcontrib.bibtex.transforms import BibliographyTransform

    srcdir = tmp_path / "src"
    shutil.copytree(rootdir / "test-claims-output", srcdir)
    app = make_app("html", srcdir=srcdir, builddir=tmp_path / "out")
    transforms = app.registry.get_post_transforms()
    toolkit = [
        position
        for position, transform in enumerate(transforms)
        if issubclass(transform, EditionPostTransform)
    ]
    assert toolkit
    assert transforms.index(BibliographyTransform) < min(toolkit)
    app.cleanup()
