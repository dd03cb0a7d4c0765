extensions = ["critical_edition"]
nitpicky = True
html_theme = "furo"
bibtex_bibfiles = ["refs.bib"]
bibtex_reference_style = "author_year"
bibtex_default_style = "plain"
edition_lint_attributions = False
