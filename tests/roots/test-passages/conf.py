extensions = ["critical_edition"]
bibtex_bibfiles = ["refs.bib"]
myst_enable_extensions = ["colon_fence"]
nitpicky = True
edition_lint_attributions = False
project = "A test edition"
release = "2.1"
latex_engine = "xelatex"
latex_documents = [("index", "passages.tex", "Passages test", "Editors", "howto")]
# The text's paragraphs are numbered; the guide's are not.
edition_passage_documents = ["text"]
