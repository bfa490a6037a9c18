"""The table binder's fast paths read exactly what the grammar and the plain paths read."""
from __future__ import annotations

import pytest

from auditor.parse import binder
from auditor.parse.cells import lark_fields, line_fields, row_cells_of

# Lines that exercise every token of grammars/cells.lark: blanks and tabs before, between and
# after words, empty fields, number-like words of every kind and words that only look like them.
TRICKY = [
    "", " ", "\t", " \t ", "\t\t", "a\t", "a \t", "a\t \tb", "\ta\t1", "  lead 1  2   3  ",
    "总计\t12\t\t3", "   (七) 总计    4  0  —", "第 2 项 内容 5 6", "1,234.5万元 -3 +4 12% 7件 8个 9条 10项",
    "— —— – － - / \\ 无 空 N/A NA n/a na", "1\ufffd2 \ufffd ,\ufffd. 12abc 1.2.3 3, ,3 .5 5.",
    "全角\u3000空格 1", "回车\r 2", "换行\n3 4", "x\t  1 \t 2\t", "1.属于国家秘密 0 0 0 0 0 0 0",
    "标签\t—\t-\t/\t无\tN/A\t12abc\t1\ufffd\t1,234万元\t第\t2\t\t", "1\t标签\t2 3\t4 标签\t 5\t",
]


@pytest.mark.parametrize("first", [True, False], ids=["first line", "later line"])
def test_line_fields_are_the_fields_of_larks_parse(first):
    """Each tricky line read alone, and after another line (Lark lexes a first line's leading
    blanks differently from a later line's)."""
    for line in TRICKY:
        lines = [line] if first else ["x", line]
        assert [line_fields(ln) for ln in lines] == lark_fields(lines), repr(line)


_SHAPE = ("tabbed", "labels", "values", "n_stray", "leaf", "fields_after", "label_texts")


def _shape_by_fields(fields, tabbed) -> dict:
    """What a line shape holds, derived field by field from the `RowCells` view of these fields."""
    labels, values, texts = [], [], []
    n_stray, leaf, grid = 0, "", False
    for pos, f in enumerate(row_cells_of(fields, tabbed).fields):
        tab_pos = pos if tabbed else None
        if f.label:
            n_stray = n_stray if labels else len(values)
            labels.append((" ".join(w[0] for w in f.label), tab_pos, f.label[0][1]))
            leaf, grid = f.label[-1][0], not f.values
        values += [(w[0], tab_pos, binder._value_of(w[0]), w[1]) for w in f.values]
        texts.append(f.text)
    return dict(zip(_SHAPE, (tabbed, tuple(labels), tuple(values), n_stray, leaf,
                             tuple(texts) if tabbed and labels and grid else None, tuple(lb[0] for lb in labels))))


def _seed_and_layout_lines() -> list[str]:
    from auditor.api import parse_file
    from auditor.parse.normalize import normalize
    from conftest import SEEDS
    from tools import layouts

    texts = [seed.read_text(encoding="utf-8") for seed in SEEDS]
    texts += [render(parse_file(seed)) for seed in SEEDS for render in (layouts.tab_text, layouts.markdown_text)]
    return [ln for text in texts for ln in normalize(text)]


def test_line_shapes_are_read_as_larks_fields():
    """A line's shape, read from its field texts without building the fields, holds what the
    fields of Lark's own parse hold: on the tricky lines and every seed and layout line."""
    lines = TRICKY + _seed_and_layout_lines()
    assert len(lines) > 1000
    for line, (fields, tabbed) in zip(lines, lark_fields(lines)):
        sh = binder._Shape(line)
        assert {k: getattr(sh, k) for k in _SHAPE} == _shape_by_fields(fields, tabbed), repr(line)


def test_word_fast_paths_read_as_the_grammar_and_parse_value():
    """Digit runs (any script's decimal digits, any length) are number-like as the grammar's VAL
    says, and a plain ASCII count has the value `parse_value` gives it."""
    from hypothesis import example, given, settings
    from hypothesis import strategies as st

    from auditor.parse import cells

    words = st.text(st.sampled_from("0123456789١٢３٣०৯," + "件.-—/无\ufffd万元%aX"), min_size=1, max_size=16)

    @settings(max_examples=500, deadline=None)
    @given(words)
    @example("123456789012")  # the longest count
    @example("1234567890123")  # too long for a count: no value, still number-like
    @example("０１２")
    def check(word):
        assert cells.number_like.__wrapped__(word) == (cells._value_word().fullmatch(word) is not None)
        want = binder.parse_value(word) if binder._VALUE.match(word) else None
        assert binder._value_of.__wrapped__(word) == want and type(binder._value_of.__wrapped__(word)) is type(want)

    check()
