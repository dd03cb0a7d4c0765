"""Atomic writes (every phase): a file the toolkit writes is whole or not replaced at all.

The text goes to a temporary file beside the target, which then replaces the target in one
step (``os.replace``), so a build killed mid-write leaves the previous file, never half a file.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path


def write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    """Write *data* to *path* through a temporary file in the same folder, then rename it.

    The temporary file is created with the usual permissions (``0o666`` less the umask), is
    flushed to disk before the rename, and is removed again if anything fails.
    """
    target = Path(path)
    partial = target.with_name(f".{target.name}.{os.getpid()}-{secrets.token_hex(4)}.tmp")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        partial.replace(target)
    except BaseException:
        with contextlib.suppress(OSError):
            partial.unlink()
        raise


def write_text(path: str | os.PathLike[str], text: str, encoding: str = "utf-8") -> None:
    """Write *text* to *path* atomically (:func:`write_bytes`)."""
    write_bytes(path, text.encode(encoding))


def update_text(path: str | os.PathLike[str], text: str, encoding: str = "utf-8") -> bool:
    """Write *text* to *path* atomically unless the file already holds exactly these bytes.

    An output that a rebuild leaves as it was keeps its date (a live-reloading server or a
    sync sees no change) and costs no write. Returns whether the file was written.
    """
    data = text.encode(encoding)
    target = Path(path)
    try:
        if target.stat().st_size == len(data) and target.read_bytes() == data:
            return False
    except OSError:
        pass
    write_bytes(target, data)
    return True
