# A project linking to every kind of answer of the test server (tests/test_linkcheck.py).
# @BASE@, @ONCE@, @BUSY@ and @REFUSED@ are replaced by the test with loopback addresses.
extensions = ["critical_edition"]
root_doc = "index"
source_suffix = {".md": "markdown"}
exclude_patterns = ["_build"]
bibtex_bibfiles = ["refs.bib"]

# Short bounds, so that the run is fast and its duration predictable.
linkcheck_timeout = 1
linkcheck_retries = 1
linkcheck_workers = 4
linkcheck_rate_limit_timeout = 2.0
linkcheck_anchors = True
linkcheck_allowed_redirects = {
    r"http://127\.0\.0\.1:\d+/moved$": r"http://127\.0\.0\.1:\d+/ok$",
    r"http://127\.0\.0\.1:\d+/doi/.*": r".*",
}
linkcheck_ignore = [r"http://127\.0\.0\.1:\d+/ignored"]
# The test server is on 127.0.0.1, which the SSRF guard would refuse.
edition_linkcheck_block_private = False
edition_linkcheck_doi_resolver = "@BASE@/doi/"
