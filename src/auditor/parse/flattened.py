"""Crawler-flattened text: a whole report on one or a few lines (HTML get_text() without separators).

Such text has no usable line structure: headings, prose and table rows run together and table
cells are concatenated ("…申请数量5000005（二）部分公开…"). Before structure parsing the long
lines are re-segmented into *virtual lines*: a standard section heading found inside a line, and
a table row label found (in template order) inside the table part of a line, start a new virtual
line. Each virtual line keeps its origin (source line and character offset), so locations stay
honest: "第1行第345字".

Concatenated digit runs are split into cells by `split_row`, hooked into the binder: every split
into the needed number of non-negative integers without leading zeros is a reading; a cell whose
value differs between readings is unknown. The number of readings is capped.
"""
from __future__ import annotations

import contextvars
import re
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import filterfalse

from ..model import Cell, ParseNote, Row
from ..resources import load_toml
from .normalize import _WIDTH, key

# A text is flattened when a line is this long, or its lines average this many characters.
LONG_LINE = 1500
MEAN_LINE = 400
MIN_CHARS = 1200
MAX_READINGS = 2000  # per row; above it the row's cells are unknown and a parse note says so
MAX_CELL_DIGITS = 9  # a count in these tables never has more digits; bounds the search
MAX_STEPS = 200_000  # search budget per row (dead ends included): beyond it, as if capped

# Width-normalized text with the same length as the source (offsets stay source offsets).
_SAME_WIDTH = dict(_WIDTH)
_SAME_WIDTH.update({0x200B: 0x20, 0xFEFF: 0x20, 0x0D: 0x20})

_NUMERAL = "[一二三四五六七八九十]{1,2}[、.]"
_HEADING = re.compile(
    _NUMERAL + r"\s*(?:"
    r"总体情况|概述"
    r"|主动公开政府信息(?:的)?(?:工作)?情况"
    r"|(?:收到和处理|依申请公开)政府信息(?:公开申请)?(?:的)?情况"
    r"|(?:政府信息公开|因政府信息公开申请(?:提起)?)?行政复议[、和及]?(?:提起)?行政诉讼(?:的)?情况"
    r"|(?:政府信息公开工作)?存在的主要问题(?:及|和)改进(?:情况|措施)"
    r"|其他需要报告的事项)")
# Enumerators that begin a row label: "（三）", "一、", "1." (row numbers are single digits).
_ENUM = re.compile(r"[(（][一二三四五六七八九十]{1,2}[)）]|[一二三四五六七八九十]{1,2}、|\d[.．、]")
_TITLE = re.compile(r"\d{4}\s*年(?:度)?\s*政府信息公开(?:工作)?年度报告")
_CLOSING = re.compile(r"[。！；]\s*([^。！；\d]{2,30}?)\s*(\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日"
                      r"|[〇零一二三四五六七八九]{4}年[一二三四五六七八九十]{1,3}月[一二三四五六七八九十]{1,4}日)\s*$")
_T4_HEADER = re.compile(r"结果\s*维持|未经复议|复议后起诉")
_ALL_DIGITS = re.compile(r"^-?\d+$")
# A run of values inside a table line: "5000005", "30 0 00 0 131", "431 -262296626", "0.5".
_VALUE_RUN = re.compile(r"(?:[-+]?\d+(?:\.\d+)?(?:万元|万|元|%)?\s*)+")

_active: contextvars.ContextVar[bool] = contextvars.ContextVar("auditor_flattened", default=False)


@dataclass
class VirtualLine:
    text: str
    src_line: int  # 1-based source line
    col: int  # 0-based character offset in the source line


def is_flattened(text: str, lines: list[str] | None = None) -> bool:
    """True when the text has no usable line structure (very long lines, or few lines for its size).
    `lines`: `text.split("\n")`, when the caller has it."""
    if lines is None:
        lines = text.split("\n")
    # The non-blank lines' lengths, at C speed (isspace, unlike strip, copies no line).
    lengths = list(map(len, filterfalse(str.isspace, filter(None, lines))))
    chars = sum(lengths)
    if not lengths or chars < MIN_CHARS:
        return False
    return max(lengths) >= LONG_LINE or chars / len(lengths) >= MEAN_LINE


def _keyed(s: str) -> tuple[str, list[int]]:
    """Matching key of `s` (as normalize.key) and, for each key character, its offset in `s`."""
    chars, pos = [], []
    for i, ch in enumerate(s):
        if key(ch):
            chars.append(ch)
            pos.append(i)
    return "".join(chars), pos


def _row_specs() -> dict[str, list[dict]]:
    t = load_toml("templates/tables.toml")
    return {"t2": t["t2"]["rows"], "t3": t["t3"]["rows"]}


def _label_starts(s: str, lo: int, hi: int, specs: list[dict]) -> list[tuple[int, bool]]:
    """Offsets in `s[lo:hi]` where a table row label begins, found in template order, and whether
    the label is one that must stand alone (an `exact` alias such as "规章")."""
    k, pos = _keyed(s[lo:hi])
    starts: list[int] = []
    at, last = 0, -1
    while True:
        best = None  # (key offset, row index, alias length, exact)
        for i in range(last + 1, len(specs)):
            spec = specs[i]
            for alias in spec.get("aliases", []):
                j = k.find(alias, at)
                if j >= 0 and (best is None or j < best[0] or (j == best[0] and len(alias) > best[2])):
                    best = (j, i, len(alias), False)
            if i == last + 1:
                for ex in spec.get("exact", []):
                    j = k.find(ex, at)
                    if j >= 0 and (best is None or j < best[0]):
                        best = (j, i, len(ex), True)
        if best is None:
            return starts
        j, i, n, exact = best
        starts.append((lo + pos[j], exact))
        at, last = j + n, i


def _cut_before_label(s: str, floor: int, alias_at: int) -> list[int]:
    """Where the row whose alias is at `alias_at` begins: right after the previous row's values.

    The stretch between the previous values and the alias is the label (group label, enumerator).
    When it is long (a table header precedes the first row), the label begins at the enumerator
    nearest to the alias and the header gets a virtual line of its own.
    """
    p = alias_at
    while p > floor and not s[p - 1].isdigit():
        p -= 1
    if p > floor and p < len(s) and s[p] in ".．、":
        p -= 1  # "…00000001.属于国家秘密": the last digit is the row's enumerator
    cuts = [p]
    if alias_at - p > 40:
        enums = [m.start() for m in _ENUM.finditer(s, p, alias_at)]
        near = [e for e in enums if alias_at - e <= 40]
        if near:
            cuts.append(near[0])
    return cuts


def _space_values(text: str, label_end: int) -> str:
    """Separate digit runs from the label text around them, right of the row's label."""
    head, tail = text[:label_end], text[label_end:]
    tail = re.sub(r"(?<=[^\d\s.,+\-])(?=\d)", " ", tail)
    tail = re.sub(r"(?<=[^\d\s.,])(?=[+\-]\d)", " ", tail)
    tail = re.sub(r"(?<=\d)(?=[^\d\s.,])", " ", tail)
    if head and tail[:1].isdigit():
        tail = " " + tail
    return head + tail


def resegment_text(src: str) -> list[VirtualLine]:
    """Cut the text into virtual lines at headings and table row labels (and at its own line
    breaks). The whole text is searched at once: a table may run over from one line to the next."""
    import bisect

    s = src.translate(_SAME_WIDTH)
    line_starts = [0] + [i + 1 for i, ch in enumerate(s) if ch == "\n"]
    heads = list(_HEADING.finditer(s))
    cuts: set[int] = set()
    label_ends: dict[int, int] = {}  # virtual line start -> offset where its values begin
    by_number: dict[int, re.Match] = {}
    from .document import standard_number

    # The title ("…2020年政府信息公开工作年度报告") ends a virtual line when it precedes the body.
    title = _TITLE.search(s, 0, heads[0].start() if heads else len(s))
    if title:
        cuts.add(title.end())
    for m in heads:
        cuts.update((m.start(), m.end()))
        n = standard_number(m.group(0)[2:])
        by_number.setdefault(n, m)
    # A closing signature and date ("…。吴忠市人民政府办公室2021年2月20日") end the text.
    closing = _CLOSING.search(s)
    if closing:
        cuts.update((closing.start(1), closing.start(2)))
    specs = _row_specs()

    def region(after: int, before: int) -> tuple[int, int]:
        lo = by_number[after].end() if after in by_number else 0
        nxt = [by_number[n].start() for n in range(before, 7) if n in by_number and by_number[n].start() > lo]
        return lo, (min(nxt) if nxt else len(s))

    for table, (a, b) in (("t2", (2, 3)), ("t3", (3, 4))):
        lo, hi = region(a, b)
        if a not in by_number and heads:
            continue  # headings were found but not this one: do not look for the table in prose
        floor = lo
        for at, exact in _label_starts(s, lo, hi, specs[table]):
            if "。" in s[floor:at] and floor != lo:
                break  # prose between rows: the table has ended
            for c in _cut_before_label(s, floor, at):
                cuts.add(c)
            if exact:
                cuts.add(at)
            # values begin after the alias; the first digit right of it starts them
            m = re.compile(r"\d").search(s, at, hi)
            if m:
                label_ends[at] = m.start()
            floor = at
        # Every value run ends its row: what follows is the next label (maybe one no alias
        # matched, e.g. a scrambled one), never more values of this row.
        starts = _label_starts(s, lo, hi, specs[table])
        if starts:
            for m in _VALUE_RUN.finditer(s, starts[0][0], hi):
                e = m.end()
                while e > m.start() and s[e - 1].isspace():
                    e -= 1
                if e >= hi or not s[m.start()].isdigit() and s[m.start()] not in "-+":
                    continue
                if s[e:e + 1] in (".", "．", "、") and e - m.start() >= 1:
                    e -= 1  # the run's last digit is the next row's enumerator ("…01.属于…")
                if e > m.start():
                    cuts.add(e)
    if 4 in by_number:
        lo, hi = region(4, 5)
        for m in _T4_HEADER.finditer(s, lo, hi):
            cuts.add(m.start())
        tail = re.search(r"总计\s*(\d[\d\s]*)$", s[lo:hi].rstrip("。 "))
        if tail:
            cuts.add(lo + tail.start(1))
    for i in line_starts[1:]:
        cuts.update((i - 1, i))
    bounds = sorted(c for c in cuts if 0 < c < len(s)) + [len(s)]
    out: list[VirtualLine] = []
    start = 0
    value_at = sorted(label_ends.values())
    for end in bounds:
        piece = s[start:end]
        if piece.strip():
            vals = [v for v in value_at if start <= v < end]
            text = _space_values(piece, vals[0] - start) if vals else piece
            n = bisect.bisect_right(line_starts, start)
            out.append(VirtualLine(text, n, start - line_starts[n - 1]))
        start = end
    return out


def resegment(text: str, refs: list[str] | None = None) -> tuple[str, list[str]]:
    """Virtual text (one virtual line per '\n') and each virtual line's source position."""
    lines: list[str] = []
    out_refs: list[str] = []
    for vl in resegment_text(text):
        n = vl.src_line
        base = refs[n - 1] if refs and n - 1 < len(refs) else f"第{n}行"
        lines.append(vl.text)
        out_refs.append(f"{base}第{vl.col + 1}字")
    return "\n".join(lines), out_refs


@contextmanager
def binding():
    """While active, the binder splits concatenated digit runs (`split_row`)."""
    token = _active.set(True)
    try:
        yield
    finally:
        _active.reset(token)


def active() -> bool:
    return _active.get()


def digit_splits(tokens: list[str], ncols: int, cap: int = MAX_READINGS) -> list[tuple[int, ...]] | None:
    """Every split of the digit runs, in order, into `ncols` non-negative integers without leading
    zeros ("0" alone is fine). None when there are more than `cap` splits."""
    out: list[tuple[int, ...]] = []
    steps = [0]
    n = len(tokens)
    if sum(len(t.lstrip("+-")) for t in tokens) > ncols * MAX_CELL_DIGITS:
        return []
    # the fewest/most cells the remaining tokens can give, for pruning
    min_rest = [0] * (n + 1)
    max_rest = [0] * (n + 1)
    for i in range(n - 1, -1, -1):
        min_rest[i] = min_rest[i + 1] + 1
        max_rest[i] = max_rest[i + 1] + len(tokens[i].lstrip("+-"))

    def parts(tok: str, k: int):
        if tok.startswith(("-", "+")):  # a sign belongs to the first cell ("本年增/减" -42)
            sign = -1 if tok[0] == "-" else 1
            for p in parts(tok[1:], k):
                yield (sign * p[0],) + p[1:]
            return
        steps[0] += 1
        if steps[0] > MAX_STEPS:
            raise OverflowError
        if k == 1:
            if (len(tok) == 1 or tok[0] != "0") and len(tok) <= MAX_CELL_DIGITS:
                yield (int(tok),)
            return
        head_max = min(len(tok) - (k - 1), MAX_CELL_DIGITS)
        for L in range(1, head_max + 1):
            h = tok[:L]
            if L > 1 and h[0] == "0":
                break
            for rest in parts(tok[L:], k - 1):
                yield (int(h),) + rest

    def walk(i: int, need: int, acc: tuple):
        if i == n:
            if need == 0:
                out.append(acc)
                if len(out) > cap:
                    raise OverflowError
            return
        tok = tokens[i]
        lo = max(1, need - max_rest[i + 1])
        hi = min(len(tok.lstrip("+-")), need - min_rest[i + 1])
        for k in range(lo, hi + 1):
            for p in parts(tok, k):
                walk(i + 1, need - k, acc + p)

    try:
        walk(0, ncols, ())
    except OverflowError:
        return None
    return out


def run_readings(tokens: list[str], ncols: int, cap: int = MAX_READINGS) -> list[tuple[int, ...]] | None:
    """The readings of a row's digit runs: every split into `ncols` cells and, when the runs have
    more digits than cells, every split into up to MAX_EXTRA more values with the surplus ones
    dropped — the readings the binder gives a row printed with a surplus value ("3 0 0 0 0 0 0 0"
    for 7 columns), which flattening glues into "30000000". So a multi-digit cell is known only
    when no surplus value could hide in its digits. The surplus readings only widen a row that
    splits into `ncols` cells (a row that does not stays unknown: more readings never make a
    cell known). None when over the cap."""
    import itertools

    from .binder import MAX_EXTRA

    readings = digit_splits(tokens, ncols, cap)
    if not readings:
        return readings
    digits = sum(len(t.lstrip("+-")) for t in tokens)
    out = dict.fromkeys(readings)
    for n in range(ncols + 1, min(digits, ncols + MAX_EXTRA) + 1):
        splits = digit_splits(tokens, n, cap)
        if splits is None:
            return None
        for split in splits:
            for keep in itertools.combinations(range(n), ncols):
                out[tuple(split[i] for i in keep)] = None
                if len(out) > cap:
                    return None
    return list(out)


def split_row(acc, columns: list[str], table: str, notes: list[ParseNote], label_for_notes: str) -> Row | None:
    """Binder hook: the row's cells from concatenated digit runs, or None to bind as usual."""
    vals = acc.values
    ncols = len(columns)
    if acc.extra_sources or not vals or len(vals) > ncols or not all(_ALL_DIGITS.match(v.raw) for v in vals):
        return None
    if len(vals) == ncols and all(len(v.raw) == 1 or v.raw[0] != "0" for v in vals):
        return None  # one value per cell already
    tname = {"t2": "表二", "t3": "表三", "t4": "表四"}[table]
    tokens = [v.raw for v in vals]
    shown = " ".join(tokens)
    row = Row(key=acc.spec["key"], label=acc.label, line=acc.line, columns=columns, cells={}, raw_values=[])
    readings = run_readings(tokens, ncols)
    if not readings:  # None: over the cap; []: no split fits — either way every cell is unknown
        row.readings = [tuple([None] * ncols)]
        row.ambiguous = True
        for col in columns:
            row.cells[col] = Cell(None, None, acc.line)
        if readings is None:
            code, why = "table.flattened_cap", f"可拆分为 {ncols} 个单元格的方式超过 {MAX_READINGS} 种（已达上限）"
        else:
            code, why = "table.flattened_split", f"无法拆分为 {ncols} 个单元格（可能有空白单元格）"
        notes.append(ParseNote(code, f"{tname}“{label_for_notes}”行的数字“{shown}”连在一起，{why}，各单元格均无法确定",
                               acc.line, table, row.key))
        return row
    row.readings = readings
    row.ambiguous = len(readings) > 1
    for i, col in enumerate(columns):
        options = {r[i] for r in readings}
        value = options.pop() if len(options) == 1 else None
        row.cells[col] = Cell(value, str(value) if len(readings) == 1 else None, acc.line)
    if len(readings) == 1:
        row.raw_values = [str(v) for v in readings[0]]
        notes.append(ParseNote("table.flattened_split",
                               f"{tname}“{label_for_notes}”行的数字“{shown}”连在一起，只有一种方式拆分为 {ncols} 个单元格",
                               acc.line, table, row.key))
    else:
        unknown = [c for c in columns if row.cells[c].value is None]
        notes.append(ParseNote("table.flattened_split",
                               f"{tname}“{label_for_notes}”行的数字“{shown}”连在一起，有 {len(readings)} 种方式拆分为 "
                               f"{ncols} 个单元格；{len(unknown)} 个单元格因读法不同而无法确定，依赖它们的检查仅在各种读法"
                               "结论一致时给出结论", acc.line, table, row.key))
    return row


_LOOSE_HEAD = re.compile(r"[一二三四五六七八九十]{1,2}[、.]")
_TABLE_WORDS = {"t2": ("信息内容", "本年新制作", "本年制发", "处理决定数量", "行政许可"),
                "t3": ("申请人情况", "自然人", "本年新收", "予以公开", "总计"),
                "t4": ("结果维持", "尚未审结", "未经复议", "复议后起诉")}
_TABLE_SECTION = {"t2": 2, "t3": 3, "t4": 4}


def _heading_maybe_there(text: str, number: int) -> bool:
    """A loose look for section `number`'s heading anywhere in the text (numeral, then its words)."""
    from .document import standard_number

    t = text.translate(_SAME_WIDTH)
    return any(standard_number(t[m.end():m.end() + 24]) == number for m in _LOOSE_HEAD.finditer(t))


def mark_unreadable(report, source_text: str) -> None:
    """Flattened text in which a standard section or a table was not located although something
    like it is there (its heading words, its header words): that is the missing line structure,
    not proof of absence. Said once; the presence checks then skip. What is truly absent from the
    text stays reportable."""
    missing_secs = [n for n in range(1, 7) if report.section(n) is None and _heading_maybe_there(source_text, n)]
    missing_tabs = []
    for name in ("t2", "t3", "t4"):
        if report.tables[name].found:
            continue
        sec = report.section(_TABLE_SECTION[name])
        if sec is None:
            missing_tabs.append(name)
            continue
        body = "".join(report.lines[sec.line - 1:sec.end_line])
        if any(w in body for w in _TABLE_WORDS[name]):
            missing_tabs.append(name)
    if not missing_secs and not missing_tabs:
        return
    report.structure_unreadable = True
    what = []
    if missing_secs:
        what.append("第" + "、".join("一二三四五六"[n - 1] for n in missing_secs) + "部分标题")
    if missing_tabs:
        what.append("、".join({"t2": "表二", "t3": "表三", "t4": "表四"}[t] for t in missing_tabs))
    report.parse_notes.append(ParseNote(
        "layout.structure_unreadable",
        f"原文没有可用的行结构，切分后仍未能定位{'及'.join(what)}；不据此判断缺少部分或表格"))
