"""The binder's shortcuts (speed-binder3) give what the plain ways give."""
from __future__ import annotations

from auditor.parse import binder
from auditor.parse.document import SrcLine


def test_tokenized_skips_the_lines_is_prose_skips():
    """`_tokenized` asks `_is_prose` only of lines without a tab (a tab line is never prose):
    the lines it keeps are those `_is_prose` keeps, in order, with their shapes."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    piece = st.sampled_from(["规章", "0", "。", "\t", " ", "  ", "申请人情况" * 10, "1.属于国家秘密", "x" * 95])

    @settings(max_examples=300, deadline=None)
    @given(st.lists(st.lists(piece, max_size=6).map("".join), max_size=8))
    def check(texts):
        lines = [SrcLine("ROW", t, i + 1) for i, t in enumerate(texts)]
        got = binder._tokenized(lines)
        want = [ln for ln in lines if not binder._is_prose(ln)]
        assert [ln for ln, _sh in got] == want
        assert all(sh is binder._SHAPES[ln.text] and sh.text == ln.text for ln, sh in got)

    check()


def _rows(texts: list[str]):
    specs, index = binder._template_rows("t3", "2021")
    notes: list = []
    lines = binder._tokenized([SrcLine("ROW", t, i + 1) for i, t in enumerate(texts)])
    rows, _labels = binder.assemble_rows(lines, specs, "t3", notes, index)
    return rows, notes


def test_stray_values_before_a_label_are_noted_and_left_out():
    """A row's values are the values after its label: values before it get a stray-values note
    (and only then); each row has a list of its own (rows extend theirs)."""
    rows, notes = _rows(["5\t6\t一、本年新收政府信息公开申请数量\t1\t2\t3\t4\t5\t6\t7",
                         "二、上年结转政府信息公开申请数量\t0\t0\t0\t0\t0\t0\t0",
                         "0\t0"])
    new, carried = rows["new"], rows["carried"]
    assert [v.raw for v in new.values] == ["1", "2", "3", "4", "5", "6", "7"]
    assert [v.pos for v in new.values] == [3, 4, 5, 6, 7, 8, 9]
    assert [n.code for n in notes] == ["table.stray_values"]
    assert "“5 6”" in notes[0].message and notes[0].line == 1
    assert [v.raw for v in carried.values] == ["0"] * 9  # the values alone on line 3 join the row above
    assert new.values is not carried.values
    # the shapes are not changed by the rows' lists
    assert len(binder._SHAPES["二、上年结转政府信息公开申请数量\t0\t0\t0\t0\t0\t0\t0"].values) == 7

    rows, notes = _rows(["一、本年新收政府信息公开申请数量\t1\t2\t3\t4\t5\t6\t7"])
    assert notes == [] and [v.raw for v in rows["new"].values] == ["1", "2", "3", "4", "5", "6", "7"]
