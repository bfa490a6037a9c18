"""Derived data kept between runs in the per-user cache dir, as JSON (resources.cache_dir).

Used for what a cold start would otherwise rebuild: the parse tables lark compiles from the
grammars (parse/lalr.py), a third party's rule pack once validated (engine/packcache.py) and the
index of the national division table (regions.py). Each entry is a file named after what it was
derived from (`key`, a digest of the inputs), holding that key again; a missing, unreadable, stale
or damaged file means building the data again, and a cache that cannot be written is no error.
Only data that JSON carries unchanged is kept.
"""
from __future__ import annotations

import hashlib
import json
import os
from typing import Callable


def digest(*parts: str | bytes) -> str:
    """A key: the SHA-256 of the parts (joined with NUL)."""
    h = hashlib.sha256()
    for i, part in enumerate(parts):
        if i:
            h.update(b"\0")
        h.update(part.encode("utf-8") if isinstance(part, str) else part)
    return h.hexdigest()


def _path(name: str, key: str):
    from .resources import cache_dir

    base = cache_dir()
    return base / f"{name}-{key[:32]}.json" if base is not None else None


def load(name: str, key: str):
    """The data stored under `key`, or None."""
    path = _path(name, key)
    if path is None:
        return None
    try:
        entry = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(entry, dict) or entry.get("key") != key:
        return None
    return entry.get("data")


def store(name: str, key: str, data) -> None:
    """Keep `data` under `key` (written atomically), unless JSON would not give it back unchanged."""
    path = _path(name, key)
    if path is None or data is None:
        return
    try:
        text = json.dumps({"key": key, "data": data}, ensure_ascii=False)
        if json.loads(text)["data"] != data:
            return
        import tempfile  # (only when storing: a cold start that loads everything never needs it)

        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{name}-", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
    except (OSError, TypeError, ValueError):
        pass


def cached(name: str, key: str, build: Callable[[], object]):
    """The data stored under `key`, else `build()` (stored for later runs). An exception of
    `build` propagates and nothing is stored."""
    data = load(name, key)
    if data is None:
        data = build()
        store(name, key, data)
    return data
