# A project linking to loopback, local and link-local hosts: the SSRF guard (on by default)
# must request none of them.
extensions = ["critical_edition"]
root_doc = "index"
source_suffix = {".md": "markdown"}
exclude_patterns = ["_build"]
bibtex_bibfiles = ["refs.bib"]

linkcheck_timeout = 1
linkcheck_retries = 1
