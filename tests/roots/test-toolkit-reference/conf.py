extensions = ["critical_edition"]
bibtex_bibfiles = ["refs.bib"]
nitpicky = True
# The tests compare the tables' text with the code's strings, quotes included.
smartquotes = False
