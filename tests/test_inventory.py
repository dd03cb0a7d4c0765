"""The inventory cache (critical_edition.speedups.inventory) changes speed, never output.

- Sphinx's code it reproduces (``InventoryFile.dump``) and the builder's call of it are still
  what the module was written against.
- ``test-claims-basic`` builds byte-identically with the cache on and off; a prose edit leaves
  the file as it is (not written again), an edit that adds an object or a damaged file writes
  it again, as Sphinx would.
"""

from __future__ import annotations

import hashlib
import inspect
import shutil
import zlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from critical_edition.speedups import inventory
from helpers import build, edit, warnings_of
from sphinx.builders.html import StandaloneHTMLBuilder
from sphinx.util.inventory import InventoryFile

if TYPE_CHECKING:
    from sphinx.testing.util import SphinxTestApp

ROOT = "test-claims-basic"


def _source_digest(function: Any) -> str:
    return hashlib.sha256(inspect.getsource(function).encode()).hexdigest()


def test_sphinx_still_writes_the_inventory_as_the_cache_does() -> None:
    # A failure here means Sphinx changed how it writes objects.inv: compare its new code with
    # inventory.content and dump, then update the digests.
    assert _source_digest(InventoryFile.dump) == (
        "d3ed5c58a15e61f9ba6f172eb4aee1754dbc6a0c714f825fe89afac9a3ca62b2"
    )
    assert _source_digest(StandaloneHTMLBuilder.dump_inventory) == (
        "28081b8424274fdb682fb09b45027628cd6287ab2c577089c38aa936fdbcc033"
    )
    assert _source_digest(StandaloneHTMLBuilder.handle_finish) == (
        "447f866b8fe9fcc959f287dfa15e3f6f643c2f2a52d556add04bbdec82a18e85"
    )


def test_zlib_compresses_the_whole_text_as_it_does_line_by_line() -> None:
    lines = [
        f"claim-{n} ed:claim 2 claims.html#claim-$ Speaker {n}: “words”\n" for n in range(3000)
    ]
    chunked = zlib.compressobj(9)
    by_line = b"".join(chunked.compress(line.encode()) for line in lines) + chunked.flush()
    whole = zlib.compressobj(9)
    assert whole.compress("".join(lines).encode()) + whole.flush() == by_line


@pytest.fixture
def srcdir(rootdir: Path, tmp_path: Path) -> Path:
    src = tmp_path / "src"
    shutil.copytree(rootdir / ROOT, src)
    return src


def _inventory(app: SphinxTestApp) -> Path:
    return Path(app.outdir) / inventory.INVENTORY


def _stock(make_app: Any, srcdir: Path, builddir: Path, monkeypatch: pytest.MonkeyPatch) -> bytes:
    """objects.inv of a fresh build with the cache off."""
    with monkeypatch.context() as switched:
        switched.setenv(inventory.SWITCH, "0")
        stock = build(make_app, srcdir, builddir, freshenv=True)
    assert warnings_of(stock) == []
    assert not (Path(stock.doctreedir) / inventory.FILE_NAME).exists()
    return _inventory(stock).read_bytes()


def test_the_inventory_is_the_stock_one_and_kept_when_unchanged(
    make_app: Any, srcdir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert inventory.enabled()
    first = build(make_app, srcdir, tmp_path / "out", freshenv=True)
    assert warnings_of(first) == []
    assert (Path(first.doctreedir) / inventory.FILE_NAME).is_file()
    path = _inventory(first)
    assert path.read_bytes() == _stock(make_app, srcdir, tmp_path / "stock", monkeypatch)
    assert b"ed:claim" in zlib.decompress(path.read_bytes().split(b"zlib.\n", 1)[1])

    # A prose edit: the same objects, the file is left as it is.
    written = path.stat()
    edit(srcdir / "index.md", "Interview with an anonymous", "An interview with an anonymous")
    again = build(make_app, srcdir, tmp_path / "out")
    assert warnings_of(again) == []
    assert (path.stat().st_mtime_ns, path.stat().st_ino) == (written.st_mtime_ns, written.st_ino)
    assert path.read_bytes() == _stock(make_app, srcdir, tmp_path / "stock", monkeypatch)

    # An object added (a claim with an id): written again, as Sphinx writes it.
    edit(
        srcdir / "index.md",
        "See {ed:claim}",
        "{claim}`A new claim <actor=lavrov; verb=said; id=new-claim>`.\n\nSee {ed:claim}",
    )
    added = build(make_app, srcdir, tmp_path / "out")
    assert warnings_of(added) == []
    assert path.stat().st_mtime_ns != written.st_mtime_ns
    assert b"new-claim" in zlib.decompress(path.read_bytes().split(b"zlib.\n", 1)[1])
    assert path.read_bytes() == _stock(make_app, srcdir, tmp_path / "stock", monkeypatch)

    # A damaged or removed file is written again.
    path.write_bytes(b"damaged")
    build(make_app, srcdir, tmp_path / "out")
    assert path.read_bytes() == _stock(make_app, srcdir, tmp_path / "stock", monkeypatch)
    path.unlink()
    build(make_app, srcdir, tmp_path / "out")
    assert path.read_bytes() == _stock(make_app, srcdir, tmp_path / "stock", monkeypatch)


def test_another_code_stamp_writes_the_inventory_again(
    make_app: Any, srcdir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = build(make_app, srcdir, tmp_path / "out", freshenv=True)
    path = _inventory(first)
    written = path.stat().st_mtime_ns
    # The toolkit's code, Sphinx, zlib or Python changed: the kept digests are not trusted.
    monkeypatch.setattr(inventory, "file_key", lambda: "another release")
    edit(srcdir / "index.md", "Interview with an anonymous", "An interview with an anonymous")
    again = build(make_app, srcdir, tmp_path / "out")
    assert warnings_of(again) == []
    assert path.stat().st_mtime_ns != written


def test_a_builder_or_extension_writing_its_own_inventory_is_left_to_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class OwnInventory(StandaloneHTMLBuilder):
        def dump_inventory(self) -> None:  # another file name, other entries: its own
            pass

    builder: Any = object.__new__(StandaloneHTMLBuilder)
    assert inventory._stock(builder)
    assert not inventory._stock(object.__new__(OwnInventory))
    assert not inventory._stock(object())

    def other_dump(cls: Any, *args: Any, **kwargs: Any) -> None:
        pass

    monkeypatch.setattr(InventoryFile, "dump", classmethod(other_dump))
    assert not inventory._stock(builder)
