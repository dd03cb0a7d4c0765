"""A site with every kind of node the census gates a transform on, and a page with none."""

project = "Node census"
extensions = ["sphinx_design", "critical_edition.speedups.census"]
html_theme = "furo"
