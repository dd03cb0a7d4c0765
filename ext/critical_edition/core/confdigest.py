"""Configuration digest (write phase): every configuration value in one digest, for caches' keys.

A cache of rendered output is right only for the configuration it was rendered under; the
caches that cannot name the few values they read key their files on all of them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any


def stable_repr(value: object, depth: int = 0) -> str:
    """*value*'s repr, with the items of each set in sorted order: a set of strings is listed
    in an order that changes with each process's string hashing (Sphinx's own
    ``c_extra_keywords`` is a frozenset), which made a cache miss in every new process.
    Below ten levels of nesting (or in a list that holds itself) the plain repr is taken."""
    if depth > 10:
        return repr(value)
    inner = depth + 1
    if isinstance(value, set | frozenset):
        items = sorted(stable_repr(item, inner) for item in value)
        return f"{type(value).__name__}([{', '.join(items)}])"
    if isinstance(value, list | tuple):
        items = [stable_repr(item, inner) for item in value]
        return f"{type(value).__name__}([{', '.join(items)}])"
    if isinstance(value, dict):
        pairs = [f"{stable_repr(k, inner)}: {stable_repr(v, inner)}" for k, v in value.items()]
        return f"{type(value).__name__}({{{', '.join(pairs)}}})"
    return repr(value)


def config_digest(config: Iterable[Any]) -> str:
    """Every value of *config* (Sphinx's ``Config``: its items have a name and a value), by its
    repr, sets in sorted order. A value whose repr names an address changes the digest in
    each process, so a cache kept between builds misses (within one process a freed
    object's address may come back: such a value is no key for an in-process cache)."""
    values = sorted((item.name, stable_repr(item.value)) for item in config)
    return hashlib.sha256(repr(values).encode("utf-8")).hexdigest()
