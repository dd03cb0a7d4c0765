"""LaTeX assets: load critical-edition.sty, copy it next to the .tex, let latexmk run enough.

The style file defines the macros that ``writers/latex.py`` emits (``\\edClaimBegin``,
``\\edClaimEnd``, ``\\edStatus``, ``\\edEmendation``, ``\\edSupplied``). It ships as package
data in ``texinputs/``; the LaTeX builder copies it into its output folder with the files of
``latex_additional_files``, so ``make -C _build/latex`` and latexmk find it without any
``TEXINPUTS`` setting. At build-finished, Sphinx's ``latexmkrc`` gets a higher limit of LaTeX
runs, which the notes that move from the margin to the foot of the page need.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sphinx.application import Sphinx

#: The LaTeX package name (``\usepackage{critical-edition}``).
PACKAGE = "critical-edition"

#: Where the extension's TeX files live.
TEXINPUTS = Path(__file__).resolve().parent.parent / "texinputs"


def style_file() -> Path:
    """Return the absolute path of the shipped ``critical-edition.sty``."""
    return TEXINPUTS / f"{PACKAGE}.sty"


def add_style_file(app: Sphinx) -> None:
    """Load the package in the preamble and have the builder copy it to its output folder.

    Only LaTeX builders are touched. The package goes after hyperref because it sets PDF
    destinations with ``\\hypertarget``.
    """
    if app.builder.format != "latex":
        return
    app.add_latex_package(PACKAGE, after_hyperref=True)
    # An absolute path survives the builder's ``confdir / name`` join unchanged.
    path = str(style_file())
    additional = list(app.config.latex_additional_files)
    if path not in additional:
        app.config.latex_additional_files = [*additional, path]


#: LaTeX runs latexmk may make. A margin note that runs off its page becomes a footnote in the
#: next run (critical-edition.sty), which moves text and may push another note off; on the
#: edition that settles after five or six runs, one more than latexmk's default of five allows.
MAX_LATEX_RUNS = 10
_MAX_REPEAT = f"$max_repeat = {MAX_LATEX_RUNS};  # critical_edition: margin notes settle\n"


def allow_more_runs(app: Sphinx, exception: Exception | None) -> None:
    """Let latexmk run LaTeX until the margin notes settle (appended to Sphinx's latexmkrc)."""
    if exception is not None or app.builder.format != "latex":
        return
    rc = Path(app.outdir) / "latexmkrc"
    if not rc.is_file():
        return
    text = rc.read_text(encoding="utf-8")
    if _MAX_REPEAT not in text:
        rc.write_text(text.rstrip("\n") + "\n" + _MAX_REPEAT, encoding="utf-8")


def register(app: Sphinx) -> None:
    """Register the LaTeX assets with the application."""
    # builder-inited: the builder is known (so its format is), and the preamble's package list
    # and latex_additional_files are read only later, when the builder writes and finishes.
    app.connect("builder-inited", add_style_file)
    app.connect("build-finished", allow_more_runs)
