"""Inventory cache (write phase's end, the builder's dump_inventory): objects.inv kept when unchanged.

Sphinx's HTML builder writes ``objects.inv`` (the inventory other sites link through) at the end
of every build: every object of every domain, sorted, one line each, compressed with zlib at
its highest level. Compressing the edition's 5,000 lines (700 kB) is most of that work, and in
a rebuild after a prose edit the inventory is the last build's to the byte: no object, title
or address changed.

Here the lines are made exactly as Sphinx 9.0 makes them (``InventoryFile.dump``:
:func:`content`); a digest of them is kept in the doctree directory (:data:`FILE_NAME`) with
the digest of the file they were compressed into. When the lines are the last build's and the
file still holds the bytes written then, the file is left as it is; otherwise they are
compressed and written as Sphinx does (the whole text at once, which zlib compresses to the
same bytes as Sphinx's line-by-line calls). The kept digests are keyed on the releases of
Sphinx and of the zlib library, Python's, and the toolkit's code: any change writes afresh.

The output is byte-identical with and without the cache (``tests/test_inventory.py`` builds
both ways, and checks that Sphinx's function is still the code this module was written
against). Any Sphinx site may load it (``critical_edition.speedups.inventory``). Set the
environment variable ``CRITICAL_EDITION_INVENTORY=0`` to have Sphinx write the file in every
build; it stands aside on a Sphinx release the tests do not cover (:mod:`.versions`).

Upstream: Sphinx writes the inventory anew in every build; no issue asking otherwise was found
when this was written. Delete this module if Sphinx learns to skip an unchanged inventory.
"""

from __future__ import annotations

import hashlib
import re
import sys
import zlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sphinx.locale import __
from sphinx.util.display import progress_message
from sphinx.util.inventory import InventoryFile

from critical_edition.core import atomic, keptmaps
from critical_edition.core.codestamp import code_stamp
from critical_edition.speedups import versions

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata

#: Set to ``0`` to have Sphinx write the inventory in every build.
SWITCH = "CRITICAL_EDITION_INVENTORY"
#: The file, in the builder's doctree directory, holding the digests between builds.
FILE_NAME = "critical_edition_inventory.json"
#: The file's layout; a file of another layout is ignored.
FILE_FORMAT = 1
#: The inventory's name in the output (Sphinx's ``INVENTORY_FILENAME``).
INVENTORY = "objects.inv"
#: Sphinx's own writer of the file (the class's attribute, as imported): another in its
#: place is left to work.
_SPHINX_DUMP = InventoryFile.__dict__.get("dump")


def enabled() -> bool:
    """Whether the cache is on: unless ``CRITICAL_EDITION_INVENTORY=0``, and only on the
    Sphinx releases the tests cover."""
    return versions.switched_on(SWITCH) and versions.covered("inventory cache", "sphinx")


def _escape(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def content(env: Any, builder: Any) -> tuple[bytes, bytes]:
    """The inventory's header and its lines before compression, as Sphinx 9.0's
    ``InventoryFile.dump`` makes them."""
    header = (
        "# Sphinx inventory version 2\n"
        f"# Project: {_escape(env.config.project)}\n"
        f"# Version: {_escape(env.config.version)}\n"
        "# The remainder of this file is compressed using zlib.\n"
    ).encode()
    lines: list[str] = []
    for domain in env.domains.sorted():
        for fullname, dispname, kind, docname, anchor, prio in sorted(domain.get_objects()):
            if anchor.endswith(fullname):
                # Sphinx shortens the anchor that ends with the name.
                anchor = anchor.removesuffix(fullname) + "$"
            uri = builder.get_target_uri(docname)
            if anchor:
                uri += "#" + anchor
            if dispname == fullname:
                dispname = "-"
            lines.append(f"{fullname} {domain.name}:{kind} {prio} {uri} {dispname}\n")
    return header, "".join(lines).encode()


def file_key() -> str:
    """Everything the compressed bytes depend on besides the lines, digested."""
    parts = (
        FILE_FORMAT,
        versions.installed_version("sphinx"),
        zlib.ZLIB_RUNTIME_VERSION,
        sys.version,
        code_stamp(),
    )
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()


def dump(builder: Any) -> bool:
    """Write the builder's inventory unless the file holds it already; whether it wrote."""
    path = Path(builder.outdir) / INVENTORY
    kept_path = Path(builder.doctreedir) / FILE_NAME
    header, body = content(builder.env, builder)
    lines = hashlib.sha256(header + b"\0" + body).hexdigest()
    key = file_key()
    kept = keptmaps.read_map(kept_path, file_format=FILE_FORMAT, key=key, name="digests", limit=2)
    if kept.get("lines") == lines and kept.get("output") == atomic.file_digest(path):
        return False
    compressor = zlib.compressobj(9)
    data = header + compressor.compress(body) + compressor.flush()
    atomic.write_bytes(path, data)
    digests = {"lines": lines, "output": hashlib.sha256(data).hexdigest()}
    keptmaps.write_map(kept_path, digests, file_format=FILE_FORMAT, key=key, name="digests")
    return True


def _stock(builder: Any) -> bool:
    """Whether *builder* writes its inventory as Sphinx's HTML builder does: its class keeps
    the HTML builder's ``dump_inventory``, and Sphinx's ``InventoryFile.dump`` is the function
    it was when this module was imported (no builder or extension writes its own)."""
    from sphinx.builders.html import StandaloneHTMLBuilder

    return (
        isinstance(builder, StandaloneHTMLBuilder)
        and type(builder).dump_inventory is StandaloneHTMLBuilder.dump_inventory
        and InventoryFile.__dict__.get("dump") is _SPHINX_DUMP
    )


def install(app: Sphinx) -> None:
    """Have the HTML builder write its inventory through :func:`dump` (``builder-inited``);
    a builder or extension that writes its own is left to it."""
    builder: Any = app.builder
    if not enabled() or not _stock(builder):
        return

    def dump_inventory() -> None:
        # Sphinx's own progress line, said whether or not the file is written.
        with progress_message(__("dumping object inventory")):
            dump(builder)

    setattr(builder, "dump_inventory", dump_inventory)  # noqa: B010


def setup(app: Sphinx) -> ExtensionMetadata:
    """Write ``objects.inv`` only when it changed.

    Part of the toolkit, and an extension of its own for any Sphinx site
    (``critical_edition.speedups.inventory``).
    """
    app.connect("builder-inited", install)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
