"""A site with each sphinx-design component the design scan skips for, and a page with none."""

project = "Design scan"
extensions = ["myst_parser", "sphinx_design", "critical_edition.speedups.design"]
myst_enable_extensions = ["colon_fence"]
html_theme = "basic"
