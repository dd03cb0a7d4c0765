# A project whose only web link points at a closed port on 127.0.0.1 (connection refused).
extensions = ["critical_edition"]
root_doc = "index"
source_suffix = {".md": "markdown"}
exclude_patterns = ["_build"]
bibtex_bibfiles = ["refs.bib"]

linkcheck_timeout = 1
linkcheck_retries = 2
edition_linkcheck_block_private = False
