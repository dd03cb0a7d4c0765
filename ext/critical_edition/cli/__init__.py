"""The command line (outside Sphinx): ``critical-edition check | new | linkreport | diff``."""
