extensions = ["critical_edition"]
bibtex_bibfiles = ["refs.bib"]
myst_enable_extensions = ["colon_fence"]
nitpicky = True
