"""The command line (outside Sphinx): ``critical-edition check | new | linkcheck-report``."""
