"""The binder's shortcuts of this round read what the plain ways read."""
from __future__ import annotations

import copy

from auditor.parse import binder


def _t3_inputs():
    """The 表三 lines of every sample report, and of a few edits of them (short rows, blanks in
    space-aligned rows, a duplicated row, rows of too many values)."""
    from pathlib import Path

    from auditor.api import parse_file
    from auditor.parse.document import SrcLine

    captured = []
    orig = binder.bind_t3

    def spy(lines, notes):
        captured.append(list(lines))
        return orig(lines, notes)

    binder.bind_t3 = spy
    try:
        for f in sorted(Path(__file__).parent.parent.glob("sample_reports/*.txt")):
            parse_file(f)
    finally:
        binder.bind_t3 = orig
    out = list(captured)
    for lines in captured:
        rows = [ln for ln in lines if binder._Shape(ln.text).values]
        if len(rows) < 4:
            continue
        for edit in (lambda t: t.rsplit("\t", 1)[0] if "\t" in t else t.rsplit(" ", 1)[0],  # a value dropped
                     lambda t: t + ("\t0" if "\t" in t else " 0"),  # a value added
                     lambda t: t.replace("\t0", "\t", 1),  # an empty field
                     lambda t: t.replace(" 0", "  ", 1)):  # a blank in space-aligned text
            for at in (rows[1], rows[len(rows) // 2]):
                out.append([SrcLine(ln.kind, edit(ln.text), ln.line) if ln is at else ln for ln in lines])
        out.append(lines + [rows[2]])  # a row seen twice
    return out


def test_full_rows_read_no_layout():
    """bind_t3 works out the tab grid check, field slots and offset placements at its first row
    whose values are not a full row's: each row it finalizes reads as `finalize_row` reads it
    with the layout worked out for every table (bind_t3 before the shortcut)."""
    orig_fin, orig_header = binder.finalize_row, binder.header_positions
    seen = {"full": 0, "other": 0, "grid": 0, "slots": 0}
    for lines in _t3_inputs():
        calls = []
        headers = []

        def fin(acc, cols, table, hpos, notes, label, slots=None, placed=None):
            before = len(notes)
            row = orig_fin(acc, cols, table, hpos, notes, label, slots, placed)
            calls.append((acc, cols, label, hpos, slots, placed, copy.deepcopy(row), notes[before:]))
            return row

        def header(*args, **kwargs):
            headers.append(orig_header(*args, **kwargs))
            return headers[-1]

        binder.finalize_row, binder.header_positions = fin, header
        try:
            binder.bind_t3(lines, [])
        finally:
            binder.finalize_row, binder.header_positions = orig_fin, orig_header
        if not calls:
            continue
        accs = {acc.spec["key"]: acc for acc, *_rest in calls}
        ncols = len(calls[0][1])
        (hpos,) = headers
        if not binder._grid_consistent(accs, hpos, ncols):
            hpos = None
        slots = binder.field_slots(accs, ncols)
        seen["grid"] += hpos is not None
        seen["slots"] += bool(slots)
        for acc, cols, label, got_hpos, got_slots, placed, row, row_notes in calls:
            if len(acc.values) != ncols:
                assert (got_hpos, got_slots) == (hpos, slots.get(acc.spec["key"]))
                seen["other"] += 1
                continue
            assert got_slots is None and placed is None
            notes = []
            assert orig_fin(acc, cols, "t3", hpos, notes, label, slots.get(acc.spec["key"]), None) == row
            assert notes == row_notes
            seen["full"] += 1
    assert seen["full"] > 100 and seen["other"] > 10 and seen["grid"] and seen["slots"]


def test_full_rows_read_no_field_slots_or_placements():
    """A row of as many values as columns reads as the same row whatever tab positions, field
    slots and offset placement it is given (bind_t3 and bind_t4 work them out for other rows
    only): every full row of the sample reports' tables, and of their edits."""
    from pathlib import Path

    from auditor.api import parse_file

    rows = []
    orig = binder.finalize_row

    def spy(acc, cols, table, hpos, notes, label, slots=None, placed=None):
        rows.append((copy.deepcopy(acc), list(cols), table, label))
        return orig(acc, cols, table, hpos, notes, label, slots, placed)

    binder.finalize_row = spy
    try:
        for f in sorted(Path(__file__).parent.parent.glob("sample_reports/*.txt")):
            parse_file(f)
        for lines in _t3_inputs():
            binder.bind_t3(lines, [])
    finally:
        binder.finalize_row = orig
    n = 0
    for acc, cols, table, label in rows:
        if len(acc.values) != len(cols):
            continue
        want_notes = []
        want = orig(acc, cols, table, None, want_notes, label)
        fields = [v.raw for v in acc.values]
        for hpos, slots, placed in [({c: i + 1 for i, c in enumerate(cols)}, fields, tuple(range(len(cols)))),
                                    ({c: 2 * i for i, c in enumerate(cols)}, [""] + fields[1:], tuple(range(len(cols) - 1))),
                                    (None, ["x"] * len(cols), None)]:
            notes = []
            assert orig(acc, cols, table, hpos, notes, label, slots, placed) == want
            assert notes == want_notes
        n += 1
    assert n > 1000 and {t for _a, _c, t, _l in rows} == {"t2", "t3", "t4"}


def _t4_lines(values: list[str]):
    from auditor.parse.document import SrcLine

    return [SrcLine("ROW", "行政复议\t行政诉讼", 1), SrcLine("ROW", "\t".join(values), 2)]


def test_t4_field_slots_read_for_a_line_of_too_few_values():
    """bind_t4 reads the fields of its one value line only when the line holds fewer values
    than columns: its empty fields are the blank cells; a full line reads its values."""
    full = [str(i) for i in range(15)]
    notes = []
    table = binder.bind_t4(_t4_lines(full), notes)
    assert [c.value for r in table.rows.values() for c in r.cells.values()] == list(range(15))
    assert not notes
    short = full[:3] + [""] + full[4:]
    notes = []
    table = binder.bind_t4(_t4_lines(short), notes)
    assert [c.value for r in table.rows.values() for c in r.cells.values()] == [0, 1, 2, None] + list(range(4, 15))
    assert [n.code for n in notes] == ["table.blank_by_field"]


def test_short_lines_without_a_full_stop_are_not_prose():
    """`_tokenized` asks `_is_prose` of the lines without tabs that hold "。" or are long only:
    it keeps the lines `_is_prose` keeps."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from auditor.parse.document import SrcLine

    text = st.lists(st.sampled_from(["。", "0", " ", "  ", "\t", "规章", "a" * 30, "申请" * 20]), max_size=8).map("".join)

    @settings(max_examples=300, deadline=None)
    @given(st.lists(text, max_size=6))
    def check(texts):
        lines = [SrcLine("ROW", t, i) for i, t in enumerate(texts)]
        assert [ln for ln, _sh in binder._tokenized(lines)] == [ln for ln in lines if not binder._is_prose(ln)]

    check()
