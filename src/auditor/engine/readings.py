"""Evaluate a check over every reading of ambiguous table rows.

A row whose cells could not be determined carries several readings. A check reports a failure only
when every combination of readings fails; it passes when every combination passes; otherwise (or
when a needed cell is unknown in some reading) it is not assessable.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from itertools import chain
from operator import itemgetter
from typing import Callable

from ..model import Table
from .shared import once_per_audited_table

MAX_COMBINATIONS = 4096


@dataclass
class Outcome:
    verdict: str  # "pass" | "fail" | "unknown"
    values: dict | None = None  # {(row, col): value} of one failing combination, for evidence
    varies: bool = False  # the failing combinations do not all have the same cell values


def evaluate(table: Table, cells: list[tuple[str, str]], check: Callable[[dict], bool | None]) -> Outcome:
    """`cells` are (row, col) pairs of `table`; `check` maps {(row, col): value} to True/False/None.

    Cells of one row are taken jointly from the same reading (readings are per row). A value of
    more than 12 digits is not a count (and could overflow a float sum): the check is unknown.
    """
    rows = table.rows
    # Fast path, the usual case: every row involved has one reading, so there is one combination
    # (anything else — a missing row, an unknown cell, several readings — takes the general path).
    known = known_values(table, cells)
    if known is not None:
        vals = dict(zip(cells, known))
        ok = check(vals)
        if ok is None:
            return _UNKNOWN
        return _PASS if ok else Outcome("fail", vals)
    by_row: dict[str, list[str]] = {}
    for r, c in cells:
        by_row.setdefault(r, []).append(c)
    # Rows whose readings agree on the needed cells are fixed; only the others are combined.
    fixed: dict = {}
    varying: list[list[dict]] = []
    position, single = _counted_rows(table)
    for r, cols in by_row.items():
        keys = [(r, c) for c in cols]
        if r in single:  # one reading, every value a count: the one option, as found below
            try:
                fixed.update(zip(keys, [single[r][position[c]] for c in cols]))
                continue
            except KeyError:  # (a column the rows do not have: the lookup below says)
                pass
        row = rows.get(r)
        if row is None:
            return _UNKNOWN
        options = _options(row, cols)
        if not options or not _all_counts(list(chain.from_iterable(options))):
            return _UNKNOWN  # every combination would hold an unknown cell
        if len(options) == 1:
            fixed.update(zip(keys, options[0]))
        else:
            varying.append([dict(zip(keys, opt)) for opt in options])
    total = 1
    for opts in varying:
        total *= len(opts)
    if total > MAX_COMBINATIONS:
        return _UNKNOWN
    verdicts: set[str] = set()
    first_fail = None
    varies = False
    for combo in itertools.product(*varying):
        vals = dict(fixed)
        for part in combo:
            vals.update(part)
        ok = check(vals)
        if ok is None:
            return _UNKNOWN
        verdicts.add("pass" if ok else "fail")
        if len(verdicts) > 1:
            return _UNKNOWN
        if not ok:
            if first_fail is None:
                first_fail = vals
            elif vals != first_fail:
                varies = True
    return Outcome(verdicts.pop() if verdicts else "unknown", first_fail, varies)


def _options(row, cols: list[str]) -> list[tuple]:
    """The distinct readings of `row`'s cells `cols`, in reading order."""
    if len(cols) == 1:  # (a column check asks for one cell per row: no tuple per reading)
        return [(v,) for v in dict.fromkeys(map(itemgetter(row.columns.index(cols[0])), row.readings))]
    return list(dict.fromkeys(map(itemgetter(*[row.columns.index(c) for c in cols]), row.readings)))


_LIMIT = 10 ** 12  # more than 12 digits: not a count


def _countable(v) -> bool:
    return v is not None and -_LIMIT < v < _LIMIT


def known_values(table: Table, cells: list[tuple[str, str]]) -> list | None:
    """The values of `cells` when every row involved has one reading and every value is a count
    `evaluate` would use; None otherwise. `evaluate`'s fast path; also for checks that pass
    without `evaluate` when their arithmetic holds on these values (else they still ask it)."""
    position, single = _counted_rows(table)
    if position is not None and all(r in single for r, _c in cells):  # the usual case
        try:
            return [single[r][position[c]] for r, c in cells]
        except KeyError:  # (a column the rows do not have: the lookup below says)
            pass
    rows = table.rows
    out = []
    append = out.append
    row_key = None
    for r, c in cells:
        if r != row_key:  # cells of one row usually come together: look the row up once
            row = rows.get(r)
            if row is None or len(row.readings) != 1:
                return None
            row_key, reading, position = r, row.readings[0], row.columns.index
        append(reading[position(c)])
    return out if _all_counts(out) else None


@once_per_audited_table  # (the table rules ask about the same rows)
def _counted_rows(table: Table) -> tuple[dict[str, int] | None, dict[str, tuple]]:
    """({column: position} of the column list every row of `table` has, {row key: its reading} of
    the rows with one reading whose every value is a count); (None, {}) if the rows' column lists
    differ. Any value picked from such a reading is what known_values would give."""
    rows = table.rows
    if not rows:
        return None, {}
    columns = next(iter(rows.values())).columns
    position = {c: i for i, c in enumerate(columns)}
    if len(position) != len(columns) or any(row.columns != columns for row in rows.values()):
        return None, {}  # (a column named twice: columns.index finds the first)
    single = {k: row.readings[0] for k, row in rows.items() if len(row.readings) == 1}
    if not _all_counts(list(chain.from_iterable(single.values()))):  # (usually they all are)
        single = {k: reading for k, reading in single.items() if _all_counts(reading)}
    return position, single


def known_columns(table: Table, row_keys: list[str], columns: list[str]) -> list[list | None]:
    """`known_values(table, [(r, col) for r in row_keys])` for each of `columns`, each row looked
    up once (a column sum asks for every column of the same rows)."""
    if not columns:
        return []
    rows = table.rows
    position, single = _counted_rows(table)
    at = [position.get(c) for c in columns] if position is not None else [None]
    if row_keys and None not in at:  # (else a column the rows do not have: the lookup below says)
        picked = [single.get(r) for r in row_keys]
        counted = None not in picked  # the usual case: every row is a counted one
        if not counted:
            for i, r in enumerate(row_keys):
                if picked[i] is None:
                    row = rows.get(r)
                    if row is None or len(row.readings) != 1:
                        return [None] * len(columns)
                    picked[i] = row.readings[0]
        by_column = [list(map(itemgetter(i), picked)) for i in at]
        return by_column if counted else [v if _all_counts(v) else None for v in by_column]
    picked = []
    for r in row_keys:
        row = rows.get(r)
        if row is None or len(row.readings) != 1:
            return [None] * len(columns)
        picked.append(row)
    if not picked:
        return [[] for _c in columns]
    pickers: dict[int, Callable] = {}
    values = [_picker(pickers, row, columns)(row.readings[0]) for row in picked]
    by_column = [list(v) for v in zip(*values)]
    if _all_counts(list(chain.from_iterable(values))):  # the usual case: one check for all
        return by_column
    return [v if _all_counts(v) else None for v in by_column]


def known_rows(table: Table, row_keys: list[str], columns: list[str]) -> list[list | None]:
    """`known_values(table, [(r, col) for col in columns])` for each of `row_keys` (a row sum asks
    for the same columns of every row)."""
    position, single = _counted_rows(table)
    if position is not None and columns:
        at = [position.get(c) for c in columns]
        if None not in at:  # (else a column the rows do not have: the lookup below says)
            pick = _getter(at)
            return [list(pick(single[r])) if r in single else _known_row(table.rows.get(r), columns)
                    for r in row_keys]
    rows = table.rows
    pickers: dict[int, Callable] = {}
    out: list = []
    for r in row_keys:
        row = rows.get(r)
        if row is None or len(row.readings) != 1:
            out.append(None)
        else:
            out.append(list(_picker(pickers, row, columns)(row.readings[0])))
    if _all_counts(list(chain.from_iterable(v for v in out if v is not None))):  # one check for all
        return out
    return [v if v is not None and _all_counts(v) else None for v in out]


def _known_row(row, columns: list[str]) -> list | None:
    """known_rows' answer for one row."""
    if row is None or len(row.readings) != 1:
        return None
    values = [row.readings[0][row.columns.index(c)] for c in columns]
    return values if _all_counts(values) else None


def _picker(pickers: dict, row, columns: list[str]) -> Callable[[tuple], tuple]:
    """reading -> the values of `columns` in it, for rows with `row`'s column list (the rows of a
    table share theirs, so the positions are found once; `pickers` keeps them by the list's id)."""
    pick = pickers.get(id(row.columns))
    if pick is None:
        pick = pickers[id(row.columns)] = _getter([row.columns.index(c) for c in columns])
    return pick


def _getter(at: list[int]) -> Callable[[tuple], tuple]:
    """reading -> the values at positions `at`, as a tuple."""
    # itemgetter gives a tuple for two or more positions, the bare value for one
    return itemgetter(*at) if len(at) > 1 else ((lambda reading, i=at[0]: (reading[i],)) if at else (lambda reading: ()))


def _all_counts(values: list) -> bool:
    """Every value is a count `evaluate` would use (known, at most 12 digits)."""
    try:
        total = sum(values)
    except TypeError:  # an unknown value (None) among them
        return False
    except OverflowError:  # an integer too large for a float next to a decimal: not a count
        return False
    if total != total or not values:  # (a NaN among them, which min and max would not see)
        return total == total
    low = min(values)
    # Values all >= 0 sum to at least the largest: a sum under the limit spares the max.
    return low > -_LIMIT and ((low >= 0 and total < _LIMIT) or max(values) < _LIMIT)


# Shared answers of the fast path (callers only read an Outcome).
_PASS = Outcome("pass")
_UNKNOWN = Outcome("unknown")
