"""The binder's shortcuts of this round read what the plain ways read."""
from __future__ import annotations

from auditor.parse import binder


def _header_positions_by_full_scan(labels, column_labels, columns, allow_reorder=False):
    """`header_positions` as it was: every label read, the first tab position of each column kept."""
    from auditor.parse.rowlabels import label_key

    wanted = {label_key(lbl): col for lbl, col in zip(column_labels, columns)}
    pos = {}
    for text, tab_pos, _col in labels:
        if tab_pos is None:
            continue
        col = wanted.get(label_key(text))
        if col is not None and col not in pos:
            pos[col] = tab_pos
    if len(pos) != len(columns):
        return None
    ordered = [pos[c] for c in columns]
    if len(set(ordered)) != len(ordered) or (ordered != sorted(ordered) and not allow_reorder):
        return None
    return pos


def test_header_positions_stop_at_the_last_column_as_a_full_scan_would_read():
    """`header_positions` stops at the label that completes the columns: the positions are those
    of reading every label (headers repeated, out of order, missing, labels without tab positions)."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    spec = binder._templ()["t3"]
    column_labels, columns = list(spec["column_labels"]), list(spec["columns"])
    texts = st.sampled_from(column_labels + ["其他", "总计", "（一）予以公开", "自然 人", "申请人情况"])
    label = st.tuples(texts, st.none() | st.integers(0, 9), st.integers(0, 80))
    seen = []  # (whether the positions were found: the case the shortcut takes)

    # A header row of every column (in some order) among other labels: the positions are found.
    header = st.permutations(column_labels).map(lambda texts: [(t, i + 2, 0) for i, t in enumerate(texts)])
    labels = (st.tuples(st.lists(label, max_size=4), header, st.lists(label, max_size=10)).map(lambda p: p[0] + p[1] + p[2])
              | st.lists(label, max_size=14))

    @settings(max_examples=400, deadline=None)
    @given(labels, st.booleans())
    def check(labels, allow_reorder):
        got = binder.header_positions(labels, column_labels, columns, allow_reorder)
        assert got == _header_positions_by_full_scan(labels, column_labels, columns, allow_reorder)
        seen.append(got is not None)

    check()
    assert any(seen)


def test_repeated_values_read_as_larks_fields():
    """The shape readers take a field that repeats the value before it without asking it again:
    lines of repeats next to labels, blanks, empty fields and other values hold Lark's fields."""
    from hypothesis import given, settings
    from hypothesis import strategies as st
    from test_speed_tables import _SHAPE, _shape_by_fields

    from auditor.parse.cells import lark_fields

    field = st.sampled_from(["0", "0", "12", "", " ", "0 0", " 0", "0 ", "规章", "1. 属于", "—", "12abc", "0\ufffd"])
    line = st.lists(field, min_size=1, max_size=9).map("\t".join)

    @settings(max_examples=400, deadline=None)
    @given(line)
    def check(text):
        sh = binder._Shape(text)
        (fields, tabbed), = lark_fields([text])
        assert {k: getattr(sh, k) for k in _SHAPE} == _shape_by_fields(fields, tabbed), repr(text)

    for text in ["0\t0\t0", "规章\t0\t0\t0", "0\t规章\t0", "0 0\t0\t0", "\t0\t\t0\t0 \t0", "12\t12\t0\t12"]:
        check.hypothesis.inner_test(text)
    check()
