"""A site with every kind of node the censuses gate a transform on, and a page with none."""

project = "Node census"
extensions = ["myst_parser", "sphinx_design", "critical_edition.speedups.census"]
html_theme = "furo"
