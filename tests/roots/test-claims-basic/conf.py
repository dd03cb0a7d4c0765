"""The claims' example project, written out in full: the browser and HTML tests build it
with sphinx-build in a process of its own, where tests/presets.py is not importable."""

extensions = ["critical_edition"]
bibtex_bibfiles = ["refs.bib"]
bibtex_reference_style = "author_year"
nitpicky = True
myst_enable_extensions = ["colon_fence"]
