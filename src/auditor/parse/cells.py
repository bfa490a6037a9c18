"""Table row lines → fields of words with their offsets, by the Lark grammar grammars/cells.lark.

The binder anchors rows on their labels; this module only says what a row line holds: its
fields (tab fields, or the whole line), and in each field the label part and the cell values
(the trailing run of number-like words), each word with its character offset in the line.
The lines of one table are parsed in a single call (the parser is built lazily, once).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from ..resources import grammar_text

_FIELD_START = frozenset(("TVAL", "TAB", "TWORD"))
_VALUE_KINDS = frozenset(("VAL", "TVAL", "SVAL"))

# A word: (text, character offset in the line, number-like). Tuples: tables have many words.
Word = tuple[str, int, bool]


@dataclass(slots=True)
class Field:
    label: list[Word]  # label words (number-like words followed by label text included)
    values: list[Word]  # the trailing number-like words: the field's cell values

    @property
    def text(self) -> str:
        return " ".join(w[0] for w in self.label + self.values)


@dataclass(slots=True)
class RowCells:
    fields: list[Field]
    tabbed: bool  # the line has tab fields (empty fields are blank cells at their positions)


@lru_cache(maxsize=1)
def _parser():
    from lark import Lark, Transformer

    class _Rows(Transformer):
        def rows(self, children):
            return children

        def row(self, children):
            return children

        def piperows(self, children):
            return children

        def piperow(self, children):
            return children

    from ..resources import lark_cache

    text = grammar_text("cells.lark")
    options = dict(parser="lalr", lexer="contextual", start=["rows", "piperows"], maybe_placeholders=False)
    return Lark(text, cache=lark_cache("cells", text, options), transformer=_Rows(), **options)


def _field(words: list[Word]) -> Field:
    cut = len(words)
    while cut and words[cut - 1][2]:
        cut -= 1
    return Field(words[:cut], words[cut:]) if cut else Field([], words)


def _row_cells(tokens) -> RowCells:
    fields: list[Field] = []
    words: list[Word] = []
    tabbed = False
    for tok in tokens:
        kind = tok.type
        if kind in _FIELD_START:  # a tab closes the field before it (maybe empty) and opens one
            fields.append(_field(words))
            words = []
            tabbed = True
            if kind == "TAB":
                continue
        text = tok.lstrip(" \t")
        words.append((text, tok.column - 1 + len(tok) - len(text), kind in _VALUE_KINDS))
    fields.append(_field(words))
    return RowCells(fields, tabbed)


# Row lines recur across reports ("1.属于国家秘密 0 0 0 0 0 0 0"): each distinct line is
# tokenized once per process. Bounded: cleared when full (entries are small and immutable).
_MEMO: dict[str, RowCells] = {}
MEMO_MAX = 20_000


def row_cells(lines: list[str]) -> list[RowCells]:
    """The cells of each line (trailing blanks are ignored)."""
    texts = [ln.replace("\n", " ").rstrip(" ") for ln in lines]
    got = {t: _MEMO.get(t) for t in texts}  # a local view: another thread may clear the memo
    todo = [t for t, rc in got.items() if rc is None]
    if todo:
        if len(_MEMO) + len(todo) > MEMO_MAX:
            _MEMO.clear()
        for text, tokens in zip(todo, _parse_rows(todo)):
            got[text] = _MEMO[text] = _row_cells(tokens)
    return [got[t] for t in texts]


def _parse_rows(texts: list[str]) -> list:
    from lark.exceptions import LarkError

    try:
        return _parser().parse("\n".join(texts), start="rows")
    except LarkError:  # not expected (every line is words and separators): read line by line
        rows = []
        for t in texts:
            try:
                rows.append(_parser().parse(t, start="rows")[0])
            except LarkError:
                rows.append([])
        return rows


def pipe_rows(lines: list[str]) -> list[list[str]]:
    """The cell texts of Markdown table rows "| a | b |" (outer pipes dropped, empty cells kept),
    all rows in one parse."""
    texts = [ln.strip() for ln in lines]
    if not texts:
        return []
    out = []
    for text, toks in zip(texts, _parser().parse("\n".join(texts), start="piperows")):
        cells: list[str] = []
        cur = ""
        for tok in toks:
            if tok.type == "PIPE":
                cells.append(cur.strip())
                cur = ""
            else:
                cur += tok
        cells.append(cur.strip())
        if text.startswith("|"):
            cells = cells[1:]
        if text.endswith("|") and cells:
            cells = cells[:-1]
        out.append(cells)
    return out


def pipe_cells(line: str) -> list[str]:
    """The cell texts of one Markdown table row."""
    return pipe_rows([line])[0]
