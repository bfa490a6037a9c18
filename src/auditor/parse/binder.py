"""Template binding: table lines → canonical rows and cells, anchored on row labels.

Layouts differ (tab-separated rows, one cell per line, space-separated rows with wrapped labels),
so rows are never read as a stream of digits into a fixed grid. A row starts where its label is
recognised; the values after it, up to the next recognised label, are its values.

When a row has the wrong number of values, we do not guess:
- if the extraction kept tab positions and the whole table's grid agrees with its header, the
  positions tell which cells are blank;
- if the table's tab fields form a uniform grid (HTML/DOCX readers, spreadsheet copies, Markdown
  pipe tables), a row's empty fields are blank cells at their columns (`field_slots`);
- otherwise the row gets every alternative reading (which values belong to which columns) and a
  parse note. A cell is known only when all readings agree on it.
"""
from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from ..model import Cell, ParseNote, Row, Table
from ..resources import load_toml
from . import flattened
from .cells import field_words, line_parts, number_like, value_cut
from .document import SrcLine
from .normalize import key
from .rowlabels import AliasIndex, RowMatcher, alias_index, label_key

_VALUE = re.compile(r"^[+-]?\d[\d,]*(?:\.\d+)?(?:万元|万|元|%|件|个|条|项)?$")
_PLACEHOLDER = re.compile(r"^(?:/|-|—|——|–|－|\\|无|空|N/?A|n/?a|/)$")
# A label word that starts a numbered row ("6.属", "（四", "三、"): never the rest of another label.
_ROW_ENUM = re.compile(r"^(?:\d{1,2}[.．、]|[(（][一二三四五六七八九十\d]{1,3}(?:[)）]|$)|[一二三四五六七八九十]{1,2}、)")
MAX_EXTRA = 2  # beyond this many missing/surplus values a row is left undetermined
MAX_DIGITS = 12  # a longer digit run is not a count (garbled extraction, concatenated cells)
# A number-like token damaged by the decoder (U+FFFD replacement character): a cell, never a count.
_DAMAGED = re.compile(r"^[\d,.\ufffd]*\ufffd[\d,.\ufffd]*$")


@dataclass(slots=True)
class Item(Cell):
    """A value word of a table line (labels stay with the line's `_Shape`): the cell it reads as
    (`raw`: the word), and where it stands in the line. A row whose values fill its columns keeps
    its items as its cells (one object per value: tables have many)."""
    pos: int | None = None  # tab field index (tab-separated lines only)
    col: int | None = None  # character offset in the line (the column in space-aligned text)


@dataclass(slots=True)
class _RowAcc:
    spec: dict
    idx: int
    label: str
    line: int
    label_pos: Sequence[int] = ()  # (shared, never changed)
    values: list[Item] = field(default_factory=list)
    extra_sources: list["_RowAcc"] = field(default_factory=list)
    # All tab fields of the label's line (empty ones included), when the line was tab-separated;
    # None otherwise or once values from other lines were added.
    fields_after: Sequence[str] | None = None


def field_slots(accs: dict[str, "_RowAcc"], ncols: int) -> dict[str, Sequence[str]]:
    """Value fields per row when the table's tab fields form a trustworthy grid.

    Either every row line has the same number of fields W (HTML/DOCX readers emit one field per
    grid column; spreadsheets copy that way): the last `ncols` fields are the value columns; or
    every row has exactly `ncols` fields after its label. Ragged extractions (trailing tabs on
    some rows, merged cells dropped on others) are not a grid: their empty fields prove nothing.
    """
    rows = {k: a for k, a in accs.items() if not a.extra_sources}
    # A row whose label is on a line of its own has no label field to count its values from.
    if len(rows) < 3 or any(a.fields_after is None or not a.label_pos for a in rows.values()):
        return {}
    widths = {len(a.fields_after) for a in rows.values()}
    if len(widths) == 1 and (w := widths.pop()) > ncols:
        if all(max(a.label_pos) < w - ncols for a in rows.values()):
            return {k: a.fields_after[w - ncols:] for k, a in rows.items()}
        return {}
    after = {k: a.fields_after[max(a.label_pos) + 1:] for k, a in rows.items()}
    if all(len(f) == ncols for f in after.values()):
        return after
    return {}


def parse_value(tok: str) -> float | int | None:
    if tok.isascii() and tok.isdigit() and len(tok) <= MAX_DIGITS:
        return int(tok)  # the common case: a plain count
    t = tok.replace(",", "")
    t = re.sub(r"(万元|万|元|%|件|个|条|项)$", "", t)
    if sum(ch.isdigit() for ch in t) > MAX_DIGITS:
        return None
    try:
        return int(t)
    except ValueError:
        return float(t)


def is_value_token(tok: str) -> bool:
    return bool(_VALUE.match(tok) or _PLACEHOLDER.match(tok) or _DAMAGED.match(tok))


def unreadable_reason(raw: str) -> str | None:
    """Why a number-like cell is not a count, or None."""
    if "\ufffd" in raw:
        return "含有无法解码的字符（U+FFFD），不作为数字"
    if sum(ch.isdigit() for ch in raw) > MAX_DIGITS:
        return f"超过 {MAX_DIGITS} 位数字，不作为数字"
    return None


# A label of a line: (text, tab field index or None, character offset).
Label = tuple[str, "int | None", int]


class _Shape:
    """What one distinct line text holds, independent of where it stands: its labels and values
    (without the line number), and what the binder asks of them. Worked out once per process per
    text (row lines recur: "1.属于国家秘密 0 0 0 0 0 0 0"), straight from the line's field texts
    (`line_parts`; a test compares the shapes with the fields of Lark's parse): most lines are read
    once, so what the binder asks of some lines only (joined labels, the field texts) is
    derived when asked for."""

    __slots__ = ("text", "tabbed", "labels", "values", "n_stray", "fields_after", "leaf", "label_texts",
                 "label_pos", "key")

    def __init__(self, text: str):
        # `key`: `normalize.key` of the line (the template markers are looked for in it; every
        # 表二/表三 line is asked, most once or twice: set here, not behind a property).
        self.text, self.key = text, key(text)
        if " " not in text and "\n" not in text:
            self._read_words(text.split("\t"))  # (`line_parts` of a line without blanks)
        else:
            self._read_fields(line_parts(text))

    def _read_fields(self, parts: list[str]) -> None:
        """`__init__` of any line, from its field texts (`line_parts`)."""
        if len(parts) == 1:  # no tab fields: the line is one field
            words, cols, cut = _words_cut(parts[0], 0)  # label words, then the values
            self.tabbed, self.n_stray, self.fields_after, self.label_pos = False, 0, None, ()
            if cut:
                label = " ".join(words[:cut])
                self.labels, self.label_texts, self.leaf = ((label, None, cols[0]),), (label,), words[cut - 1]
            else:
                self.labels = self.label_texts = ()
                self.leaf = ""
            self.values = tuple([(word, None, _value_of(word), word_col) for word, word_col in zip(words[cut:], cols[cut:])])
            return
        labels: list[Label] = []
        # The labels' texts and tab positions, kept as they are found (every row line is asked
        # for them: a comprehension per line costs a function call).
        label_texts: list[str] = []
        label_pos: list[int] = []
        values: list[tuple] = []  # (text, tab position, value, column)
        n_stray = 0  # values before the first label
        last_has_values = False  # the last label's field holds values too ("label 1 2")
        leaf = ""  # the last label word
        col = 0  # where the field begins in the line
        # The last one-word value field's word and value: cells repeat ("0\t0\t0"), a repeat is not
        # asked again whether it is number-like and what it stands for.
        last_word, last_value = None, None
        for tab_pos, part in enumerate(parts):
            if part == last_word:  # (asked first: most fields repeat the value before them)
                values.append((part, tab_pos, last_value, col))
            elif " " in part:
                words, cols, cut = _words_cut(part, col)  # label words, then the values
                parts[tab_pos] = " ".join(words)  # (`Field.text`: fields_after holds it)
                if cut:
                    if not labels:
                        n_stray = len(values)
                    label = " ".join(words[:cut])
                    labels.append((label, tab_pos, cols[0]))
                    label_texts.append(label)
                    label_pos.append(tab_pos)
                    leaf, last_has_values = words[cut - 1], cut < len(words)
                for word, word_col in zip(words[cut:], cols[cut:]):
                    values.append((word, tab_pos, _value_of(word), word_col))
            elif part:  # most tab fields: one word or none (`field_words`), read without splitting
                if number_like(part):
                    last_word, last_value = part, _value_of(part)
                    values.append((part, tab_pos, last_value, col))
                else:
                    if not labels:
                        n_stray = len(values)
                    labels.append((part, tab_pos, col))
                    label_texts.append(part)
                    label_pos.append(tab_pos)
                    leaf, last_has_values = part, False
            col += len(part) + 1
        self.tabbed = True
        self.labels, self.values, self.n_stray, self.leaf = tuple(labels), tuple(values), n_stray, leaf
        # All tab fields of the label's line (empty ones included), or None when the line has no
        # field grid (values sharing the label's field).
        self.fields_after = tuple(parts) if labels and not last_has_values else None
        self.label_texts, self.label_pos = tuple(label_texts), tuple(label_pos)

    def _read_words(self, parts: list[str]) -> None:
        """`__init__` of a line without blanks (most grid rows, and single words of wrapped
        labels): each field is one word or none, so no field holds both a label and values."""
        if len(parts) == 1:  # one word (or none), no tab fields
            word = parts[0]
            self.tabbed, self.n_stray, self.fields_after, self.label_pos = False, 0, None, ()
            if not word:
                self.labels = self.values = self.label_texts = ()
                self.leaf = ""
            elif number_like(word):
                self.labels = self.label_texts = ()
                self.values = ((word, None, _value_of(word), 0),)
                self.leaf = ""
            else:
                self.labels, self.values, self.label_texts = ((word, None, 0),), (), (word,)
                self.leaf = word
            return
        labels: list[Label] = []
        label_texts: list[str] = []  # (as in `_read_fields`)
        label_pos: list[int] = []
        values: list[tuple] = []
        n_stray, leaf, col = 0, "", 0
        last_word, last_value = None, None  # the last value word and its value (`_read_fields`)
        for tab_pos, part in enumerate(parts):
            if part == last_word:  # (asked first, as in `_read_fields`)
                values.append((part, tab_pos, last_value, col))
            elif part:
                if number_like(part):
                    last_word, last_value = part, _value_of(part)
                    values.append((part, tab_pos, last_value, col))
                else:
                    if not labels:
                        n_stray = len(values)
                    labels.append((part, tab_pos, col))
                    label_texts.append(part)
                    label_pos.append(tab_pos)
                    leaf = part
            col += len(part) + 1
        self.tabbed, self.n_stray, self.leaf = True, n_stray, leaf
        self.labels, self.values = tuple(labels), tuple(values)
        self.fields_after = tuple(parts) if labels else None
        self.label_texts, self.label_pos = tuple(label_texts), tuple(label_pos)

    @property
    def leaf_enum(self) -> bool:
        """The leaf label starts a numbered row ("6.属")."""
        return _ROW_ENUM.match(self.leaf) is not None

    @property
    def label_text(self) -> str:
        return " ".join(self.label_texts)

    @property
    def label_join(self) -> str:
        return "".join(self.label_texts)

    @property
    def field_texts(self) -> list[str]:
        """The texts of the line's fields, words joined by single blanks (`Field.text` of the
        line's `row_cells`): read from the line's parts, without building its cells."""
        return [" ".join([w for w in part.split(" ") if w]) for part in line_parts(self.text)]

    def value_items(self, line: int) -> list[Item]:
        """The line's value words as items of this line (a new list: rows extend theirs)."""
        # Built without calling the dataclass __init__ (a Python frame per item; tables have many
        # items): every field of Item is set here (tests/test_speed_binder.py checks the field list).
        out = []
        for t, pos, val, col in self.values:
            it = _new_item(Item)
            it.value = val
            it.raw = t
            it.line = line
            it.source = None
            it.pos = pos
            it.col = col
            out.append(it)
        return out


_new_item = object.__new__


def _words_cut(part: str, col: int) -> tuple[list[str], list[int], int]:
    """The words of a field that begins at offset `col` (`field_words`), their offsets, and where
    its values begin (`value_cut`). Words parted by single blanks (most fields) are read without
    building `field_words`' tuples; only the trailing words are asked whether they are number-like."""
    words = part.split(" ")
    if "" in words:  # doubled, leading or trailing blanks
        fw = field_words(part, col)
        return [w[0] for w in fw], [w[1] for w in fw], value_cut(fw)
    cols = []
    for word in words:
        cols.append(col)
        col += len(word) + 1
    cut = len(words)
    while cut and number_like(words[cut - 1]):
        cut -= 1
    return words, cols, cut


@lru_cache(maxsize=4096)  # value words recur ("0")
def _value_of(word: str) -> float | int | None:
    """The number a value word stands for; None for placeholders and damaged numbers."""
    # (a digit run always matches _VALUE: the regex is spared for the common case)
    return parse_value(word) if word.isdecimal() or _VALUE.match(word) else None


# Shapes by line text; bounded: cleared when full (entries are small and immutable).
_SHAPES: dict[str, _Shape] = {}
SHAPES_MAX = 20_000


def _tokenized(lines: list[SrcLine]) -> list[tuple[SrcLine, _Shape]]:
    """The table lines that are not prose, with their shapes (worked out for the new ones)."""
    out = []
    for ln in lines:
        text = ln.text
        # (a tab line is never prose: most table lines; nor is a short line without "。")
        if "\t" not in text and ("。" in text or len(text) > 90) and _is_prose(ln):
            continue
        sh = _SHAPES.get(text)
        if sh is None:
            if len(_SHAPES) >= SHAPES_MAX:
                _SHAPES.clear()
            sh = _SHAPES[text] = _Shape(text)  # (kept in `sh`: another thread may clear)
        out.append((ln, sh))
    return out


_GAPS = re.compile(r"  +")


def _is_prose(ln: SrcLine) -> bool:
    s = ln.text
    if "\t" in s:
        return False
    if "。" in s:
        return True
    # Column gaps of space-aligned text (pdftotext -layout) do not make a table row long.
    return len(s) > 90 and len(_GAPS.sub(" ", s.strip())) > 90


def assemble_rows(lines: list[tuple[SrcLine, _Shape]], specs: list[dict], table: str,
                  notes: list[ParseNote], index: AliasIndex | None = None) -> tuple[dict[str, _RowAcc], list[Label]]:
    """Group the items of the table lines (`_tokenized`) into rows by label (`index`: the specs'
    `alias_index`, when kept). Returns rows by key and the labels at tab positions."""
    matcher = RowMatcher(specs, index)
    index = matcher.index
    rows: dict[str, _RowAcc] = {}
    labels: list[Label] = []
    cur: _RowAcc | None = None
    pending: list[str] = []
    # A row whose values stand beside the first characters of its label, the rest of the label
    # wrapped below ("8.属 0 0 0 0 0 0 0" / "于行" / "政查" / "询事" / "项": borderless PDFs with
    # narrow label columns): values kept until the label, read on, names its row.
    orphan: _RowAcc | None = None

    def drop_orphan() -> None:
        nonlocal orphan
        if orphan is not None and orphan.values:  # a group label ("三、本年度办理结果") holds none
            notes.append(ParseNote("table.unassigned_values",
                                   f"第{orphan.line}行的数值“{' '.join(v.raw for v in orphan.values)}”所在行的行标签"
                                   f"“{orphan.label}”无法识别，这些数值不归入任何行", orphan.line, table, None))
        orphan = None

    for ln, sh in lines:
        if not sh.labels:
            if not sh.values:
                continue
            if orphan is None:
                # Values alone (one cell per line, wrapped rows) go to the row above, as the
                # general case below takes them when no orphan waits for its values.
                target = cur.extra_sources[-1] if cur is not None and cur.extra_sources else cur
                if target is not None:
                    target.values.extend(sh.value_items(ln.line))
                    target.fields_after = None
                continue
        line_labels = sh.label_texts
        if sh.tabbed:  # (header_positions reads labels at tab positions only)
            labels.extend(sh.labels)
        line_values = sh.value_items(ln.line) if sh.values else []  # (header and group label lines: none)
        leaf = sh.leaf
        if orphan is not None and line_labels and not sh.leaf_enum and not (line_values and orphan.values):
            orphan.label += leaf  # leaf labels stand right of group labels
            orphan.values = orphan.values or line_values  # values beside the middle of the label
            i = matcher.match(orphan.label)
            if i is not None and i > matcher.last and specs[i]["key"] not in rows:
                acc = _RowAcc(specs[i], i, orphan.label, orphan.line, [], orphan.values)
                rows[specs[i]["key"]] = acc
                matcher.last = i
                cur, orphan, pending = acc, None, []
            continue
        # `matcher.match` of each label, leaf label first (remembered per labels and position:
        # most lines are asked this only)
        matcher.typo = None
        hit, hit_text = index.leaf_hit(line_labels, matcher.last)
        if hit is None and line_labels:
            hit = matcher.match("".join(pending) + sh.label_join) if pending else None
            if hit is None:
                # `matcher.match` of the joined labels (fuzzy), then `matcher.typo_match` of each,
                # leaf label first (remembered per labels and position, as `leaf_hit`)
                hit, matcher.typo = index.loose_hit(line_labels, matcher.last)
            hit_text = line_labels[0] if hit is not None else None
        if hit is not None and orphan is not None:
            drop_orphan()
        if hit is not None and cur is not None and hit == cur.idx and not cur.values:
            cur.label += sh.label_join  # second half of a wrapped label
            cur.values = line_values
            cur.fields_after = sh.fields_after
            continue
        if hit is not None:
            spec = specs[hit]
            label_text = sh.label_text if len(line_labels) > 1 else hit_text
            # A row of every labelled line: built without calling the dataclass __init__ (as
            # `value_items` builds items; every field is set, tests/test_speed_tables6.py checks the list).
            acc = _new_item(_RowAcc)
            acc.spec = spec
            acc.idx = hit
            acc.label = label_text
            acc.line = ln.line
            acc.label_pos = sh.label_pos
            acc.extra_sources = []
            if sh.n_stray:
                stray = line_values[:sh.n_stray]
                notes.append(ParseNote("table.stray_values",
                                       f"第{ln.line}行在行标签前有无法归属的数值“{' '.join(s.raw for s in stray)}”，已忽略",
                                       ln.line, table, spec["key"]))
                line_values = line_values[sh.n_stray:]
            acc.values = line_values  # (a new list: `value_items`)
            acc.fields_after = sh.fields_after
            if matcher.typo is not None:
                notes.append(ParseNote("table.label_typo",
                                       f"第{ln.line}行的行标签“{matcher.typo}”与模板行“{spec['label']}”相差一个字，"
                                       "按表格顺序视为该行", ln.line, table, spec["key"]))
            if hit > matcher.last:
                matcher.last = hit
            row_key = spec["key"]
            first = rows.get(row_key)
            if first is not None:
                first.extra_sources.append(acc)
                notes.append(ParseNote("table.duplicate_row",
                                       f"“{spec['label']}”行出现两次（第{first.line}行、第{ln.line}行），"
                                       "两处数值均作为可能的读法", ln.line, table, row_key))
            else:
                rows[row_key] = acc
            cur = acc
            pending = []
            continue
        # No row label on this line.
        target = cur.extra_sources[-1] if cur is not None and cur.extra_sources else cur
        if line_labels and (sh.leaf_enum or line_values and target is not None and target.values):
            # A row we cannot name yet: its label starts with a new row number ("6.属"), or its
            # values stand beside a label while the row above has its own. Not the row above.
            drop_orphan()
            orphan = _RowAcc({"key": None}, -1, leaf, ln.line, [], line_values)
            cur, pending = None, []
            continue
        if orphan is not None:
            if line_values and not orphan.values and not line_labels:
                orphan.values = line_values  # the values below the first part of its label
            elif line_values:
                drop_orphan()
            continue
        if line_labels:
            if cur is not None and not cur.values and not (cur.extra_sources):
                cur.label += sh.label_join  # wrapped label continues
            else:
                pending.extend(line_labels)
        if line_values and target is not None:
            target.values.extend(line_values)
            target.fields_after = None
    drop_orphan()
    return rows, labels


def header_positions(labels: list[Label], column_labels: list[str], columns: list[str],
                     allow_reorder: bool = False) -> dict[str, int] | None:
    """Tab positions of the column headers, if every column header was found exactly once (and,
    unless `allow_reorder`, in template order)."""
    wanted = {label_key(lbl): col for lbl, col in zip(column_labels, columns)}
    pos: dict[str, int] = {}
    ncols = len(columns)
    for text, tab_pos, _col in labels:
        if tab_pos is None:
            continue
        col = wanted.get(label_key(text))
        if col is not None and col not in pos:
            pos[col] = tab_pos
            if len(pos) == ncols:  # every column found: later labels (the rows') change nothing
                break
    if len(pos) != ncols:
        return None
    ordered = [pos[c] for c in columns]
    if len(set(ordered)) != len(ordered) or (ordered != sorted(ordered) and not allow_reorder):
        return None
    return pos


def _to_template_order(row: Row, columns: list[str]) -> Row:
    """A row read in printed column order, with cells and readings put back in template order."""
    printed = row.columns
    idx = [printed.index(c) for c in columns]
    row.cells = {c: row.cells[c] for c in columns}
    row.readings = [tuple(r[i] for i in idx) for r in row.readings]
    row.columns = list(columns)
    return row


def _readings(values: list[Item], ncols: int) -> list[tuple]:
    vals = [v.value for v in values]
    n = len(vals)
    if n == ncols:
        return [tuple(vals)]
    if n == 0 or abs(n - ncols) > MAX_EXTRA:
        return [tuple([None] * ncols)]
    out = []
    if n < ncols:
        for gaps in itertools.combinations(range(ncols), ncols - n):
            reading = vals.copy()
            for i in gaps:  # ascending: each blank goes to its final index
                reading.insert(i, None)
            out.append(tuple(reading))
    else:
        for keep in itertools.combinations(range(n), ncols):
            out.append(tuple([vals[i] for i in keep]))
    return list(dict.fromkeys(out))


# Space-aligned text (pdftotext -layout): a value's column is read from its character offset.
# pdftotext places every glyph, CJK or not, in one character cell of its grid, so character
# offsets line up, display widths do not (poppler 22.12 on our PDF fixtures: the 23 full 表三 rows
# of seed 000 have the same offset in every column; counting CJK as two columns they spread 16).
OFFSET_TOL = 2.0  # a column's values vary this much in offset (number width, centring)


@dataclass
class _Grid:
    """Value columns of a run of full rows that line up (one page of a space-aligned table)."""
    lines: list[int]
    lo: list[float]
    hi: list[float]

    def place(self, centers: list[float]) -> tuple[int, ...] | None:
        """The column of each value, when each falls in exactly one column's range (in order)."""
        out = []
        for c in centers:
            js = [j for j, (lo, hi) in enumerate(zip(self.lo, self.hi)) if lo - OFFSET_TOL <= c <= hi + OFFSET_TOL]
            if len(js) != 1 or (out and js[0] <= out[-1]):
                return None
            out.append(js[0])
        return tuple(out)


def _aligned_values(acc: _RowAcc) -> bool:
    """All of the row's values are on one line of space-aligned text (offsets comparable)."""
    vals = acc.values
    return (bool(vals) and not acc.extra_sources and all(v.pos is None and v.col is not None for v in vals)
            and len({v.line for v in vals}) == 1)


def _centers(vals: list[Item]) -> list[float]:
    return [v.col + len(v.raw) / 2 for v in vals]


def offset_grids(accs: dict[str, _RowAcc], ncols: int) -> list[_Grid]:
    """Column ranges from the rows that have all their values on one line: consecutive such rows
    whose values line up form a grid (a page break or a new header starts another)."""
    # (a value with a tab position is never aligned by offset: most tables are told by their first value)
    full = sorted((a for a in accs.values() if len(a.values) == ncols and a.values[0].pos is None and _aligned_values(a)),
                  key=lambda a: a.values[0].line)
    grids: list[_Grid] = []
    for a in full:
        c = _centers(a.values)
        g = grids[-1] if grids else None
        if g is not None and _within(c, g.lo, g.hi):
            g.lines.append(a.values[0].line)
            g.lo = [min(x, lo) for x, lo in zip(c, g.lo)]
            g.hi = [max(x, hi) for x, hi in zip(c, g.hi)]
        else:
            grids.append(_Grid([a.values[0].line], list(c), list(c)))
    # Columns must stand clearly apart, or no offset tells them apart.
    return [g for g in grids if all(g.lo[j + 1] - g.hi[j] > 2 * OFFSET_TOL for j in range(ncols - 1))]


def _within(centers: list[float], lo: list[float], hi: list[float]) -> bool:
    """Each center lies in its column's range, give or take OFFSET_TOL."""
    for x, low, high in zip(centers, lo, hi):
        if not low - OFFSET_TOL <= x <= high + OFFSET_TOL:
            return False
    return True


def place_by_offset(acc: _RowAcc, grids: list[_Grid]) -> tuple[int, ...] | None:
    """The column of each of a short row's values, or None when the offsets do not say it
    unambiguously. A row among the full rows of one grid is read by that grid; otherwise by the
    grids just above and below it, which must agree."""
    if not grids or not _aligned_values(acc):
        return None
    line = acc.values[0].line
    centers = _centers(acc.values)
    inside = [g for g in grids if g.lines[0] < line < g.lines[-1]]
    if inside:
        candidates = inside
    else:
        above = [g for g in grids if g.lines[-1] < line]
        below = [g for g in grids if g.lines[0] > line]
        candidates = ([above[-1]] if above else []) + ([below[0]] if below else [])
    placements = {g.place(centers) for g in candidates}
    if len(placements) != 1:
        return None
    return placements.pop()


def _fill_placed(row: Row, columns: list[str], value_of, line: int | None) -> list[str]:
    """Fill a row whose values were placed into columns (`value_of(index, column)` gives the value
    item or None); an unplaced column is a blank cell. The one reading; returns the blank columns."""
    blanks = []
    for j, col in enumerate(columns):
        v = value_of(j, col)
        if v is None:
            row.cells[col] = Cell(None, "", line)
            blanks.append(col)
        else:
            row.cells[col] = Cell(v.value, v.raw, v.line)
    row.readings = [tuple(row.cells[c].value for c in columns)]
    return blanks


def finalize_row(acc: _RowAcc, columns: list[str], table: str, hpos: dict[str, int] | None,
                 notes: list[ParseNote], label_for_notes: str, slots: Sequence[str] | None = None,
                 placed: tuple[int, ...] | None = None) -> Row:
    # Hook (crawler-flattened text): concatenated digit runs are split in parse/flattened.py.
    if flattened.active():
        split = flattened.split_row(acc, columns, table, notes, label_for_notes)
        if split is not None:
            return split
    ncols = len(columns)
    vals = acc.values
    texts = [v.raw for v in vals]
    tname = _TABLE_NAMES[table]
    if len(vals) == ncols and not acc.extra_sources:
        # The common case, taken before the checks below (they all need a short or long row).
        values = [v.value for v in vals]
        # Built without calling the dataclass __init__ (a Python frame per row), as `value_items`
        # builds items: every field of Row is set here (tests/test_speed_tables6.py checks the list).
        row = _new_item(Row)
        row.key = acc.spec["key"]
        row.label = acc.label
        row.line = acc.line
        row.columns = columns
        row.cells = dict(zip(columns, vals))
        row.raw_values = texts
        row.readings = [tuple(values)]
        row.ambiguous = False
        if None in values:
            for col, v in zip(columns, vals):
                if v.value is None and v.raw != "":
                    _note_non_numeric(notes, tname, label_for_notes, col, v.raw, v.line, table, row.key)
        return row
    row = Row(key=acc.spec["key"], label=acc.label, line=acc.line, columns=columns, cells={}, raw_values=texts)
    n = len(vals)
    positional = (
        hpos is not None and n != ncols and vals
        and all(v.pos is not None and v.pos in hpos.values() for v in vals)
        and max(acc.label_pos, default=-1) < min(hpos.values())  # (tab positions are >= 0)
        and len({v.pos for v in vals}) == n
    )
    by_fields = (
        not positional and n != ncols and not acc.extra_sources and slots is not None and len(slots) == ncols
        and all(not f or is_value_token(f) for f in slots)
        and sum(1 for f in slots if f) == n
    )
    by_offset = not positional and not by_fields and n != ncols and placed is not None and len(placed) == n
    if by_offset:
        at = dict(zip(placed, vals))
        blanks = _fill_placed(row, columns, lambda j, _col: at.get(j), acc.line)
        notes.append(ParseNote("table.blank_by_offset",
                               f"{tname}“{label_for_notes}”行只有 {len(vals)} 个数值；按各数值在行中的位置与上下各行的列对齐，"
                               f"{_column_names(table, blanks)}列为空白", acc.line, table, row.key))
    elif by_fields:
        blanks = []
        for col, f in zip(columns, slots):
            if f:
                row.cells[col] = Cell(parse_value(f) if _VALUE.match(f) else None, f, acc.line)
            else:
                row.cells[col] = Cell(None, "", acc.line)
                blanks.append(col)
        row.readings = [tuple(row.cells[c].value for c in columns)]
        notes.append(ParseNote("table.blank_by_field",
                               f"{tname}“{label_for_notes}”行只有 {len(vals)} 个数值；表格各行制表符字段对齐，"
                               f"按字段定列，{_column_names(table, blanks)}列为空白", acc.line, table, row.key))
    elif positional and not acc.extra_sources:
        by_pos = {v.pos: v for v in vals}
        blanks = _fill_placed(row, columns, lambda _j, col: by_pos.get(hpos[col]), acc.line)
        notes.append(ParseNote("table.blank_by_position",
                               f"{tname}“{label_for_notes}”行只有 {len(vals)} 个数值；按制表位与表头对齐，"
                               f"{_column_names(table, blanks)}列为空白", acc.line, table, row.key))
    else:
        readings = _readings(vals, ncols)
        for extra in acc.extra_sources:
            readings += [r for r in _readings(extra.values, ncols) if r not in readings]
        row.readings = readings
        row.ambiguous = len(readings) > 1 or any(v is None for v in readings[0]) and bool(vals)
        raws = texts if n == ncols and not acc.extra_sources else [None] * ncols
        for col, column_readings, raw in zip(columns, zip(*readings), raws):
            options = set(column_readings)
            row.cells[col] = Cell(options.pop() if len(options) == 1 else None, raw, acc.line)
        if not vals:
            notes.append(ParseNote("table.no_values", f"{tname}“{label_for_notes}”行没有数值", acc.line, table, row.key))
        elif acc.extra_sources:
            pass  # the duplicate-row note was recorded when the second occurrence was seen
        elif abs(len(vals) - ncols) > MAX_EXTRA:
            notes.append(ParseNote("table.cell_count",
                                   f"{tname}“{label_for_notes}”行有 {len(vals)} 个数值（应为 {ncols} 个），"
                                   "无法确定任何单元格", acc.line, table, row.key))
        elif len(readings) == 1:
            notes.append(ParseNote("table.cell_count",
                                   f"{tname}“{label_for_notes}”行有 {len(vals)} 个数值（应为 {ncols} 个）："
                                   f"{' '.join(v.raw for v in vals)}；无论去掉哪一个，各列数值都相同",
                                   acc.line, table, row.key))
        else:
            notes.append(ParseNote("table.cell_count",
                                   f"{tname}“{label_for_notes}”行有 {len(vals)} 个数值（应为 {ncols} 个）："
                                   f"{' '.join(v.raw for v in vals)}；无法确定各数值对应的列，"
                                   f"共 {len(readings)} 种读法，依赖这些单元格的检查仅在各种读法结论一致时给出结论",
                                   acc.line, table, row.key))
    for col, c in row.cells.items():
        if c.raw is not None and c.value is None and c.raw != "":
            _note_non_numeric(notes, tname, label_for_notes, col, c.raw, c.line, table, row.key)
    return row


_TABLE_NAMES = {"t2": "表二", "t3": "表三", "t4": "表四"}


def _note_non_numeric(notes: list[ParseNote], tname: str, label: str, col: str, raw: str, line: int | None,
                      table: str, row_key: str) -> None:
    why = unreadable_reason(raw)
    notes.append(ParseNote("table.non_numeric", f"{tname}“{label}”行 {col} 列的内容“{raw}”"
                           + (why if why else "不是数字"), line, table, row_key))


def _grid_consistent(accs: dict[str, _RowAcc], hpos: dict[str, int] | None, ncols: int) -> bool:
    if hpos is None:
        return False
    full = [a for a in accs.values() if len(a.values) == ncols]
    if len(full) < 3:
        return False
    want = sorted(hpos.values())
    return all([v.pos for v in a.values] == want for a in full)


def _markers_found(rows: list[tuple[SrcLine, _Shape]], *needle_sets) -> list[bool]:
    """For each set of needles: some table line's key contains one of them (lines joined by NUL,
    which no key and no needle holds)."""
    keys = "\0".join([sh.key for _ln, sh in rows])
    return [any(n in keys for n in needles) for needles in needle_sets]


def _templ() -> dict:
    return load_toml("templates/tables.toml")


def bind_t3(lines: list[SrcLine], notes: list[ParseNote]) -> Table:
    spec = _templ()["t3"]
    table = Table("t3")
    rows = _tokenized(lines)
    (is_2021,) = _markers_found(rows, spec["markers_2021"])
    specs, index = _template_rows("t3", "2021" if is_2021 else "2019")
    accs, labels = assemble_rows(rows, specs, "t3", notes, index)
    if not accs:
        return table
    table.found = True
    table.line = min(a.line for a in accs.values())
    table.template = "2021" if is_2021 else ("2019" if "other" in accs else None)
    columns = list(spec["columns"])
    hpos = header_positions(labels, spec["column_labels"], spec["columns"], allow_reorder=True)
    printed = sorted(columns, key=hpos.get) if hpos else columns
    if printed != columns:
        # The applicant columns are printed in another order: the header says which is which.
        labels_by_col = dict(zip(spec["columns"], spec["column_labels"]))
        notes.append(ParseNote("t3.column_order",
                               "表三申请人各列的顺序与模板不同（" + "、".join(labels_by_col[c] for c in printed)
                               + "），已按表头读取各列", table.line, "t3", None))
    ncols = len(columns)
    # How a row of too few or too many values is read (tab positions, field slots, offsets):
    # worked out at the first such row (`finalize_row` reads none of it for a row of `ncols`
    # values, most tables have none; tests/test_speed_tables8.py).
    layout: tuple[dict[str, int] | None, dict[str, Sequence[str]], bool] | None = None
    # The offset grids place short rows of space-aligned values only: worked out for the first
    # such row (most tables have none; a table of full rows never needs them).
    grids: list[_Grid] | None = None
    reordered = printed != columns
    for r in specs:
        acc = accs.get(r["key"])
        if acc is None:
            notes.append(ParseNote("table.missing_row", f"表三未找到“{r['label']}”行", None, "t3", r["key"]))
            continue
        n = len(acc.values)
        if n == ncols:
            row = finalize_row(acc, printed, "t3", None, notes, _short(r["label"]))
        else:
            if layout is None:
                grid_hpos = hpos if _grid_consistent(accs, hpos, ncols) else None
                slots = field_slots(accs, ncols)
                layout = grid_hpos, slots, grid_hpos is None and not slots
            grid_hpos, slots, by_offset = layout
            placed = None
            if by_offset and 0 < n < ncols and _aligned_values(acc):
                if grids is None:
                    grids = offset_grids(accs, ncols)
                if grids:
                    placed = place_by_offset(acc, grids)
                    if placed is None:
                        notes.append(ParseNote("table.offset_ambiguous",
                                               f"表三“{_short(r['label'])}”行的数值位置与上下各行的列对不齐或可归入不止一列，"
                                               "不按位置定列", acc.line, "t3", r["key"]))
            row = finalize_row(acc, printed, "t3", grid_hpos, notes, _short(r["label"]), slots.get(r["key"]), placed)
        table.rows[r["key"]] = _to_template_order(row, columns) if reordered else row
    return table


@lru_cache(maxsize=None)
def _template_rows(table: str, version: str | None = None) -> tuple[list[dict], AliasIndex]:
    """A table's template rows (表三: of one format version) and the index of their aliases."""
    rows = _templ()[table]["rows"]
    if version is not None:
        rows = [r for r in rows if version in r.get("templates", [version])]
    return rows, alias_index(rows)


@lru_cache(maxsize=None)  # template labels
def _short(label: str) -> str:
    return label.split("（区分处理")[0]


def bind_t2(lines: list[SrcLine], notes: list[ParseNote]) -> Table:
    spec = _templ()["t2"]
    table = Table("t2")
    rows = _tokenized(lines)
    m19, m21 = _markers_found(rows, map(label_key, spec["markers_2019"]), map(label_key, spec["markers_2021"]))
    accs, _labels = assemble_rows(rows, spec["rows"], "t2", notes, _template_rows("t2")[1])
    if not accs:
        return table
    table.found = True
    table.line = min(a.line for a in accs.values())
    table.template = "mixed" if (m19 and m21) else "2019" if m19 else "2021" if m21 else None
    for r in spec["rows"]:
        acc = accs.get(r["key"])
        cols_by_t = r["columns"]
        if acc is None:
            if table.template in cols_by_t or table.template is None:
                notes.append(ParseNote("table.missing_row", f"表二未找到“{r['label']}”行", None, "t2", r["key"]))
            continue
        if table.template in cols_by_t:
            cols = cols_by_t[table.template]
        else:
            # Mixed or unknown template: the row's own value count decides, when it can.
            fits = [t for t, c in cols_by_t.items() if len(c) == len(acc.values)]
            if len(fits) == 1:
                cols = cols_by_t[fits[0]]
            else:
                cols = cols_by_t.get("2019") or next(iter(cols_by_t.values()))
                notes.append(ParseNote("t2.columns_unknown",
                                       f"表二“{r['label']}”行无法判断采用哪一版格式的列", acc.line, "t2", r["key"]))
        # Tab/pipe fields: a row with exactly as many fields after its label as it has columns
        # tells its blank cells by their empty fields (HTML/DOCX readers, spreadsheet copies).
        slots = acc.fields_after[max(acc.label_pos) + 1:] if acc.fields_after is not None and acc.label_pos else None
        table.rows[r["key"]] = finalize_row(acc, cols, "t2", None, notes, r["label"].split(" /")[0],
                                            slots if slots is not None and len(slots) == len(cols) else None)
    return table


def bind_t4(lines: list[SrcLine], notes: list[ParseNote]) -> Table:
    spec = _templ()["t4"]
    table = Table("t4")
    values: list[Item] = []
    header_seen = False
    first_line = None
    value_rows: list[_Shape] = []
    for ln, sh in _tokenized(lines):
        label_text = sh.label_text  # (labels are joined by blanks)
        if "复议" in label_text or "维持" in label_text:
            header_seen = True
            first_line = first_line or ln.line
        if header_seen and sh.values:
            values.extend(sh.value_items(ln.line))
            value_rows.append(sh)
    if not header_seen:
        return table
    table.found = True
    table.line = first_line
    ncols = len(spec["columns"])
    combined = _RowAcc({"key": "all"}, 0, "表四", values[0].line if values else first_line)
    combined.values = values
    all_cols = [f"{g}.{c}" for g in spec["groups"] for c in spec["columns"]]
    # All values on one tab/pipe line of exactly 15 fields, none of them a label: its empty
    # fields are blank cells at their columns (read by a row of too few values only: `finalize_row`).
    slots = None
    sh = value_rows[0] if len(value_rows) == 1 and len(values) != len(all_cols) else None
    if sh is not None and sh.tabbed and not sh.labels and len(texts := sh.field_texts) == len(all_cols):
        slots = texts
    whole = finalize_row(combined, all_cols, "t4", None, notes, "行政复议、行政诉讼", slots)
    for gi, (g, glabel) in enumerate(zip(spec["groups"], spec["group_labels"])):
        sl = slice(gi * ncols, (gi + 1) * ncols)
        readings = list(dict.fromkeys(r[sl] for r in whole.readings))
        cells = {c: whole.cells[name] for c, name in zip(spec["columns"], all_cols[sl])}
        table.rows[g] = Row(key=g, label=glabel, line=whole.line, columns=list(spec["columns"]), cells=cells,
                            raw_values=whole.raw_values[sl] if len(whole.raw_values) == 3 * ncols else [],
                            readings=readings, ambiguous=len(readings) > 1)
    return table


def _column_names(table: str, cols: list[str]) -> str:
    """“自然人”、“其他”: the columns' Chinese names, as the parse notes show them to users."""
    from ..engine.declarative import column_name

    return "、".join(f"“{column_name(table, c)}”" for c in cols)
