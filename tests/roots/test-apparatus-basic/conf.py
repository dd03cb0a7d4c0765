extensions = ["critical_edition"]
bibtex_bibfiles = ["refs.bib"]
bibtex_reference_style = "edition"
bibtex_default_style = "edition"
bibtex_cite_id = "bib-{key}"
myst_enable_extensions = ["colon_fence"]
nitpicky = True
edition_lint_attributions = False
latex_engine = "xelatex"
latex_documents = [("index", "apparatus.tex", "Apparatus test", "Editors", "howto")]
latex_elements = {
    "cmappkg": "",
    "geometry": r"\usepackage[a4paper,left=2.5cm,right=6.5cm,marginparwidth=5cm,marginparsep=6mm]{geometry}",
}
# The edition proper; guide.md shows the markup without being listed.
edition_apparatus_documents = ["text", "second", "about"]
# Written wholly by the editors: its citations are theirs.
edition_editorial_documents = ["about"]
