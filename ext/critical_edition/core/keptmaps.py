"""Kept maps (any phase): a map of strings a cache keeps between builds, in one keyed JSON file.

The file holds the map under a name, with the file's layout (*file_format*) and the digest of
everything the map depends on (*key*). A file that is missing, unreadable, damaged, too large,
of another layout or written under another key reads as an empty map; a file that cannot be
written leaves the cache only slower. Used by the stem memo and furo's kept sidebar trees.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

from critical_edition.core import atomic


def read_map(path: Path, *, file_format: int, key: str, name: str, limit: int) -> dict[str, str]:
    """The map kept in *path* under *name*, if the file is *file_format* and *key*'s."""
    try:
        data = json.loads(path.read_bytes())
    except (OSError, ValueError, RecursionError):
        return {}
    if not isinstance(data, dict) or data.get("format") != file_format or data.get("key") != key:
        return {}
    kept = data.get(name)
    if not isinstance(kept, dict) or len(kept) > limit:
        return {}
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in kept.items()):
        return {}
    return kept


def write_map(
    path: Path, mapping: dict[str, str], *, file_format: int, key: str, name: str
) -> bool:
    """Keep *mapping* in *path* under *name*, *file_format* and *key*; whether it was kept.

    ASCII only: a string with an unpaired surrogate is written as JSON's escape of it.
    """
    data = {"format": file_format, "key": key, name: mapping}
    text = json.dumps(data, ensure_ascii=True, separators=(",", ":"))
    with contextlib.suppress(OSError):  # a cache that cannot be kept is only slower
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic.write_text(path, text)
        return True
    return False
