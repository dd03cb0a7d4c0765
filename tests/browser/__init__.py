"""Helpers of the browser and HTML-integrity tests (tests/test_browser.py, tests/test_html_integrity.py)."""
