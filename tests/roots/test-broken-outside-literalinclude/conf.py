extensions = ["critical_edition"]
nitpicky = True
html_theme = "basic"
bibtex_bibfiles = ["refs.bib"]
bibtex_reference_style = "author_year"
bibtex_default_style = "plain"
edition_lint_attributions = False
myst_enable_extensions = ["colon_fence"]
