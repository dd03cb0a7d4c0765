extensions = ["critical_edition"]
bibtex_bibfiles = ["refs.bib"]
bibtex_reference_style = "author_year"
nitpicky = True
myst_enable_extensions = ["colon_fence"]
