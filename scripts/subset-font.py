"""Make the edition's text face: EB Garamond subset to the characters of the edition, as WOFF2.

The result is committed under ext/critical_edition/static/fonts/ (see README.txt there), so a
build needs neither this script nor fontTools. Run it again when the edition's text gains
characters the subset lacks:

    apt-get download fonts-ebgaramond && dpkg -x fonts-ebgaramond_*.deb /tmp/ebg
    .venv/bin/pip install fonttools brotli
    .venv/bin/python scripts/subset-font.py /tmp/ebg/usr/share/fonts/opentype/ebgaramond

Characters kept: printable ASCII, the typographic punctuation the edition uses, and every
character of the edition's sources (docs/**/*.md and refs.bib). OpenType features kept: kerning,
ligatures and the old-style proportional figures, so that the CSS's ``font-variant-numeric:
oldstyle-nums proportional-nums`` has glyphs to select.
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "ext" / "critical_edition" / "static" / "fonts"
FACES = {
    "EBGaramond12-Regular.otf": "edition-text-regular.woff2",
    "EBGaramond12-Italic.otf": "edition-text-italic.woff2",
}
#: The text asks for old-style proportional figures (reading.css); lining and tabular figures
#: (lnum, tnum) are left out: the parts that use them (tables, cards, paragraph numbers) are
#: set in the theme's sans-serif.
FEATURES = ["kern", "liga", "onum", "pnum", "ccmp", "locl"]


def edition_characters() -> str:
    """Every character of the edition's sources, with ASCII and common punctuation."""
    text = "".join(chr(c) for c in range(0x20, 0x7F)) + "‘’“”–—…·•§¶†‡°×−‹›«»"
    # The letters of Turkish and Azerbaijani names, whether or not the text has them yet.
    text += "ÇçĞğİıÖöŞşÜüƏə"
    sources = [*sorted((ROOT / "docs").rglob("*.md")), ROOT / "refs.bib"]
    text += "".join(path.read_text(encoding="utf-8") for path in sources)
    # Letters only need their own glyphs; control and private-use characters are left out.
    return "".join(sorted({c for c in text if c.isprintable() and not 0xE000 <= ord(c) <= 0xF8FF}))


def main(font_dir: str) -> None:
    """Subset each face of *font_dir* into OUT."""
    characters = edition_characters()
    for source, target in FACES.items():
        options = subset.Options()
        options.flavor = "woff2"
        options.layout_features = FEATURES
        # The names and version, and the licence's address (14); its full text (13) would add
        # 2 KB to each face and is in OFL.txt beside them.
        options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 14]
        options.notdef_outline = True
        options.hinting = False  # screens at text sizes render CFF outlines well unhinted
        options.desubroutinize = True  # compresses better in WOFF2
        font = subset.load_font(str(Path(font_dir) / source), options)
        subsetter = subset.Subsetter(options)
        subsetter.populate(text=characters)
        subsetter.subset(font)
        subset.save_font(font, str(OUT / target), options)
        print(f"{target}: {(OUT / target).stat().st_size} bytes, {len(characters)} characters")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/usr/share/fonts/opentype/ebgaramond")
