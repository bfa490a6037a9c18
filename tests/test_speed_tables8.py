"""The binder's shortcuts of this round read what the plain ways read."""
from __future__ import annotations

import copy

from auditor.parse import binder


def _t3_inputs():
    """The 表三 lines of every sample report, and of a few edits of them (short rows, blanks in
    space-aligned rows, a duplicated row, rows of too many values)."""
    from pathlib import Path

    from auditor.parse.document import SrcLine

    captured = []
    orig = binder.bind_t3

    def spy(lines, notes):
        captured.append(list(lines))
        return orig(lines, notes)

    from auditor.api import parse_file

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
