extensions = ["critical_edition"]
bibtex_bibfiles = ["refs.bib"]
nitpicky = True
