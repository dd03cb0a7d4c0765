#!/usr/bin/env bash
# Install the Debian packages the project's builds and tests need, in two groups:
#   pdf      XeLaTeX, latexmk, the LaTeX packages Sphinx loads, fonts covering the edition's
#            Turkish and Azerbaijani text, xindy (index sorting) and poppler-utils (pdftotext,
#            pdffonts, pdftoppm: the PDF tests and checks)
#   browser  Debian's Chromium, driven by Playwright (no browser download), and Java for the
#            Nu HTML Checker (vnu.jar) when none is installed (tests/test_browser.py and
#            tests/test_html_integrity.py)
#
#   scripts/install-system-deps.sh                      install both groups (as root)
#   scripts/install-system-deps.sh --if-missing [pdf]   install only when something of the
#                                                       group (default: both) is missing; not
#                                                       root: one message naming the packages
#   scripts/install-system-deps.sh --check [pdf]        exit 1 when something is missing
set -euo pipefail

PDF_PACKAGES=(
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
BROWSER_PACKAGES=(chromium fonts-dejavu-core)
command -v java >/dev/null 2>&1 || BROWSER_PACKAGES+=(default-jre-headless)

# Witnesses of the pdf group: commands on PATH, LaTeX files kpsewhich finds, fonts fontconfig
# finds (XeTeX looks fonts up the same way).
missing_pdf() {
  local item
  for item in xelatex latexmk xindy kpsewhich fc-list pdftotext pdffonts pdftoppm; do
    command -v "$item" >/dev/null 2>&1 || { echo "$item"; return 0; }
  done
  for item in fontspec.sty polyglossia.sty titlesec.sty tabulary.sty newunicodechar.sty \
      xurl.sty tgtermes.sty; do
    [ -n "$(kpsewhich "$item" 2>/dev/null)" ] || { echo "$item"; return 0; }
  done
  for item in FreeSerif FreeSans FreeMono; do
    fc-list -q "$item" || { echo "the $item font"; return 0; }
  done
  return 0
}

missing_browser() {
  local item
  for item in chromium java; do
    command -v "$item" >/dev/null 2>&1 || { echo "$item"; return 0; }
  done
  return 0
}

mode="${1:-install}"
group="${2:-all}"
case "$group" in
  pdf) packages=("${PDF_PACKAGES[@]}") ;;
  all) packages=("${PDF_PACKAGES[@]}" "${BROWSER_PACKAGES[@]}") ;;
  *) echo "usage: $0 [--check|--if-missing] [pdf|all]" >&2; exit 2 ;;
esac
missing() {
  local what
  what="$(missing_pdf)"
  if [ -z "$what" ] && [ "$group" = all ]; then what="$(missing_browser)"; fi
  echo "$what"
}

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
  *) echo "usage: $0 [--check|--if-missing] [pdf|all]" >&2; exit 2 ;;
esac

if [ "$(id -u)" -ne 0 ]; then
  echo "Missing ${what:-system packages}; as root run: apt-get install -y" \
    "--no-install-recommends ${packages[*]} (or: sudo $0)" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends "${packages[@]}"
