"""A furo site whose sidebar exercises every case of the navigation cache."""

project = "Navigation"
extensions = ["myst_parser", "critical_edition.speedups.navigation"]
source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
html_theme = "furo"
html_last_updated_fmt = None
