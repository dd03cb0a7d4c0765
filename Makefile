# The edition's commands. `make html` and `make test` are all a new machine needs.
# Every target creates the virtual environment on first use.

PYTHON      ?= python3
VENV        ?= .venv
BIN         := $(VENV)/bin
SPHINXBUILD := $(BIN)/sphinx-build
DOCS        := docs
BUILD       := $(DOCS)/_build
# -n: every unresolved reference warns; -W: any warning fails; --keep-going: report them all.
STRICT      := -n -W --keep-going
STAMP       := $(VENV)/.installed

.PHONY: help html test lint check pdf pdf-deps epub tei linkcheck serve bench clean distclean

help:
	@echo "make html       build the HTML edition into $(BUILD)/html (strict)"
	@echo "make test       run the whole test suite (lint, type checks, tests)"
	@echo "make check      strict build plus the integrity report"
	@echo "make pdf        build the PDF edition (XeLaTeX) into $(BUILD)/latex/$(LATEXNAME).pdf"
	@echo "make epub       build the EPUB edition into $(BUILD)/epub/$(LATEXNAME).epub"
	@echo "make tei        build the TEI P5 edition into $(BUILD)/tei/$(LATEXNAME).xml"
	@echo "make pdf-deps   install XeLaTeX, fonts and poppler-utils if missing (Debian, as root)"
	@echo "make linkcheck  check every external link and write a report"
	@echo "make serve      live-reloading preview on http://127.0.0.1:8000"
	@echo "make bench      benchmark the toolkit on synthetic editions"

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,lint,serve,browser]'
	touch $(STAMP)

html: $(STAMP)
	$(SPHINXBUILD) $(STRICT) -b html $(DOCS) $(BUILD)/html

# Integrity check: a fresh strict build (-n -W --keep-going -E) plus the integrity report:
# located warnings, a one-line summary, integrity.json and integrity.sarif in $(BUILD)/check/report.
check: $(STAMP)
	$(BIN)/python -m critical_edition check $(DOCS) --out-dir $(BUILD)/check

lint: $(STAMP)
	$(BIN)/ruff check ext tests
	$(BIN)/ruff format --check ext tests
	$(BIN)/mypy

test: $(STAMP) lint
	$(BIN)/python -m pytest

# Link check: every external link of the edition (text, footnotes, refs.bib), with a report in
# $(BUILD)/linkcheck/linkreport.txt and linkreport.json (README.md, "Link check"). Not strict:
# a redirect warns but does not fail. sphinx-build exits 0 when every link is verified, 1 when
# one is broken, 3 when nothing is broken but some links are unreachable or timed out; make
# reports any failure as its own status 2, so the verdict is in the report (and its last line).
# Extra options: make linkcheck LINKCHECKOPTS="-D edition_linkcheck_unverified_fails=0"
LINKCHECKOPTS ?=
linkcheck: $(STAMP)
	$(SPHINXBUILD) -b linkcheck $(LINKCHECKOPTS) $(DOCS) $(BUILD)/linkcheck

serve: $(STAMP)
	$(BIN)/sphinx-autobuild --host 127.0.0.1 --port 8000 --watch ext/critical_edition --watch refs.bib $(DOCS) $(BUILD)/serve

# PDF: Sphinx writes the .tex, then its own Makefile runs latexmk with XeLaTeX (latex_engine in
# docs/conf.py). The TeX packages, fonts and poppler-utils come from Debian: pdf-deps installs
# them when one is missing (as root), else stops naming the packages.
LATEXNAME   := ergun-valiyev-2020-critical-edition
LATEXOPTS   ?= -interaction=nonstopmode -halt-on-error -file-line-error
LATEXMKOPTS ?= -silent

pdf-deps:
	@scripts/install-system-deps.sh --if-missing pdf

pdf: $(STAMP) pdf-deps
	$(SPHINXBUILD) $(STRICT) -b latex $(DOCS) $(BUILD)/latex
	$(MAKE) -C $(BUILD)/latex all-pdf LATEXOPTS="$(LATEXOPTS)" LATEXMKOPTS="$(LATEXMKOPTS)"
	@echo "PDF: $(BUILD)/latex/$(LATEXNAME).pdf"

# EPUB: the same edition, with the metadata in docs/conf.py. Its doctrees live outside the
# output folder, which the EPUB builder packs whole.
epub: $(STAMP)
	$(SPHINXBUILD) $(STRICT) -b epub -d $(BUILD)/doctrees-epub $(DOCS) $(BUILD)/epub
	@echo "EPUB: $(BUILD)/epub/$(LATEXNAME).epub"

# Benchmark: synthetic editions at 1x, 10x and 50x the paper, built with the toolkit, with
# stock sphinxcontrib-bibtex and with plain Sphinx; prints a table of ratios and writes
# bench/_runs/results.json (README.md, "Performance"). About 8 minutes on 2 cores.
# Extra options: make bench BENCHOPTS="--quick" (1x and 10x), "--repeat 3", "--profile 50".
BENCHOPTS ?=
bench: $(STAMP)
	$(BIN)/python bench/run.py $(BENCHOPTS)

clean:
	rm -rf $(BUILD)

distclean: clean
	rm -rf $(VENV) *.egg-info ext/*.egg-info

# TEI: the whole edition as one TEI P5 document, $(BUILD)/tei/$(LATEXNAME).xml (docs/guide/data.md).
tei: $(STAMP)
	$(SPHINXBUILD) $(STRICT) -b tei $(DOCS) $(BUILD)/tei
	@echo "TEI: $(BUILD)/tei/$(LATEXNAME).xml"
