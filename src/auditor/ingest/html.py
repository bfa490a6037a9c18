"""HTML reports as government sites publish them.

Body text is emitted line by line at block boundaries; navigation, scripts, styles and forms are
dropped. Leaf tables (tables without nested tables) become tab-separated rows on a grid that
honours colspan/rowspan; tables that contain tables are page layout and are walked as blocks.
"""
from __future__ import annotations

import re
from pathlib import Path

from ..errors import InputError
from ..limits import DEFAULT, Limits, exceeded
from . import Extracted
from .text import decode_bytes

# The HTML standard's caps: colspan ≤ 1000, rowspan ≤ 65534 (browsers clamp the same way).
MAX_COLSPAN = 1000
MAX_ROWSPAN = 65534

_DROP = {"script", "style", "noscript", "nav", "header", "footer", "form", "select", "button",
         "iframe", "object", "svg", "head", "template"}
_BLOCK = {"p", "div", "section", "article", "main", "h1", "h2", "h3", "h4", "h5", "h6", "li",
          "ul", "ol", "blockquote", "pre", "center", "dd", "dt", "dl", "body", "tr", "hr"}
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_\-]+)""", re.I)
_WS = re.compile(r"[ \t\r\n\f\u00a0\u3000]+")


def _clean(s: str) -> str:
    return _WS.sub(" ", s).strip()


def _cell_text(el) -> str:
    parts = []
    for node in el.iter():
        if node.tag in _DROP:
            continue
        if node.tag == "br":
            parts.append("")
        if node.text and node.tag not in _DROP:
            parts.append(node.text)
        if node.tail and node is not el:
            parts.append(node.tail)
    return _clean("".join(parts)).replace("\t", " ")


def _span(cell, name: str, cap: int) -> int:
    try:
        return min(cap, max(1, int(cell.get(name, "1"))))
    except (ValueError, TypeError):
        return 1


class _TableTooLarge(Exception):
    def __init__(self, what: str, limit: str):
        self.what, self.limit = what, limit


def _fill_rowspans(grid: dict, pending: dict, r: int, c: int, limits: Limits) -> int:
    """Blank the cells covered by rowspans from above, from column `c`; the next free column."""
    while pending.get(c, 0) > 0:
        grid[(r, c)] = ""
        pending[c] -= 1
        c += 1
        if len(grid) > limits.max_table_cells:
            raise _TableTooLarge(f"超过 {limits.max_table_cells:,} 个单元格", "max_table_cells")
    return c


def _table_rows(table, limits: Limits = DEFAULT) -> list[str]:
    grid: dict[tuple[int, int], str] = {}
    pending: dict[int, int] = {}  # column -> rows still covered by a rowspan from above
    r = 0
    rows_out = []
    trs = [tr for tr in table.iter("tr") if tr.getparent() is not None]
    if len(trs) > limits.max_table_rows:
        raise _TableTooLarge(f"{len(trs):,} 行", "max_table_rows")
    width = 0
    for tr in trs:
        c = 0
        for cell in tr:
            if cell.tag not in ("td", "th"):
                continue
            c = _fill_rowspans(grid, pending, r, c, limits)
            colspan = _span(cell, "colspan", MAX_COLSPAN)
            rowspan = _span(cell, "rowspan", MAX_ROWSPAN)
            if len(grid) + colspan > limits.max_table_cells:
                raise _TableTooLarge(f"超过 {limits.max_table_cells:,} 个单元格", "max_table_cells")
            grid[(r, c)] = _cell_text(cell)
            for k in range(colspan):
                if k:
                    grid[(r, c + k)] = ""
                if rowspan > 1:
                    pending[c + k] = rowspan - 1
            c += colspan
        c = _fill_rowspans(grid, pending, r, c, limits)  # rowspans covering trailing columns
        width = max(width, c)
        r += 1
    if r * width > limits.max_table_cells:  # the rows below are materialized at full width
        raise _TableTooLarge(f"{r:,} 行 × {width:,} 列", "max_table_cells")
    for i in range(r):
        fields = [grid.get((i, j), "") for j in range(width)]
        while fields and fields[-1] == "":
            fields.pop()
        rows_out.append("\t".join(fields))
    return rows_out


def _depth_exceeded(root, parser, limit: int) -> bool:
    """libxml2 stops building the tree at depth 256 (and says so in the error log); deeper than
    `limit` is refused either way. Iterative, so a deep tree cannot exhaust the Python stack."""
    if any("Excessive depth" in str(e) for e in parser.error_log):
        return True
    stack = [(root, 0)]
    while stack:
        el, d = stack.pop()
        if d > limit:
            return True
        stack.extend((child, d + 1) for child in el)
    return False


def read_html(path: Path, data: bytes, limits: Limits = DEFAULT) -> Extracted:
    m = _META_CHARSET.search(data[:4096])
    notes: list[str] = []
    text, enc = decode_bytes(data, path, declared=m.group(1).decode("ascii", "replace") if m else None,
                             notes=notes)
    try:
        import lxml.html
        # No network, no entity expansion beyond the HTML ones, no "huge tree" (libxml2's own
        # depth and size caps stay on).
        parser = lxml.html.HTMLParser(encoding="utf-8", no_network=True, huge_tree=False)
        root = lxml.html.document_fromstring(text.encode("utf-8"), parser=parser)
    except Exception as exc:
        raise InputError(path, f"HTML 无法解析（{type(exc).__name__}）") from None
    if _depth_exceeded(root, parser, limits.max_depth):
        raise exceeded(path, "max_depth", limits, "网页元素嵌套层数过深，无法可靠读取（可能是恶意文件）")
    lines: list[str] = []
    refs: list[str] = []
    buf: list[str] = []
    counters = {"table": 0}

    def flush():
        s = _clean("".join(buf))
        buf.clear()
        if s:
            lines.append(s)
            refs.append(f"第{len(lines)}行（网页正文）")

    def walk(el):
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in _DROP:
            if el.tail:
                buf.append(el.tail)
            return
        if tag == "table" and not el.xpath(".//table"):
            flush()
            counters["table"] += 1
            for i, row in enumerate(_table_rows(el, limits), 1):
                lines.append(row)
                refs.append(f"表格{counters['table']}第{i}行")
        else:
            block = tag in _BLOCK or tag in ("table", "td", "th")
            if block or tag == "br":
                flush()
            if el.text and tag:
                buf.append(el.text)
            for child in el:
                walk(child)
            if block:
                flush()
        if el.tail:
            buf.append(el.tail)

    body = root.find("body")
    try:
        walk(body if body is not None else root)
    except _TableTooLarge as big:
        raise exceeded(path, big.limit, limits,
                       f"网页第 {counters['table']} 个表格过大（{big.what}），不像是年度报告的表格") from None
    flush()
    if not any(lines):
        raise InputError(path, "网页中没有正文内容")
    return Extracted(path=str(path), kind="html", text="\n".join(lines), encoding=enc, refs=refs,
                     notes=notes)
