# A tiny edition exercising every macro of critical-edition.sty in every context.
extensions = ["critical_edition"]
root_doc = "index"
bibtex_bibfiles = ["refs.bib"]
project = "Macro test"
author = "Ayça Ergun"
latex_engine = "xelatex"
latex_documents = [("index", "macros.tex", "Macro test", "Ayça Ergun", "howto")]
latex_elements = {
    "cmappkg": "",
    "geometry": r"\usepackage[a4paper,left=2.5cm,right=6.5cm,marginparwidth=5cm,marginparsep=6mm]{geometry}",
}
# The sentences talk about claims without being claims.
suppress_warnings = ["edition.claim_unmarked"]
