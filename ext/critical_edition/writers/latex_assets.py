"""LaTeX assets: load critical-edition.sty, copy it and the index rules, let latexmk run enough.

The style file defines the macros that ``writers/latex.py`` emits (``\\edClaimBegin``,
``\\edClaimEnd``, ``\\edStatus``, ``\\edEmendation``, ``\\edSupplied``). It ships as package
data in ``texinputs/``; the LaTeX builder copies it into its output folder with the files of
``latex_additional_files``, so ``make -C _build/latex`` and latexmk find it without any
``TEXINPUTS`` setting. At build-finished, Sphinx's ``latexmkrc`` gets a higher limit of LaTeX
runs, which the notes that move from the margin to the foot of the page need, and its xindy
call the edition's index rules (``critical-edition.xdy``: Turkish and Azerbaijani letters
sorted with their base letters, page ranges with a dash).
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


def index_rules_file() -> Path:
    """Return the absolute path of the shipped xindy module ``critical-edition.xdy``."""
    return TEXINPUTS / f"{PACKAGE}.xdy"


def add_style_file(app: Sphinx) -> None:
    """Load the package in the preamble and have the builder copy it to its output folder.

    Only LaTeX builders are touched. The package goes after hyperref because it sets PDF
    destinations with ``\\hypertarget``.
    """
    if app.builder.format != "latex":
        return
    app.add_latex_package(PACKAGE, after_hyperref=True)
    # An absolute path survives the builder's ``confdir / name`` join unchanged.
    additional = list(app.config.latex_additional_files)
    for path in (str(style_file()), str(index_rules_file())):
        if path not in additional:
            additional.append(path)
    app.config.latex_additional_files = additional


#: LaTeX runs latexmk may make. A margin note that runs off its page becomes a footnote in the
#: next run (critical-edition.sty), which moves text and may push another note off; on the
#: edition that settles after five or six runs, one more than latexmk's default of five allows.
MAX_LATEX_RUNS = 10
_MAX_REPEAT = f"$max_repeat = {MAX_LATEX_RUNS};  # critical_edition: margin notes settle\n"
#: Sphinx's xindy call (latex_use_xindy, the default with XeLaTeX), and the same call with the
#: edition's module after Sphinx's (xindy finds both in the output folder, latexmk's cwd).
_XINDY = "$makeindex = 'internal xindy ' . $ENV{'XINDYOPTS'} . ' %O -o %D %S';"
_XINDY_EDITION = (
    "$makeindex = 'internal xindy ' . $ENV{'XINDYOPTS'}"
    f" . ' -M {PACKAGE}.xdy %O -o %D %S';  # critical_edition: index rules\n"
)


def allow_more_runs(app: Sphinx, exception: Exception | None) -> None:
    """Let latexmk run LaTeX until the margin notes settle and xindy use the edition's rules.

    Both are appended to Sphinx's latexmkrc; the xindy call is redefined only where Sphinx
    wrote its own (with makeindex, ``latex_use_xindy = False``, the rules do not apply).
    """
    if exception is not None or app.builder.format != "latex":
        return
    rc = Path(app.outdir) / "latexmkrc"
    if not rc.is_file():
        return
    text = rc.read_text(encoding="utf-8")
    added = [line for line in (_MAX_REPEAT,) if line not in text]
    if _XINDY in text and _XINDY_EDITION not in text:
        added.append(_XINDY_EDITION)
    if added:
        rc.write_text(text.rstrip("\n") + "\n" + "".join(added), encoding="utf-8")


def register(app: Sphinx) -> None:
    """Register the LaTeX assets with the application."""
    # builder-inited: the builder is known (so its format is), and the preamble's package list
    # and latex_additional_files are read only later, when the builder writes and finishes.
    app.connect("builder-inited", add_style_file)
    app.connect("build-finished", allow_more_runs)
