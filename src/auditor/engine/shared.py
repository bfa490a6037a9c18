"""What several rules derive from one report, computed once while that report is audited.

`engine.run.audit` opens a memo for its report; a function `once_per_audit` then computes its
value at the first call and hands the same value to every later rule of that audit. Outside an
audit (a rule called on its own, another report) it computes at each call, so nothing outlives
the audit or reaches another report. The rules share the value: it must not be changed (give
strings or tuples).
"""
from __future__ import annotations

import functools
from contextvars import ContextVar, Token
from typing import Callable, TypeVar

T = TypeVar("T")

# (report, {function: value}) of the audit in progress in this thread/context, or None.
_MEMO: ContextVar[tuple | None] = ContextVar("auditor_audit_memo", default=None)


def begin(report) -> Token:
    return _MEMO.set((report, {}))


def end(token: Token) -> None:
    _MEMO.reset(token)


def once_per_audit(fn: Callable[..., T]) -> Callable[..., T]:
    """fn(report), computed once per audit of `report`."""
    @functools.wraps(fn)
    def shared(report) -> T:
        memo = _MEMO.get()
        if memo is None or memo[0] is not report:
            return fn(report)
        values = memo[1]
        if fn not in values:
            values[fn] = fn(report)
        return values[fn]
    return shared


def once_per_audited_table(fn: Callable[..., T]) -> Callable[..., T]:
    """fn(table), computed once per audit for each table of the audited report (any other table,
    e.g. one merged by a rule, at each call)."""
    @functools.wraps(fn)
    def shared(table) -> T:
        memo = _MEMO.get()
        if memo is None or memo[0].tables.get(table.name) is not table:
            return fn(table)
        values = memo[1]
        key = (fn, table.name)
        if key not in values:
            values[key] = fn(table)
        return values[key]
    return shared
