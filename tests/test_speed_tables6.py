"""The binder's shape fields kept as a line is read hold what their plain definitions give."""
from __future__ import annotations

from auditor.parse import binder

# Lines of every kind the shape readers take: one word, tab fields of one word, fields with blanks.
_LINES = ["", "规章", "0", "规章\t0\t0\t0", "\t\t2. 其他法律行政法规禁止公开\t0\t0\t0", "1.属于国家秘密 0 0 0 0 0 0 0",
          "\t(三) 不予公开\t1. 属于国家秘密\t0\t0\t0", "3 标签 4\t5 6", "\t 0", "\t0\t \t标签  1 ", "规章 ", "a\tb 1\tc"]


def _check(sh: binder._Shape) -> None:
    assert sh.label_texts == tuple(lb[0] for lb in sh.labels)
    assert sh.label_pos == (tuple(lb[1] for lb in sh.labels) if sh.tabbed else ())


def test_label_texts_and_positions_are_the_labels():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    for text in _LINES:
        _check(binder._Shape(text))
    words = st.sampled_from(["", "规章", "1.属于", "0", "12", "—", "/", "12abc", "１", " ", "  "])
    line = st.lists(st.lists(words, max_size=4).map(" ".join), min_size=1, max_size=6).map("\t".join)

    @settings(max_examples=300, deadline=None)
    @given(line)
    def check(text):
        _check(binder._Shape(text))

    check()


def test_rows_and_accumulators_set_every_field():
    """`finalize_row` (full rows) and `assemble_rows` (labelled lines) build their Row and
    `_RowAcc` without the dataclass __init__: they set exactly these fields, and on the sample
    reports every field of every row is set (an unset slot raises on reading)."""
    import dataclasses
    from pathlib import Path

    from auditor.api import parse_file
    from auditor.model import Row

    assert [f.name for f in dataclasses.fields(Row)] == ["key", "label", "line", "columns", "cells", "raw_values",
                                                         "readings", "ambiguous"]
    assert [f.name for f in dataclasses.fields(binder._RowAcc)] == ["spec", "idx", "label", "line", "label_pos",
                                                                    "values", "extra_sources", "fields_after"]
    accs = []
    orig = binder.finalize_row

    def spy(acc, *args, **kwargs):
        accs.append(acc)
        return orig(acc, *args, **kwargs)

    binder.finalize_row = spy
    try:
        reports = [parse_file(f) for f in sorted(Path(__file__).parent.parent.glob("sample_reports/*.txt"))]
    finally:
        binder.finalize_row = orig
    assert accs
    for acc in accs:
        for a in [acc, *acc.extra_sources]:
            assert binder._RowAcc(**{f.name: getattr(a, f.name) for f in dataclasses.fields(a)}) == a
    n = 0
    for rep in reports:
        for table in rep.tables.values():
            for row in table.rows.values():
                built = Row(**{f.name: getattr(row, f.name) for f in dataclasses.fields(Row)})
                assert built == row and built.to_dict() == row.to_dict()
                n += 1
    assert n
