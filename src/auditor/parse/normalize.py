"""Text normalization before the grammar.

Every transformation is line-local and keeps the number of lines, so line N of the normalized
text is line N of the source: positions from the parser are source positions without a separate
offset map. Removed material (page footers, conversion artifacts) becomes an empty line.
"""
from __future__ import annotations

import re
from functools import lru_cache

# Full-width ASCII variants (U+FF01..U+FF5E) -> ASCII, ideographic and no-break spaces -> space.
_WIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_WIDTH.update({0x3000: 0x20, 0x00A0: 0x20, 0x2002: 0x20, 0x2003: 0x20, 0x200B: None,
               0xFEFF: None, 0x0D: None, 0x0C: None})  # form feeds: pdftotext page breaks
_ARTIFACTS = re.compile(r"\[bookmark:[^\]]*\]|\*\*|\\\*")
_FOOTER = re.compile(r"^\s*(?:[-—–]\s*\d{1,3}\s*[-—–]|第\s*\d{1,3}\s*页(?:\s*[,/]?\s*共\s*\d{1,3}\s*页)?"
                     r"|\d{1,3}\s*/\s*\d{1,3})\s*$")


# Markdown / pipe tables (pandoc, markdownify, crawlers): "| a | b |" rows and "|---|:--:|" rules.
_PIPE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")
_MD_HEADING = re.compile(r"^\s*#{1,6}\s+")


def _is_pipe_row(s: str) -> bool:
    return s.lstrip().startswith("|") and s.count("|") >= 3 and "\t" not in s and not _PIPE_RULE.match(s)


def normalize_line(line: str, pipe_tabs: dict[str, str] | None = None) -> str:
    """One line normalized; `pipe_tabs` holds the tab form of pipe rows parsed beforehand."""
    return _normalize_narrow(line.translate(_WIDTH), pipe_tabs)


def _normalize_narrow(s: str, pipe_tabs: dict[str, str] | None) -> str:
    """normalize_line of a line already translated by _WIDTH."""
    if "|" in s or "-" in s or "#" in s:
        if _PIPE_RULE.match(s) and "|" in s:
            return ""
        if _is_pipe_row(s):  # the cells grammar splits the row into its cells
            if pipe_tabs is None or s not in pipe_tabs:
                from .cells import pipe_cells

                pipe_tabs = {s: "\t".join(pipe_cells(s))}
            s = pipe_tabs[s]
        s = _MD_HEADING.sub("", s)
    if "[" in s or "*" in s or "\\" in s:
        s = _ARTIFACTS.sub("", s)
    if not s.strip() or _FOOTER.match(s):
        return ""
    return s.rstrip()


# Any character _WIDTH maps, for `_narrow` to find the few that occur.
_WIDE = re.compile("[" + "".join(re.escape(chr(cp)) for cp in sorted(_WIDTH)) + "]")
# A footer line holds one of these (a dash, 页, or the "/" of "3/12"): only such lines are tested.
_FOOTER_CHARS = "-—–页/"
# Lines that need more than the width translation, the footer test and rstrip (normalize_line).
_SPECIAL = re.compile(r"[|\-#\[*\\]")
_SPECIAL_CHARS = "|-#[*\\"


def _narrow(text: str) -> str:
    """`text.translate(_WIDTH)` at C speed: each distinct mapped character that occurs is replaced
    in one str.replace (str.translate looks every character up in the dict)."""
    m = _WIDE.search(text)
    while m is not None:
        ch = m.group()
        to = _WIDTH[ord(ch)]
        text = text.replace(ch, "" if to is None else chr(to))
        m = _WIDE.search(text, m.start())
    return text


def normalize(text: str) -> list[str]:
    """Normalized lines; same count as the source's lines. What `normalize_line` does to each
    line, done to the whole text at once: the width translation (it never makes or removes a
    "\n"), every line right-stripped; then only the lines holding one of | - # [ * \\ go through
    the rest of normalize_line, and of the others only those holding a footer character are
    tested for a footer (all other lines are what normalize_line makes of them already)."""
    pipe_tabs = None
    if "|" in text:  # Markdown tables: all pipe rows in one grammar parse
        rows = list(dict.fromkeys(s for s in (ln.translate(_WIDTH) for ln in text.split("\n") if "|" in ln) if _is_pipe_row(s)))
        if rows:
            from .cells import pipe_rows

            pipe_tabs = {s: "\t".join(cells) for s, cells in zip(rows, pipe_rows(rows))}
    narrow = "\n" + _narrow(text)
    lines = list(map(str.rstrip, narrow[1:].split("\n")))
    special = _line_starts(narrow, _SPECIAL_CHARS)
    i = counted = 0  # line index of the "\n" at `counted` (the one put in front: line 1)
    for start in sorted(special.union(_line_starts(narrow, _FOOTER_CHARS))):
        end = narrow.find("\n", start + 1)
        i += narrow.count("\n", counted, start)
        counted = start
        line = narrow[start + 1:end if end >= 0 else len(narrow)]
        if start in special:
            lines[i] = _normalize_narrow(line, pipe_tabs)
        elif _FOOTER.match(line):
            lines[i] = ""
    return lines


def _line_starts(narrow: str, chars: str) -> set[int]:
    """The offsets of the "\n" before each line of `narrow` (which starts with one) holding one of
    `chars`. One str.find per character and line (C memchr speed), not a character-class regex
    tried at every character of the text."""
    starts = set()
    for ch in chars:
        at = narrow.find(ch)
        while at >= 0:
            starts.add(narrow.rfind("\n", 0, at))
            end = narrow.find("\n", at)
            at = narrow.find(ch, end) if end >= 0 else -1
    return starts


_KEY_DROP = re.compile(r"[\s\u3000,.，。、;；:：!！?？'\"“”‘’()（）\[\]【】〔〕<>《》〈〉/／\\|\-—–_·•…*#]+")


def key(s: str) -> str:
    """Matching key of a label: no whitespace or punctuation."""
    # Table labels and markers recur in every row and report: short ones are remembered.
    return _short_key(s) if len(s) <= _REMEMBERED_KEY_LENGTH else _key(s)


_REMEMBERED_KEY_LENGTH = 80


def _key(s: str) -> str:
    return _KEY_DROP.sub("", s.translate(_WIDTH))


_short_key = lru_cache(maxsize=8192)(_key)
