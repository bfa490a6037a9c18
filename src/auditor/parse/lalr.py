"""Parse tables that Lark compiled from our grammars, kept as plain data between runs.

Lark stays the parser generator: it reads grammars/*.lark, builds the LALR(1) table and the
lexer's terminal order, and a test compares every table-driven parse with Lark's own. What a
parser needs at run time (states, actions, terminal regexes) is then kept as JSON in the per-user
cache (auditor.usercache), keyed by the grammar, the options and Lark's version, so later runs load
it without importing Lark (about 0.05 s of a cold start, plus 0.015 s to load Lark's own cache).
With no usable cache dir the table is built in every process, as before.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Callable

FORMAT = "1"  # bump when the stored data changes shape


@lru_cache(maxsize=1)
def _lark_version() -> str:
    from ..installed import lark_version

    found = lark_version()  # (from the per-user cache: importlib.metadata is slow to import)
    if found is None:  # pragma: no cover - lark vendored without metadata
        import lark

        return lark.__version__
    return found


def table(name: str, grammar: str, options: str, build: Callable[[], dict | None]) -> dict | None:
    """`build()`'s answer for this grammar and these options, from the cache when a run stored it
    (`name` prefixes the file name). `build` raises for a bad grammar; that is never stored."""
    from .. import usercache

    return usercache.cached(name, usercache.digest(FORMAT, grammar, options, _lark_version()), build)


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
