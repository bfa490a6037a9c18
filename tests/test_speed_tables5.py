"""The binder's shortcuts (speed-tables5) give what the plain ways give."""
from __future__ import annotations

from auditor.parse import binder
from auditor.parse.cells import line_fields, row_cells_of

# Words of table lines: labels, counts, placeholders, damaged and look-alike numbers.
_WORDS = ["", "规章", "1.属于国家秘密", "(七)总计", "0", "12", "+23", "24575.93万", "1,234", "—", "/", "无",
          "N/A", "1\ufffd", "12abc", "３", "第", " ", "  "]


def test_field_texts_and_labels_are_the_row_cells_view():
    """`_Shape.field_texts` are the `Field.text`s of the line's `row_cells`, and a shape without
    labels is a line none of whose fields has a label part (what `bind_t4` asks of its value line)."""
    from hypothesis import example, given, settings
    from hypothesis import strategies as st

    field = st.lists(st.sampled_from(_WORDS), max_size=5).map(" ".join)

    @settings(max_examples=400, deadline=None)
    @given(st.lists(field, min_size=1, max_size=16).map("\t".join))
    @example("\t".join(["0"] * 15))
    @example("\t".join(["0 "] * 7 + [" 1", "", "—", "  2  "] + ["3"] * 4))
    @example("复议 0\t0")
    def check(text):
        rc = row_cells_of(*line_fields(text))
        sh = binder._Shape(text)
        assert sh.field_texts == [f.text for f in rc.fields], repr(text)
        assert sh.tabbed == rc.tabbed
        assert (not sh.labels) == (not any(f.label for f in rc.fields)), repr(text)

    check()


def test_repeated_cells_read_as_each_cell_alone():
    """A one-word field equal to the last value field is a value of the same number (the shape
    readers do not ask again): each value is what `_value_of` and `number_like` say of its word."""
    from hypothesis import example, given, settings
    from hypothesis import strategies as st

    from auditor.parse.cells import field_words, line_parts, number_like

    @settings(max_examples=400, deadline=None)
    @given(st.lists(st.sampled_from(["0", "0", "12", "—", "无", "规章", "1.属于国家秘密", "", "0 0", "a 0", "１"]),
                    min_size=1, max_size=12).map("\t".join))
    @example("规章\t0\t0\t0\t0")
    @example("(一) 予以公开\t0\t0\t规章\t0\t0 0\t0")
    def check(text):
        sh = binder._Shape(text)
        want, col, parts = [], 0, line_parts(text)
        for pos, part in enumerate(parts):
            words = field_words(part, col)
            cut = len(words)
            while cut and words[cut - 1][2]:
                cut -= 1
            want += [(w, pos if len(parts) > 1 else None, binder._value_of(w), c) for w, c, _nl in words[cut:]]
            col += len(part) + 1
        assert list(sh.values) == want, repr(text)
        assert all(number_like(v[0]) for v in sh.values)

    check()
