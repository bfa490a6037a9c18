"""Plain forms of the rule stage's table lookups, the references the speed tests compare the fast
ones with (tests/test_speed_rules.py, tests/test_speed_rules2.py)."""
from __future__ import annotations

from auditor.engine import readings


def plain_all_counts(values) -> bool:
    return None not in values and (not values or (max(values) < readings._LIMIT and min(values) > -readings._LIMIT))


def plain_known_columns(table, row_keys, columns):
    """known_columns as first written (each value looked up by position)."""
    picked = [table.rows.get(r) for r in row_keys]
    if any(row is None for row in picked) or any(len(row.readings) != 1 for row in picked):
        return [None] * len(columns)
    out = []
    for col in columns:
        values = [row.readings[0][row.columns.index(col)] for row in picked]
        out.append(values if plain_all_counts(values) else None)
    return out


def plain_known_rows(table, row_keys, columns):
    out = []
    for r in row_keys:
        row = table.rows.get(r)
        if row is None or len(row.readings) != 1:
            out.append(None)
            continue
        values = [row.readings[0][row.columns.index(c)] for c in columns]
        out.append(values if plain_all_counts(values) else None)
    return out
