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


def _eager_placements(accs, hpos, slots, columns):
    """The offset placement of each row as bind_t3 did it before the grids were made lazy:
    grids worked out for every table read without tab positions or field slots."""
    grids = binder.offset_grids(accs, len(columns)) if hpos is None and not slots else []
    out = {}
    for key, acc in accs.items():
        if grids and 0 < len(acc.values) < len(columns) and binder._aligned_values(acc):
            out[key] = binder.place_by_offset(acc, grids)
    return out


def test_offset_grids_worked_out_lazily_place_rows_as_eager_grids():
    """bind_t3 works out the offset grids at its first short space-aligned row only (and the tab
    grid check and field slots at its first row not of a full row's values): the rows it places
    by offset, and the notes, are those of grids worked out for every table, with the header
    positions and field slots worked out for every table."""
    from auditor.api import parse_file
    from auditor.parse.document import SrcLine
    from conftest import SEEDS

    rep = parse_file(SEEDS[0])
    keys = list(rep.t3.rows)
    printed = {k: [str(c.value) for c in rep.t3.rows[k].cells.values()] for k in keys}
    edits = [lambda k, p: p,  # full rows only: no grid is needed
             lambda k, p: p[:1] + [""] + p[2:] if k == "partial" else p,  # one blank: placed
             lambda k, p: p[:1] + [p[1] + "    "] + [""] + p[3:] if k == "deny_1" else p,  # between columns
             lambda k, p: p[:-1] + [""] if k in ("new", "partial") else p,
             lambda k, p: [p[0]] + [""] * (len(p) - 1) if k == "granted" else p]
    seen = 0
    for edit in edits:
        lines = [SrcLine("ROW", rep.t3.rows[k].label.replace("\t", " ").ljust(50) + "".join(f"{v:>8}" for v in edit(k, printed[k])), i + 1)
                 for i, k in enumerate(keys)]
        got = {}
        accs = {}
        headers = []
        columns = []
        orig_fin, orig_header = binder.finalize_row, binder.header_positions

        def fin(acc, cols, table, hpos, notes, label, slots=None, placed=None):
            got[acc.spec["key"]] = placed
            accs[acc.spec["key"]] = acc
            columns[:] = cols
            return orig_fin(acc, cols, table, hpos, notes, label, slots, placed)

        def header(*args, **kwargs):
            headers.append(orig_header(*args, **kwargs))
            return headers[-1]

        binder.finalize_row, binder.header_positions = fin, header
        try:
            notes = []
            binder.bind_t3(lines, notes)
        finally:
            binder.finalize_row, binder.header_positions = orig_fin, orig_header
        # The header positions and field slots as bind_t3 worked them out for every table.
        (hpos,) = headers
        if not binder._grid_consistent(accs, hpos, len(columns)):
            hpos = None
        want = _eager_placements(accs, hpos, binder.field_slots(accs, len(columns)), columns)
        assert {k: v for k, v in got.items() if v is not None} == {k: v for k, v in want.items() if v is not None}
        assert sorted(n.row for n in notes if n.code == "table.offset_ambiguous") == \
            sorted(k for k, v in want.items() if v is None)
        seen += bool(want)
    assert seen >= 3  # the edits above do place rows by offset


def _leaf_hit_cases() -> set[tuple[tuple[str, ...], None]]:
    """The label tuples of every sample report's table lines, and a few more."""
    from pathlib import Path

    from auditor.api import parse_file

    captured = []
    orig = binder._tokenized

    def spy(lines):
        out = orig(lines)
        captured.extend(sh.label_texts for _ln, sh in out)
        return out

    binder._tokenized = spy
    try:
        for f in sorted(Path(__file__).parent.parent.glob("sample_reports/*.txt")):
            parse_file(f)
    finally:
        binder._tokenized = orig
    extra = {("(三) 不予公开", "1. 属于国家秘密"), ("其他", "一、本年新收政府信息公开申请数量"), (),
             ("(二)部分 计其他情形 公开",), ("三", "、"), ("本年度办理结果",)}
    return {(labels, None) for labels in set(captured) | extra}


def test_leaf_hit_is_the_match_of_each_label_leaf_first():
    """`AliasIndex.leaf_hit` (remembered per labels and position, asked by assemble_rows for
    every labelled line) names the row that `RowMatcher.match` of each label, leaf label first,
    names: on every sample report's table lines, for every position in each template."""
    from auditor.parse.rowlabels import RowMatcher

    label_sets = {labels for labels, _last in _leaf_hit_cases()}
    assert len(label_sets) > 50
    for table, version in [("t2", None), ("t3", "2019"), ("t3", "2021")]:
        specs, index = binder._template_rows(table, version)
        for labels in label_sets:
            for last in range(-1, len(specs)):
                m = RowMatcher(specs, index)
                m.last = last
                want = next(((i, t) for t in reversed(labels) if (i := m.match(t)) is not None), (None, None))
                assert index.leaf_hit(labels, last) == want, (labels, last)


def test_loose_hit_is_the_fuzzy_match_then_the_typo_match_of_each_label():
    """`AliasIndex.loose_hit` (remembered, asked for a line none of whose labels names a row) is
    `RowMatcher.match` of the joined labels (fuzzy), then `RowMatcher.typo_match` of each label,
    leaf label first, with the matcher's `typo` after them: on the sample lines' labels, labels
    one edit from an alias, and every position in each template."""
    from auditor.parse.rowlabels import RowMatcher

    label_sets = {labels for labels, _last in _leaf_hit_cases()}
    found = {True: 0, False: 0}
    for table, version in [("t2", None), ("t3", "2019"), ("t3", "2021")]:
        specs, index = binder._template_rows(table, version)
        for spec in specs:  # typos of each row's aliases: a character dropped, doubled, replaced
            for a in spec.get("aliases", ()):
                label_sets |= {(a[:1] + a[2:],), (a[:2] + a[1:],), ("其他", a[:-1] + "乙"), (" " + a[1:] + " ",)}
        for labels in label_sets:
            for last in range(-1, len(specs)):
                m = RowMatcher(specs, index)
                m.last = last
                want = m.match("".join(labels), fuzzy=True)
                for text in reversed(labels if want is None else ()):
                    want = m.typo_match(text)
                    if want is not None:
                        break
                assert index.loose_hit(labels, last) == (want, m.typo), (labels, last)
                found[m.typo is None] += want is not None
    assert found[True] and found[False]  # rows named by the joined labels, and by a typo
