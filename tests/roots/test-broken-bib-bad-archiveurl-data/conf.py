extensions = ["critical_edition"]
nitpicky = True
html_theme = "basic"
bibtex_bibfiles = ["refs.bib"]
bibtex_reference_style = "author_year"
bibtex_default_style = "edition"
edition_lint_attributions = False
