"""The table binder's fast paths read exactly what the grammar and the plain paths read."""
from __future__ import annotations

import pytest

from auditor.parse.cells import lark_fields, line_fields

# Lines that exercise every token of grammars/cells.lark: blanks and tabs before, between and
# after words, empty fields, number-like words of every kind and words that only look like them.
TRICKY = [
    "", " ", "\t", " \t ", "\t\t", "a\t", "a \t", "a\t \tb", "\ta\t1", "  lead 1  2   3  ",
    "总计\t12\t\t3", "   (七) 总计    4  0  —", "第 2 项 内容 5 6", "1,234.5万元 -3 +4 12% 7件 8个 9条 10项",
    "— —— – － - / \\ 无 空 N/A NA n/a na", "1\ufffd2 \ufffd ,\ufffd. 12abc 1.2.3 3, ,3 .5 5.",
    "全角\u3000空格 1", "回车\r 2", "换行\n3 4", "x\t  1 \t 2\t", "1.属于国家秘密 0 0 0 0 0 0 0",
]


@pytest.mark.parametrize("first", [True, False], ids=["first line", "later line"])
def test_line_fields_are_the_fields_of_larks_parse(first):
    """Each tricky line read alone, and after another line (Lark lexes a first line's leading
    blanks differently from a later line's)."""
    for line in TRICKY:
        lines = [line] if first else ["x", line]
        assert [line_fields(ln) for ln in lines] == lark_fields(lines), repr(line)
