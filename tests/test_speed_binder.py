"""The binder's fast paths build exactly what the plain ways build."""
from __future__ import annotations

import dataclasses

from auditor.model import Cell
from auditor.parse import binder


def test_value_items_are_the_items_the_dataclass_builds():
    """`_Shape.value_items` sets the fields of each item itself: they must be all of Item's
    fields, with the values the dataclass constructor gives them."""
    assert [f.name for f in dataclasses.fields(binder.Item)] == ["value", "raw", "line", "source", "pos", "col"]
    for text in ["规章\t0\t0\t0", "1.属于国家秘密 0 0 0 0 0 0 0", "\t\t—\t1,234万元\t12abc\t1\ufffd", "标签", "",
                 "3 标签 4\t5 6"]:
        sh = binder._Shape(text)
        items = sh.value_items(7)
        want = [binder.Item(val, t, 7, None, pos, col) for t, pos, val, col in sh.values]
        assert items == want
        for it, w in zip(items, want):
            assert type(it) is binder.Item and isinstance(it, Cell)
            assert [getattr(it, f.name) for f in dataclasses.fields(w)] == [getattr(w, f.name) for f in dataclasses.fields(w)]
            assert it.to_dict() == w.to_dict()
        assert sh.value_items(7) is not items  # a new list each time (rows extend theirs)


_SHAPE = ("tabbed", "labels", "values", "n_stray", "leaf", "fields_after", "label_texts")


def _read(method: str, parts: list[str]) -> dict:
    sh = object.__new__(binder._Shape)
    getattr(sh, method)(parts)
    return {k: getattr(sh, k) for k in _SHAPE}


# Words of table lines: labels, counts, placeholders, damaged and look-alike numbers.
_WORDS = ["", "规章", "1.属于国家秘密", "(七)总计", "0", "12", "+23", "-262", "24575.93万", "1,234", "—", "/", "无",
          "N/A", "1\ufffd", "12abc", "３", "第", "、"]


def test_lines_without_blanks_read_as_the_general_path():
    """`_Shape._read_words` (lines without blanks: one word, or tab fields of one word or none)
    reads what the general `_read_fields` reads from the same line's `line_parts`."""
    from hypothesis import example, given, settings
    from hypothesis import strategies as st

    from auditor.parse.cells import line_parts

    @settings(max_examples=400, deadline=None)
    @given(st.lists(st.sampled_from(_WORDS) | st.text(st.sampled_from("0１9,.-万件项a标\ufffd"), max_size=4),
                    min_size=1, max_size=9))
    @example([""])
    @example(["规章"])
    @example(["0"])
    @example(["", ""])
    def check(fields):
        text = "\t".join(fields)
        assert text.split("\t") == line_parts(text)
        assert _read("_read_words", text.split("\t")) == _read("_read_fields", line_parts(text)), repr(text)
        sh = binder._Shape(text)  # (the constructor takes the fast path)
        assert {k: getattr(sh, k) for k in _SHAPE} == _read("_read_fields", line_parts(text))

    check()


def test_lines_with_blanks_read_as_larks_fields():
    """`_Shape._read_fields` (lines with blanks: label and values sharing a field, doubled,
    leading and trailing blanks, one field or tab fields) holds what Lark's fields hold."""
    from hypothesis import example, given, settings
    from hypothesis import strategies as st
    from test_speed_tables import _SHAPE as FIELDS_SHAPE, _shape_by_fields

    from auditor.parse.cells import lark_fields

    field = st.lists(st.sampled_from(_WORDS), max_size=5).map(" ".join) | st.sampled_from(["  ", " 0 ", "a  1", " "])
    line = st.lists(field, min_size=1, max_size=6).map("\t".join)

    @settings(max_examples=300, deadline=None)
    @given(line)
    @example("1.属于国家秘密 0 0 0 0 0 0 0")
    @example("\t(三) 不予公开\t1. 属于国家秘密\t0\t0\t0")
    @example("3 标签 4\t5 6")
    @example("规章 ")
    def check(text):
        sh = binder._Shape(text)
        (fields, tabbed), = lark_fields([text])
        assert {k: getattr(sh, k) for k in FIELDS_SHAPE} == _shape_by_fields(fields, tabbed), repr(text)

    check()


def test_words_cut_reads_as_field_words_and_value_cut():
    """`_words_cut` (single blanks read without `field_words`' tuples, number-likeness asked of
    the trailing words only) gives the words, offsets and cut of `field_words` and `value_cut`."""
    from hypothesis import example, given, settings
    from hypothesis import strategies as st

    from auditor.parse.cells import field_words, value_cut

    part = st.lists(st.sampled_from(_WORDS + [" "]), min_size=1, max_size=8).map(" ".join)

    @settings(max_examples=400, deadline=None)
    @given(part, st.integers(0, 40))
    @example("1. 属于国家秘密", 3)
    @example("规章 0 0 0", 0)
    @example("0 标签 1", 0)
    @example(" a  1 ", 5)
    def check(text, col):
        fw = field_words(text, col)
        assert binder._words_cut(text, col) == ([w[0] for w in fw], [w[1] for w in fw], value_cut(fw)), repr(text)

    check()
