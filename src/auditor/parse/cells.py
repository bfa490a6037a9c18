"""Table row lines → fields of words with their offsets, as the Lark grammar grammars/cells.lark reads them.

The binder anchors rows on their labels; this module only says what a row line holds: its
fields (tab fields, or the whole line), and in each field the label part and the cell values
(the trailing run of number-like words), each word with its character offset in the line.

The grammar is flat (a row is any sequence of its tokens, each a word with the blanks or the tab
before it), so a line's fields are its tab-separated parts and their words its runs of
non-blanks: `line_parts` and `field_words` read them with `str.split`, and ask the grammar's own terminals
(compiled from Lark's contextual lexer; the per-user cache keeps that regex, parse/lalr.py, so
later runs never import Lark) only which words are number-like. A test compares `line_fields`
with the fields of Lark's own parse (`lark_fields`). Markdown pipe rows are scanned with the
cached regex.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..resources import grammar_text
from . import lalr

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

    return Lark(grammar_text("cells.lark"), transformer=_Rows(), **_OPTIONS)


_OPTIONS = dict(parser="lalr", lexer="contextual", start=["rows", "piperows"], maybe_placeholders=False)


def _compile() -> dict:
    """The regexes of the contextual lexer's terminals: per start symbol, those of its start state
    (every state of this flat grammar accepts a subset of them, and a subset no other token could
    take: VAL/WORD begin without blanks, and every token but a row's first follows a blank or a
    tab); and the number-like word (VAL) alone."""
    lark = _parser()
    table = lark.parser.parser.parser.parse_table
    lexers = lark.parser.lexer.lexers
    return {"starts": {start: "|".join(f"(?P<{t.name}>{t.pattern.to_regexp()})" for t in lexers[state].terminals)
                       for start, state in table.start_states.items()},
            "value": lark.get_terminal("VAL").pattern.to_regexp()}


@lru_cache(maxsize=1)
def _lexer() -> dict:
    return lalr.table("cells-lexer", grammar_text("cells.lark"), repr(sorted(_OPTIONS.items())), _compile)


@lru_cache(maxsize=None)  # (compiled when first used: rows are read by `line_parts`, not scanned)
def _scanner(start: str) -> re.Pattern:
    return re.compile(_lexer()["starts"][start])


@lru_cache(maxsize=1)
def _value_word() -> re.Pattern:
    return re.compile(_lexer()["value"])


def _scan(text: str, start: str) -> list[list[tuple[str, str, int]]] | None:
    """The rows of `text` as (terminal, text, column) tokens, or None if a character is not lexed."""
    rows: list[list[tuple[str, str, int]]] = [[]]
    row = rows[0]
    pos, line_start, n = 0, 0, len(text)
    # finditer tries each position as `match` would: a token that does not start where the last
    # one ended is a character no terminal lexes.
    for m in _scanner(start).finditer(text):
        if pos == n:
            break
        tok = m.group()
        if m.start() != pos or not tok:
            return None
        kind = m.lastgroup
        if kind == "_NL":
            row = []
            rows.append(row)
            line_start = pos + tok.index("\n") + 1
        else:
            row.append((kind, tok, pos - line_start))
        pos += len(tok)
    return rows if pos == n else None


def lark_rows(text: str, start: str = "rows") -> list[list[tuple[str, str, int]]]:
    """The (terminal, text, column) tokens of each row from Lark's parser (the reference)."""
    return [[(t.type, str(t), t.column - 1) for t in row] for row in _parser().parse(text, start=start)]


def value_cut(words: list[Word]) -> int:
    """Where a field's cell values begin: its trailing run of number-like words."""
    cut = len(words)
    while cut and words[cut - 1][2]:
        cut -= 1
    return cut


def _field(words: list[Word]) -> Field:
    cut = value_cut(words)
    return Field(words[:cut], words[cut:]) if cut else Field([], words)


def row_cells_of(fields: list[list[Word]], tabbed: bool) -> RowCells:
    """The cells of one line's fields (`line_fields`)."""
    return RowCells([_field(words) for words in fields], tabbed)


def row_cells(lines: list[str]) -> list[RowCells]:
    """The cells of each line (trailing blanks are ignored); the binder keeps its own memo of
    the lines it has seen (binder._SHAPES)."""
    return [row_cells_of(*line_fields(ln)) for ln in lines]


def _row_text(line: str) -> str:
    return line.replace("\n", " ").rstrip(" ")


@lru_cache(maxsize=4096)  # words recur ("0"); forgotten with the other text memos (benchmarks/timing.py)
def number_like(word: str) -> bool:
    """The grammar lexes this word as a cell value (VAL, which it tries before WORD: digits,
    placeholders, damaged numbers). A run of decimal digits always is (VAL begins with a digit run)."""
    return word.isdecimal() or _value_fullmatch(word) is not None


def _value_fullmatch(word: str) -> re.Match | None:
    """`_value_word().fullmatch(word)`. The first call puts the pattern's bound method in its
    place: label words are asked too, and a memo lookup of the pattern per word costs as much as
    the match (the pattern is still read from the user cache on first use only)."""
    global _value_fullmatch
    _value_fullmatch = _value_word().fullmatch
    return _value_fullmatch(word)


def line_parts(line: str) -> list[str]:
    """The texts of a line's fields: its tab-separated parts (trailing blanks are ignored). Each
    token of the grammar is a word with the blanks or the tab before it, a tab opening a field
    (maybe empty)."""
    return _row_text(line).split("\t")


def field_words(part: str, col: int) -> list[Word]:
    """The words of a field's text (`line_parts`) that begins at offset `col` of its line: its
    runs of non-blanks (so a part without a blank is one word, or none)."""
    words = []
    for word in part.split(" "):
        if word:
            words.append((word, col, number_like(word)))
        col += len(word) + 1
    return words


def line_fields(line: str) -> tuple[list[list[Word]], bool]:
    """The words of each field of a line (a field's label part and values are not yet told apart:
    `Field`), and whether the line has tab fields."""
    fields: list[list[Word]] = []
    col = 0
    for part in line_parts(line):
        fields.append(field_words(part, col))
        col += len(part) + 1
    return fields, len(fields) > 1


def split_fields(tokens) -> tuple[list[list[Word]], bool]:
    """`line_fields` of one row's (terminal, text, column) tokens (`lark_rows`)."""
    fields: list[list[Word]] = []
    words: list[Word] = []
    tabbed = False
    for kind, tok, column in tokens:
        if kind in _FIELD_START:  # a tab closes the field before it (maybe empty) and opens one
            fields.append(words)
            words = []
            tabbed = True
            if kind == "TAB":
                continue
        text = tok.lstrip(" \t")
        words.append((text, column + len(tok) - len(text), kind in _VALUE_KINDS))
    fields.append(words)
    return fields, tabbed


def lark_fields(lines: list[str]) -> list[tuple[list[list[Word]], bool]]:
    """The fields of each line by Lark's own parse of all lines at once (the reference)."""
    return [split_fields(tokens) for tokens in lark_rows("\n".join(_row_text(ln) for ln in lines))]


def pipe_rows(lines: list[str]) -> list[list[str]]:
    """The cell texts of Markdown table rows "| a | b |" (outer pipes dropped, empty cells kept),
    all rows in one parse."""
    texts = [ln.strip() for ln in lines]
    if not texts:
        return []
    out = []
    joined = "\n".join(texts)
    rows = _scan(joined, "piperows")
    if rows is None or len(rows) != len(texts):
        rows = lark_rows(joined, "piperows")
    for text, toks in zip(texts, rows):
        cells: list[str] = []
        cur = ""
        for kind, tok, _col in toks:
            if kind == "PIPE":
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
