#!/usr/bin/env bash
# Install the Debian packages the PDF edition needs: XeLaTeX, latexmk, the LaTeX packages
# Sphinx loads, fonts covering the edition's Turkish and Azerbaijani text, xindy (index
# sorting) and poppler-utils (pdftotext, pdffonts, pdftoppm: the PDF tests and checks).
#
#   scripts/install-system-deps.sh               install (as root)
#   scripts/install-system-deps.sh --if-missing  install only when a tool or file is missing;
#                                                not root: one message naming the packages
#   scripts/install-system-deps.sh --check       exit 1 when something is missing
set -euo pipefail

PACKAGES=(
  texlive-xetex
  latexmk
  texlive-latex-recommended
  texlive-latex-extra
  texlive-fonts-recommended
  fonts-freefont-otf
  tex-gyre
  xindy
  poppler-utils
)

# Witnesses of the packages: commands on PATH, LaTeX files kpsewhich finds, fonts fontconfig
# finds (XeTeX looks fonts up the same way).
missing() {
  local item
  for item in xelatex latexmk xindy kpsewhich fc-list pdftotext pdffonts pdftoppm; do
    command -v "$item" >/dev/null 2>&1 || { echo "$item"; return 0; }
  done
  for item in fontspec.sty polyglossia.sty titlesec.sty tabulary.sty newunicodechar.sty \
      tgtermes.sty; do
    [ -n "$(kpsewhich "$item" 2>/dev/null)" ] || { echo "$item"; return 0; }
  done
  for item in FreeSerif FreeSans FreeMono; do
    fc-list -q "$item" || { echo "the $item font"; return 0; }
  done
  return 0
}

mode="${1:-install}"
case "$mode" in
  --check)
    what="$(missing)"
    if [ -n "$what" ]; then echo "missing: $what" >&2; exit 1; fi
    exit 0
    ;;
  --if-missing)
    what="$(missing)"
    [ -z "$what" ] && exit 0
    ;;
  install) what="" ;;
  *) echo "usage: $0 [--check|--if-missing]" >&2; exit 2 ;;
esac

if [ "$(id -u)" -ne 0 ]; then
  echo "The PDF edition needs ${what:-these packages}; as root run: apt-get install -y" \
    "--no-install-recommends ${PACKAGES[*]} (or: sudo $0)" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends "${PACKAGES[@]}"
# Browser tests (tests/test_browser.py, tests/test_html_integrity.py): Debian's Chromium, driven by Playwright (no browser download), and Java for the Nu HTML Checker (vnu.jar) when absent.
apt-get install -y --no-install-recommends chromium fonts-dejavu-core $(command -v java >/dev/null 2>&1 || echo default-jre-headless)
