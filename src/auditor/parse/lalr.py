"""Parse tables that Lark compiled from our grammars, kept as plain data between runs.

Lark stays the parser generator: it reads grammars/*.lark, builds the LALR(1) table and the
lexer's terminal order, and a test compares every table-driven parse with Lark's own. What a
parser needs at run time (states, actions, terminal regexes) is then stored as JSON in the per-user
cache dir (resources.cache_dir), in a file named after the grammar, the options and Lark's version,
so later runs load it without importing Lark (about 0.05 s of a cold start, plus 0.015 s to load
Lark's own cache). A missing, stale or unreadable file is rebuilt; with no usable cache dir the
table is built in every process, as before. Nothing is written elsewhere.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from functools import lru_cache
from typing import Callable

FORMAT = "1"  # bump when the stored data changes shape


@lru_cache(maxsize=1)
def _lark_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("lark")
    except PackageNotFoundError:  # pragma: no cover - lark vendored without metadata
        import lark

        return lark.__version__


def table(name: str, grammar: str, options: str, build: Callable[[], dict | None]) -> dict | None:
    """`build()`'s answer for this grammar and these options, from the cache when a run stored it
    (`name` prefixes the file name). `build` raises for a bad grammar; that is never stored."""
    from ..resources import cache_dir

    key = hashlib.sha256("\0".join([FORMAT, grammar, options, _lark_version()]).encode("utf-8")).hexdigest()
    base = cache_dir()
    path = base / f"{name}-{key[:24]}.json" if base is not None else None
    if path is not None:
        try:
            entry = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(entry, dict) and entry.get("key") == key and "data" in entry:
                return entry["data"]
        except (OSError, ValueError):
            pass
    data = build()
    if path is not None:
        _write(path, json.dumps({"key": key, "data": data}, ensure_ascii=False))
    return data


def _write(path, text: str) -> None:
    """Atomically; a cache that cannot be written is no error."""
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
    except OSError:
        pass


def actions(lark) -> tuple[dict, int, int]:
    """(state -> {symbol: next state (shift or goto) | [symbols popped, rule name] (reduce)},
    start state, end state) of a Lark LALR parser, JSON-ready."""
    from lark.parsers.lalr_analysis import Shift

    parse_table = lark.parser.parser.parser.parse_table
    states = {str(state): {sym: (arg if action is Shift else [len(arg.expansion), arg.origin.name])
                           for sym, (action, arg) in acts.items()}
              for state, acts in parse_table.states.items()}
    return states, parse_table.start_states["start"], parse_table.end_states["start"]


def load_actions(states: dict) -> dict[int, dict[str, int | tuple[int, str]]]:
    return {int(state): {sym: (v if v.__class__ is int else (v[0], v[1])) for sym, v in acts.items()}
            for state, acts in states.items()}
