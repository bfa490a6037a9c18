"""HTML reports as government sites publish them.

Body text is emitted line by line at block boundaries; navigation, scripts, styles and forms are
dropped. Leaf tables (tables without nested tables) become tab-separated rows on a grid that
honours colspan/rowspan; tables that contain tables are page layout and are walked as blocks.
"""
from __future__ import annotations

import re
from pathlib import Path

from ..errors import InputError
from . import Extracted
from .text import decode_bytes

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


def _table_rows(table) -> list[str]:
    grid: dict[tuple[int, int], str] = {}
    pending: dict[int, int] = {}  # column -> rows still covered by a rowspan from above
    r = 0
    rows_out = []
    trs = [tr for tr in table.iter("tr") if tr.getparent() is not None]
    width = 0
    for tr in trs:
        c = 0
        for cell in tr:
            if cell.tag not in ("td", "th"):
                continue
            while pending.get(c, 0) > 0:
                grid[(r, c)] = ""
                pending[c] -= 1
                c += 1
            try:
                colspan = max(1, int(cell.get("colspan", "1")))
            except ValueError:
                colspan = 1
            try:
                rowspan = max(1, int(cell.get("rowspan", "1")))
            except ValueError:
                rowspan = 1
            grid[(r, c)] = _cell_text(cell)
            for k in range(colspan):
                if k:
                    grid[(r, c + k)] = ""
                if rowspan > 1:
                    pending[c + k] = rowspan - 1
            c += colspan
        while pending.get(c, 0) > 0:  # rowspans covering trailing columns
            grid[(r, c)] = ""
            pending[c] -= 1
            c += 1
        width = max(width, c)
        r += 1
    for i in range(r):
        fields = [grid.get((i, j), "") for j in range(width)]
        while fields and fields[-1] == "":
            fields.pop()
        rows_out.append("\t".join(fields))
    return rows_out


def read_html(path: Path, data: bytes) -> Extracted:
    m = _META_CHARSET.search(data[:4096])
    text, enc = decode_bytes(data, path, declared=m.group(1).decode("ascii") if m else None)
    try:
        import lxml.html
        root = lxml.html.document_fromstring(text.encode("utf-8"),
                                             parser=lxml.html.HTMLParser(encoding="utf-8"))
    except Exception as exc:
        raise InputError(path, f"HTML 无法解析（{type(exc).__name__}）") from None
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
            for i, row in enumerate(_table_rows(el), 1):
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
    walk(body if body is not None else root)
    flush()
    if not any(lines):
        raise InputError(path, "网页中没有正文内容")
    return Extracted(path=str(path), kind="html", text="\n".join(lines), encoding=enc, refs=refs)
