"""Template cache (builder-inited): the theme's Jinja templates compiled once, not in every build.

Sphinx's HTML builders compile each Jinja template they render (furo's page, base, sidebar and
index templates) anew in every process: in a rebuild of the edition that changed nothing,
compiling them was a tenth of the time. Jinja can keep compiled templates between processes
(``jinja2.FileSystemBytecodeCache``, a public API); this gives Sphinx's template environment one,
in the doctree directory. Each entry holds the checksum of its template's source and is
compiled again when the source changes (an edited or upgraded theme); the folder is named
after the Jinja, Sphinx and Python versions and the environment's compilation settings, so
that no entry outlives the code that compiled it. The output is the same with and without the
cache: the same source compiled by the same Jinja (``tests/test_speedups_guard.py``).

Set the environment variable ``CRITICAL_EDITION_TEMPLATECACHE=0`` to compile every template in
every build, as Sphinx does. Only public APIs are used (the builder's ``templates.environment``
and Jinja's cache), so unlike the other speed-ups it needs no guard on the releases installed.
"""

from __future__ import annotations

import hashlib
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
import sphinx

from critical_edition.speedups import versions

if TYPE_CHECKING:
    from sphinx.application import Sphinx

#: Set to ``0`` to switch the cache off.
SWITCH = "CRITICAL_EDITION_TEMPLATECACHE"
#: The folder of the cache, in the doctree directory (one sub-folder per compiler).
CACHE_DIR = "critical_edition_templates"


def enabled() -> bool:
    """Whether the cache is on (unless ``CRITICAL_EDITION_TEMPLATECACHE=0``)."""
    return versions.switched_on(SWITCH)


def compiler_stamp(environment: jinja2.Environment) -> str:
    """What compiled code depends on besides the source: versions and the environment's
    syntax and compilation settings."""
    autoescape = environment.autoescape
    parts = (
        jinja2.__version__,
        sphinx.__version__,
        sys.version,
        sorted(environment.extensions),
        environment.block_start_string,
        environment.block_end_string,
        environment.variable_start_string,
        environment.variable_end_string,
        environment.comment_start_string,
        environment.comment_end_string,
        environment.line_statement_prefix,
        environment.line_comment_prefix,
        environment.trim_blocks,
        environment.lstrip_blocks,
        environment.newline_sequence,
        environment.keep_trailing_newline,
        environment.optimized,
        autoescape if isinstance(autoescape, bool) else "function",
        type(environment).__qualname__,
    )
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()[:16]


def install(app: Sphinx) -> None:
    """Give the HTML builder's template environment the cache (``builder-inited``)."""
    environment: Any = getattr(getattr(app.builder, "templates", None), "environment", None)
    if not isinstance(environment, jinja2.Environment) or not enabled():
        return
    if environment.bytecode_cache is not None:
        return  # someone else's cache: left as it is
    root = Path(app.doctreedir) / CACHE_DIR
    folder = root / compiler_stamp(environment)
    if root.is_dir():
        # Templates compiled by another Jinja, Sphinx or Python are never read again.
        for stale in root.iterdir():
            if stale != folder:
                shutil.rmtree(stale, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)
    environment.bytecode_cache = jinja2.FileSystemBytecodeCache(str(folder))
    compile_strings_through(environment, environment.bytecode_cache)


def compile_strings_through(environment: Any, cache: jinja2.BytecodeCache) -> None:
    """Let *cache* keep templates compiled from a string too.

    Jinja reads its cache only for templates its loader finds by name; Sphinx renders the
    theme's static templates (``documentation_options.js_t``, ``language_data.js_t``...)
    from their text (``render_string``, ``Environment.from_string``), compiled anew in every
    build. A string's entry is named after a digest of its text, and holds that text's
    checksum like any other entry.
    """
    original = environment.compile

    def compile_string(
        source: Any,
        name: str | None = None,
        filename: str | None = None,
        raw: bool = False,
        defer_init: bool = False,
    ) -> Any:
        if name is not None or filename is not None or raw or not isinstance(source, str):
            return original(source, name, filename, raw, defer_init)
        digest = hashlib.sha256(source.encode("utf-8")).hexdigest()
        bucket = cache.get_bucket(environment, "<string>", f"{digest}:{defer_init}", source)
        if bucket.code is None:
            bucket.code = original(source, defer_init=defer_init)
            cache.set_bucket(bucket)
        return bucket.code

    environment.compile = compile_string


def register(app: Sphinx) -> None:
    """Connect the cache to ``builder-inited`` (the builder's templates exist by then)."""
    app.connect("builder-inited", install)
