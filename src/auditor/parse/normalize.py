"""Text normalization before the grammar.

Every transformation is line-local and keeps the number of lines, so line N of the normalized
text is line N of the source: positions from the parser are source positions without a separate
offset map. Removed material (page footers, conversion artifacts) becomes an empty line.
"""
from __future__ import annotations

import re

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
    s = line.translate(_WIDTH)
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


def normalize(text: str) -> list[str]:
    """Normalized lines; same count as the source's lines."""
    lines = text.split("\n")
    pipe_tabs = None
    if "|" in text:  # Markdown tables: all pipe rows in one grammar parse
        rows = list(dict.fromkeys(s for s in (ln.translate(_WIDTH) for ln in lines if "|" in ln) if _is_pipe_row(s)))
        if rows:
            from .cells import pipe_rows

            pipe_tabs = {s: "\t".join(cells) for s, cells in zip(rows, pipe_rows(rows))}
    return [normalize_line(ln, pipe_tabs) for ln in lines]


_KEY_DROP = re.compile(r"[\s\u3000,.，。、;；:：!！?？'\"“”‘’()（）\[\]【】〔〕<>《》〈〉/／\\|\-—–_·•…*#]+")


def key(s: str) -> str:
    """Matching key of a label: no whitespace or punctuation."""
    return _KEY_DROP.sub("", s.translate(_WIDTH))
