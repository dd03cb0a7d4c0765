"""The written pages' last rewrites (writers/page_markup.py) and the script bundle's minifier."""

from __future__ import annotations

from critical_edition.writers.page_assets import minify_js
from critical_edition.writers.page_markup import (
    slim,
    without_code_colours,
    without_indentation,
    without_unused_symbols,
)

SPRITE = (
    '<svg style="display: none;">\n'
    '  <symbol id="svg-used" viewBox="0 0 1 1"><title>Used</title><path d="M0 0"/></symbol>\n'
    '  <symbol id="svg-other" viewBox="0 0 1 1"><use href="#svg-inner"></use></symbol>\n'
    '  <symbol id="svg-inner" viewBox="0 0 1 1"><path d="M1 1"/></symbol>\n'
    '  <symbol id="svg-unused" viewBox="0 0 1 1"><path d="M2 2"/></symbol>\n'
    "</svg>\n"
)


def test_only_the_symbols_a_page_refers_to_stay() -> None:
    page = SPRITE + '<svg><use href="#svg-used"></use></svg>'
    slimmer = without_unused_symbols(page)
    assert 'id="svg-used"' in slimmer
    assert 'id="svg-other"' not in slimmer and 'id="svg-unused"' not in slimmer
    # ... and a symbol a kept one uses stays with it.
    kept = without_unused_symbols(SPRITE + '<svg><use href="#svg-other"></use></svg>')
    assert 'id="svg-other"' in kept and 'id="svg-inner"' in kept
    assert 'id="svg-unused"' not in kept
    assert without_unused_symbols("<p>no icons</p>") == "<p>no icons</p>"


def test_indentation_goes_but_not_inside_pre_code_script_or_text() -> None:
    page = (
        "<div>\n    <p>Some\n   words <em>x</em>\n  <em>y</em></p>\n"
        "<pre>a\n    indented</pre>\n"
        '<code class="literal">b\n    c</code>\n'
        "<script>\n    let s = `\n    kept`;\n</script>\n"
        '<a title="one\n    two">z</a>\n  </div>'
    )
    assert without_indentation(page) == (
        "<div>\n<p>Some\n   words <em>x</em>\n<em>y</em></p>\n"
        "<pre>a\n    indented</pre>\n"
        '<code class="literal">b\n    c</code>\n'
        "<script>\n    let s = `\n    kept`;\n</script>\n"
        '<a title="one\n    two">z</a>\n</div>'
    )


#: furo's code-colour block, as its template writes it.
CODE_COLOURS = (
    "<style>\n  body {\n    --color-code-background: #f2f2f2;\n"
    "  --color-code-foreground: #1e1e1e;\n  \n  }\n  @media not print {\n"
    '    body[data-theme="dark"] {\n      --color-code-background: #202020;\n'
    "  --color-code-foreground: #d0d0d0;\n    }\n  }\n</style>\n"
)


def test_code_colours_go_only_from_pages_without_code() -> None:
    other = "<style>body { --color-brand-primary: red; }</style>"
    page = f"<head>{CODE_COLOURS}{other}</head><body><p>words</p></body>"
    assert without_code_colours(page) == f"<head>{other}</head><body><p>words</p></body>"
    # A code block, highlighted or literal, keeps the colours.
    for code in ('<div class="highlight"><pre>x = 1</pre></div>', "<pre>literal</pre>"):
        with_code = f"<head>{CODE_COLOURS}</head><body>{code}</body>"
        assert without_code_colours(with_code) == with_code
    # A <style> block that sets anything else, or nothing, stays.
    mixed = "<style>body { --color-code-background: #fff; color: red; --x: 1 }</style>"
    assert without_code_colours(mixed) == mixed
    assert without_code_colours("<style></style>") == "<style></style>"


def test_the_rewrite_is_idempotent() -> None:
    page = SPRITE + '<div>\n  <svg><use href="#svg-used"></use></svg>\n</div>'
    assert slim(slim(page)) == slim(page)


# -- The toolkit's script bundle (writers/page_assets.minify_js) ---------------------------------


def test_minified_script_keeps_literals_and_the_words_apart() -> None:
    source = (
        "// a comment line\n"
        "const a = 'it\\'s // not a comment' + \"/* nor this */\";\n"
        "  const re = /[/\\]]+\\/x/g, half = a.length / 2 / 1; /* gone */\n"
        "const t = `x ${ {a: `y ${ 'z' }`}.a } // kept`;\n"
        "if (a) {\n  return typeof a;\n}\n"
        "let b = a + +1 - -1;\n"
        "function f() {\n  return\n  1;\n}\n"
    )
    assert minify_js(source) == (
        "const a='it\\'s // not a comment'+\"/* nor this */\";"
        "const re=/[/\\]]+\\/x/g,half=a.length/2/1;"
        "const t=`x ${ {a: `y ${ 'z' }`}.a } // kept`;"
        "if(a){return typeof a;}\n"
        "let b=a+ +1- -1;"
        "function f(){return\n1;}\n"
    )


def test_a_stylesheet_link_loses_its_default_type_only() -> None:
    page = (
        '<link rel="stylesheet" type="text/css" href="_static/a.css?v=1a2b3c4d" />\n'
        '<link rel="preload" type="text/css" href="_static/b.css" />\n'
        "<pre>&lt;link rel=&quot;stylesheet&quot; type=&quot;text/css&quot;&gt;</pre>\n"
    )
    assert slim(page).splitlines() == [
        '<link rel="stylesheet" href="_static/a.css?v=1a2b3c4d" />',
        '<link rel="preload" type="text/css" href="_static/b.css" />',
        "<pre>&lt;link rel=&quot;stylesheet&quot; type=&quot;text/css&quot;&gt;</pre>",
    ]
    assert slim(slim(page)) == slim(page)
