"""The post-transforms' shared census: one walk of a document answers which of the toolkit's
nodes it holds, until a transform says it put new content in. No Sphinx build."""

from __future__ import annotations

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
