"""Confinement (read phase): nothing from outside the source folder reaches the edition.

An ``include``, a ``literalinclude``, a ``raw`` or ``csv-table`` directive's ``:file:``, an
image or figure, and a ``{download}`` whose path leads out of the source folder (``../``, an
absolute path, a symbolic link), and a page that is a symbolic link to a file outside it, would put files that are no part of the project into the published output.
Each is reported at the page and line that asks for it and left out. The folders listed in
``edition_allowed_outside`` (relative to the source folder, e.g. ``["../shared"]``) may be
used as if they were inside it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docutils import nodes
from docutils.parsers.rst.directives.misc import Raw, adapt_path
from sphinx import addnodes
from sphinx.directives.code import LiteralInclude
from sphinx.directives.other import Include
from sphinx.directives.patches import CSVTable

from critical_edition.core import priorities
from critical_edition.core.config import get_config
from critical_edition.core.diagnostics import Subtype, warn
from critical_edition.integrity.structure import _includes

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment


def _roots(env: BuildEnvironment) -> list[Path]:
    """The source folder and the folders the settings allow, symbolic links resolved."""
    srcdir = Path(env.srcdir).resolve()
    allowed = get_config(env.config).allowed_outside
    return [srcdir, *((srcdir / folder).resolve() for folder in allowed)]


def is_outside(env: BuildEnvironment, path: Path | str, roots: list[Path] | None = None) -> bool:
    """Whether *path* (symbolic links followed) lies outside every folder the edition may use.

    *roots*: those folders, when the caller checks many paths (:func:`_roots` once).
    """
    resolved = Path(path).resolve()
    return not any(resolved.is_relative_to(root) for root in roots or _roots(env))


def _refuse(what: str, argument: str, location: Any) -> None:
    warn(
        f"{what} {argument!r} is outside the source folder and is left out of the edition: "
        "move the file into the source folder, or list its folder in edition_allowed_outside",
        Subtype.OUTSIDE_SOURCE,
        location,
    )


class ConfinedInclude(Include):
    """reStructuredText's ``include``, refused when its file is outside the source folder.

    (MyST's ``{include}`` does not run this directive: :func:`_confine_include_read` checks it.)
    """

    def run(self) -> Any:
        argument = self.arguments[0]
        if not (argument.startswith("<") and argument.endswith(">")):
            _relative, path = self.env.relfn2path(argument)
            if is_outside(self.env, path):
                _refuse("the included file", argument, (self.env.docname, self.lineno))
                return []
        return super().run()


class ConfinedLiteralInclude(LiteralInclude):
    """``literalinclude``, refused when its file is outside the source folder."""

    def run(self) -> list[nodes.Node]:
        _relative, path = self.env.relfn2path(self.arguments[0])
        if is_outside(self.env, path):
            _refuse("the included file", self.arguments[0], (self.env.docname, self.lineno))
            return []
        return super().run()


def _option_file(directive: Raw | CSVTable) -> Path | None:
    """The file a ``raw`` or ``csv-table`` directive's ``:file:`` option names, as it reads it."""
    argument = directive.options.get("file")
    if not argument:
        return None
    document = directive.state.document
    if isinstance(directive, CSVTable) and argument.startswith("/"):
        # Sphinx's csv-table reads "/x.csv" from the source folder, unless that file exists
        srcdir_file = Path(document.settings.env.srcdir) / argument[1:]
        return Path(argument) if Path(argument).exists() else srcdir_file
    source = document.current_source or document.settings.env.doc2path(
        document.settings.env.docname
    )
    return Path(adapt_path(argument, source, document.settings.root_prefix))


def _refuse_url(directive: Raw | CSVTable) -> bool:
    """Report a ``:url:`` option (text fetched from the web as the edition is built)."""
    url = directive.options.get("url")
    if not url:
        return False
    env = directive.state.document.settings.env
    warn(
        f"the {directive.name} directive's :url: {url!r} would fetch text from outside the "
        "project each time the edition is built; it is left out of the edition: save the text "
        "as a file in the source folder and name it with :file:",
        Subtype.OUTSIDE_SOURCE,
        (env.docname, directive.lineno),
    )
    return True


def _refused_file_option(directive: Raw | CSVTable, what: str) -> bool:
    """Report a ``:url:`` option, or a ``:file:`` outside the source folder (*what* names it);
    whether the directive is refused."""
    if _refuse_url(directive):
        return True
    path = _option_file(directive)
    env = directive.state.document.settings.env
    if path is not None and is_outside(env, path):
        _refuse(what, directive.options["file"], (env.docname, directive.lineno))
        return True
    return False


class ConfinedRaw(Raw):
    """docutils' ``raw``, refused when its ``:file:`` is outside the source folder or it
    names a ``:url:``."""

    def run(self) -> Sequence[nodes.Node]:
        return [] if _refused_file_option(self, "the raw file") else super().run()


class ConfinedCSVTable(CSVTable):
    """Sphinx's ``csv-table``, refused when its ``:file:`` is outside the source folder or it
    names a ``:url:``."""

    # Sphinx's CSVTable.run returns list[Node], docutils' a sequence of tables: as Sphinx's.
    def run(self) -> list[nodes.Node]:  # type: ignore[override]
        return [] if _refused_file_option(self, "the table's file") else super().run()


def _confine_include_read(
    app: Sphinx, relative_path: Path, parent_docname: str, content: list[str]
) -> None:
    """An included file outside the source folder is read as empty; ``include-read``."""
    env = app.env
    target = Path(env.srcdir) / relative_path
    if not is_outside(env, target):
        return
    content[0] = ""
    page = Path(env.doc2path(env.docname))
    resolved = target.resolve()
    line = next((n for n, path in _includes(env, page) if path == resolved), None)
    _refuse("the included file", relative_path.as_posix(), (env.docname, line))


def _confine_images(app: Sphinx, doctree: nodes.document) -> None:
    """Images and figures whose file is outside the source folder, or written into the page as
    a ``data:`` address, are left out; doctree-read."""
    env = app.env
    roots = _roots(env)
    for image in list(doctree.findall(nodes.image)):
        uri = str(image.get("uri", ""))
        if uri.lstrip().lower().startswith("data:"):
            warn(
                f"the image {_excerpt(uri)!r} is written into the page as a data: address, "
                "which the edition does not publish (no file of the project holds it, and an "
                "SVG so given can carry script); it is left out: save the image as a file in "
                "the source folder and name that file",
                Subtype.IMAGE_DATA_URI,
                image,
            )
            _remove_image(image)
            continue
        if not uri or "://" in uri:
            continue
        _relative, path = env.relfn2path(uri.replace("*", "x"), env.docname)
        if not is_outside(env, Path(path).parent if "*" in uri else path, roots):
            continue
        what = "the figure's image" if isinstance(image.parent, nodes.figure) else "the image"
        _refuse(what, uri, image)
        _remove_image(image)


def _remove_image(image: nodes.image) -> None:
    """Take *image* out of its doctree: its alternative text stays, as text, in its place;
    without one, the link around it that then holds nothing goes too."""
    parent = image.parent
    alt = str(image.get("alt", "")).strip()
    if alt:
        in_text = isinstance(parent, nodes.TextElement)
        image.replace_self(nodes.Text(alt) if in_text else nodes.paragraph(alt, alt))
        return
    parent.remove(image)
    if isinstance(parent, nodes.reference) and not parent.children:
        parent.parent.remove(parent)


def _excerpt(uri: str, limit: int = 40) -> str:
    return uri if len(uri) <= limit else uri[: limit - 1] + "…"


def _confine_downloads(app: Sphinx, doctree: nodes.document) -> None:
    """Downloads of files outside the source folder keep their text only; doctree-read."""
    env = app.env
    roots = _roots(env)
    for reference in list(doctree.findall(addnodes.download_reference)):
        target = str(reference.get("reftarget", ""))
        if not target or "://" in target:
            continue
        _relative, path = env.relfn2path(target, env.docname)
        if is_outside(env, path, roots):
            _refuse("the file to download", target, reference)
            reference.replace_self(nodes.Text(reference.astext()))


def _confine_pages(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """Pages that are symbolic links to files outside the source folder are not read."""
    roots = _roots(env)
    for docname in sorted(docnames):
        path = Path(env.doc2path(docname))
        if not is_outside(env, path, roots):
            continue
        docnames.remove(docname)
        env.project.docnames.discard(docname)
        # the link as written, else (a page in a linked folder) where it leads
        target = str(path.readlink() if path.is_symlink() else path.resolve())
        warn(
            f"the page {docname!r} is a symbolic link to {target!r}, outside the "
            "source folder, and is left out of the edition: copy the file into the source "
            "folder, or list its folder in edition_allowed_outside",
            Subtype.OUTSIDE_SOURCE,
            f"{path}:1",
        )


def register(app: Sphinx) -> None:
    """Replace the include directives; connect the include, image and page checks."""
    app.add_directive("include", ConfinedInclude, override=True)
    app.add_directive("literalinclude", ConfinedLiteralInclude, override=True)
    app.add_directive("raw", ConfinedRaw, override=True)
    app.add_directive("csv-table", ConfinedCSVTable, override=True)
    # include-read: MyST's {include}, as each included file is read, before it is parsed.
    app.connect("include-read", _confine_include_read)
    # doctree-read, early: before Sphinx's image collector (500) notes the files to copy.
    app.connect("doctree-read", _confine_images, priority=priorities.CONFINE_IMAGES)
    # doctree-read, early: before Sphinx's download collector (500) notes the files to copy.
    app.connect("doctree-read", _confine_downloads, priority=priorities.CONFINE_IMAGES)
    # env-before-read-docs: symbolic links to outside pages, before Sphinx reads them.
    app.connect("env-before-read-docs", _confine_pages)
