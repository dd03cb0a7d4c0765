"""A small edition for tests/test_interrupted.py, with a test-only kill switch.

``EDITION_TEST_KILL_AT=<event>`` or ``<event>:<docname>`` makes the build send itself SIGKILL
when Sphinx emits that event (for that document), so that the test interrupts a build at a
known point of its run instead of relying on timing.
"""

import os
import signal

project = "Interrupted"
extensions = ["critical_edition"]
html_theme = "basic"
bibtex_bibfiles = ["refs.bib"]
bibtex_reference_style = "author_year"
bibtex_default_style = "plain"
nitpicky = True
myst_enable_extensions = ["colon_fence"]
edition_report_dir = "_report"

_KILL_AT = os.environ.get("EDITION_TEST_KILL_AT", "")


def _kill(*args):
    os.kill(os.getpid(), signal.SIGKILL)


def _kill_for(docname):
    def handler(app, *args):
        if app.env.docname == docname or docname in args:
            _kill()

    return handler


def setup(app):
    if not _KILL_AT:
        return
    event, _, docname = _KILL_AT.partition(":")
    # Priority 1: before the toolkit's own handlers of the same event.
    app.connect(event, _kill_for(docname) if docname else _kill, priority=1)
