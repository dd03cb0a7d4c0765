"""The deferred imports (soupsieve, snowballstemmer, sphinx.ext.doctest): absent from a build, the same module the moment it is used.

Each case runs in a fresh interpreter, since the stand-in is put in ``sys.modules`` when the
toolkit is first imported and this test process imported it long ago.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

SELECT = """
import bs4
soup = bs4.BeautifulSoup('<p class="a">x</p><p>y</p><div><p class="a">z</p></div>', "html.parser")
found = [str(tag) for tag in soup.select("p.a")]
"""


def run(code: str, **environ: str) -> dict[str, object]:
    """Run *code* in a fresh interpreter; it leaves its findings in ``result`` (JSON)."""
    env = {**os.environ, **environ}
    completed = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code) + "\nprint(json.dumps(result))"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    loaded: dict[str, object] = json.loads(completed.stdout.splitlines()[-1])
    return loaded


def test_a_build_leaves_soupsieve_unloaded(rootdir: Path, tmp_path: Path) -> None:
    srcdir = tmp_path / "src"
    shutil.copytree(rootdir / "test-claims-basic", srcdir)
    result = run(
        f"""
        import json, sys
        from sphinx.cmd.build import main
        status = main(["-q", "-b", "html", {str(srcdir)!r}, {str(tmp_path / "out")!r}])
        from critical_edition._deferred import DeferredModule
        result = {{
            "status": status,
            "furo": "furo.navigation" in sys.modules,
            "stand_in": isinstance(sys.modules["soupsieve"], DeferredModule),
            "parser_loaded": "soupsieve.css_parser" in sys.modules,
        }}
        """
    )
    assert result == {"status": 0, "furo": True, "stand_in": True, "parser_loaded": False}


#: A build whose toolkit is imported before Sphinx loads its builders, as the edition's
#: conf.py does (the test root lists it only in its extensions, which Sphinx loads after).
BUILD_AND_REPORT = """
import json, sys
import critical_edition
from sphinx.cmd.build import main
status = main(["-q", "-b", "html", {src!r}, {out!r}])
from critical_edition._deferred import DeferredModule
result = {{
    "status": status,
    "stemmers_loaded": "snowballstemmer.english_stemmer" in sys.modules,
    # Loaded, the package replaces its stand-in in sys.modules.
    "stand_in": isinstance(sys.modules["snowballstemmer"], DeferredModule),
    # Sphinx's doctest extension (and with it pdb and unittest): read by its flag trimming.
    "doctest_loaded": "doctest" in sys.modules,
}}
"""


def test_a_rebuild_that_stems_no_new_word_leaves_snowball_unloaded(
    rootdir: Path, tmp_path: Path
) -> None:
    srcdir = tmp_path / "src"
    shutil.copytree(rootdir / "test-claims-basic", srcdir)
    code = BUILD_AND_REPORT.format(src=str(srcdir), out=str(tmp_path / "out"))
    # The first build indexes every page: it stems, through the real package.
    loaded = {"status": 0, "stemmers_loaded": True, "stand_in": False, "doctest_loaded": False}
    assert run(code) == loaded
    # Nothing changed: the indexer is made, and no word stemmed.
    assert run(code) == {**loaded, "stemmers_loaded": False, "stand_in": True}
    # Without the stem memo the stemmer is made with the indexer, as Sphinx does.
    assert run(code, CRITICAL_EDITION_STEMCACHE="0") == loaded


def test_a_page_with_doctest_flags_loads_the_doctest_extension_and_trims_them(
    rootdir: Path, tmp_path: Path
) -> None:
    srcdir = tmp_path / "src"
    shutil.copytree(rootdir / "test-node-census", srcdir)
    out = tmp_path / "out"
    code = BUILD_AND_REPORT.format(src=str(srcdir), out=str(out))
    assert run(code)["doctest_loaded"] is True
    assert run(code)["doctest_loaded"] is False  # nothing to write: not read
    html = (out / "code.html").read_text(encoding="utf-8")
    assert "&gt;&gt;&gt;" in html and "doctest:" not in html


def test_a_deferred_submodule_is_named_on_its_package() -> None:
    result = run(
        """
        import json, sys
        import critical_edition
        import sphinx.ext.doctest
        stand_in = type(sphinx.ext.doctest).__name__
        pattern = sphinx.ext.doctest.doctestopt_re.pattern
        from sphinx.ext import doctest
        result = {
            "stand_in": stand_in,
            "flags": "doctest:" in pattern,
            "same": doctest.doctestopt_re is sys.modules["sphinx.ext.doctest"].doctestopt_re,
            "real": type(sys.modules["sphinx.ext.doctest"]).__name__,
        }
        """
    )
    assert result == {"stand_in": "DeferredModule", "flags": True, "same": True, "real": "module"}


def test_the_stemmer_on_demand_stems_as_snowball() -> None:
    result = run(
        """
        import json, sys
        import critical_edition, snowballstemmer
        from critical_edition.speedups.stemming import StemmerOnDemand
        words = ["claims", "ceasefire", "negotiations", "occupied", "Karabakh", ""]
        lazy = StemmerOnDemand("english")
        import copy
        before = "snowballstemmer.english_stemmer" in sys.modules
        copied = copy.copy(lazy)  # copy asks for dunder methods, not for the stemmer
        before = before or "snowballstemmer.english_stemmer" in sys.modules
        result = {
            "before": before,
            "same": [lazy.stemWord(w) for w in words]
            == [snowballstemmer.stemmer("english").stemWord(w) for w in words],
            "words": lazy.stemWords(["claims", "claimed"]),
        }
        """
    )
    assert result == {"before": False, "same": True, "words": ["claim", "claim"]}


def test_a_submodule_imported_first_is_run_once() -> None:
    # Importing soupsieve.css_match loads the package through the stand-in, which imports
    # css_match: the module Python then hands back is that one, not a second copy.
    code = """
        import json, sys
        import critical_edition
        import soupsieve.css_match
        import soupsieve
        pattern = soupsieve.compile("p")
        result = {
            "same": isinstance(pattern, soupsieve.css_match.SoupSieve),
            "origin": sys.modules["soupsieve.css_match"].__spec__.origin.endswith("css_match.py"),
            "documented": soupsieve.__doc__ is not None and soupsieve.__file__ is not None,
        }
        """
    assert (
        run(code)
        == run(code, CRITICAL_EDITION_DEFERIMPORTS="0")
        == {
            "same": True,
            "origin": True,
            "documented": True,
        }
    )


def test_selecting_loads_soupsieve_and_answers_as_without_the_stand_in() -> None:
    code = (
        "import json, sys\nimport critical_edition\n"
        + SELECT
        + "import soupsieve\nfrom soupsieve import select_one\n"
        "result = {'found': found, 'real': type(sys.modules['soupsieve']).__name__,\n"
        "          'version': soupsieve.__version__, 'select_one': select_one.__module__}\n"
    )
    deferred = run(code)
    stock = run(code, CRITICAL_EDITION_DEFERIMPORTS="0")
    assert deferred == stock
    assert deferred["found"] == ['<p class="a">x</p>', '<p class="a">z</p>']
    assert deferred["real"] == "module"


@pytest.mark.parametrize("switch", ["0", "off"])
def test_the_switch_leaves_the_import_as_it_was(switch: str) -> None:
    result = run(
        """
        import json, sys
        import critical_edition, bs4
        result = {"type": type(sys.modules["soupsieve"]).__name__,
                  "parser_loaded": "soupsieve.css_parser" in sys.modules}
        """,
        CRITICAL_EDITION_DEFERIMPORTS=switch,
    )
    assert result == {"type": "module", "parser_loaded": True}


def test_a_soupsieve_imported_before_the_toolkit_is_left_alone() -> None:
    result = run(
        """
        import json, sys
        import soupsieve
        real = sys.modules["soupsieve"]
        import critical_edition
        result = {"same": sys.modules["soupsieve"] is real}
        """
    )
    assert result == {"same": True}


def test_a_missing_package_gets_no_stand_in() -> None:
    result = run(
        """
        import json, sys
        from critical_edition import _deferred
        _deferred.DEFERRED = ("no_such_package_for_the_test",)
        _deferred.install()
        result = {"installed": "no_such_package_for_the_test" in sys.modules}
        """
    )
    assert result == {"installed": False}
