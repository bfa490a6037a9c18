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
