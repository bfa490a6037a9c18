"""PDF reports (text PDFs) with pdfplumber: text lines in reading order, ruled tables as grids.

- Tables are found from their ruling lines; each row becomes one tab-separated line with one field
  per grid column, like DOCX and HTML tables. A merged cell's text sits in its first row and column;
  the cells it covers are blank. Text wrapped inside a cell is joined.
- A table that starts a page, right after a table that ended the previous page with the same
  number of columns, is the same table continued: it keeps its table number, and header rows that
  repeat the table's first rows are dropped.
- Running headers and footers (lines in the top or bottom margin that repeat on other pages, and
  page numbers) are removed.
- Pages without a text layer are reported; a PDF without any text is refused ("scanned?").
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError
from . import Extracted

MARGIN = 0.08  # top/bottom share of the page height where running headers and footers live
_PAGE_NO = re.compile(r"^\s*(?:[-—–]\s*\d{1,3}\s*[-—–]|第\s*\d{1,3}\s*页(?:\s*[,/，]?\s*共\s*\d{1,3}\s*页)?"
                      r"|\d{1,3}\s*/\s*\d{1,3}|\d{1,3})\s*$")


@dataclass
class _Table:
    # Each row: (left edge, text) of every cell that starts in it. Column positions are rebuilt from
    # the left edges of all parts of a table, so a part drawn on a page where some columns are
    # merged throughout (and thus have no ruling line) still lines up with the others.
    rows: list[list[tuple[float, str]]]
    top: float
    bottom: float

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)


@dataclass
class _Page:
    number: int
    height: float
    items: list[tuple[float, object]] = field(default_factory=list)  # (top, str | _Table)
    chars: int = 0


def _cell(text: str | None) -> str:
    # Lines wrapped inside a cell belong to one label or number; tabs would break the row shape.
    return "".join((text or "").split("\n")).replace("\t", " ").strip()


def _read_page(page, number: int) -> _Page:
    out = _Page(number, float(page.height), chars=len(page.chars))
    tables = page.find_tables()
    boxes = [t.bbox for t in tables]
    for t in tables:
        rows = [[(box[0], _cell(text)) for box, text in zip(row.cells, texts) if box is not None]
                for row, texts in zip(t.rows, t.extract())]
        out.items.append((t.bbox[1], _Table(rows, t.bbox[1], t.bbox[3])))

    def outside(obj) -> bool:
        x = (obj["x0"] + obj["x1"]) / 2
        y = (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= x <= x1 and y0 <= y <= y1 for x0, y0, x1, y1 in boxes)

    text_page = page.filter(outside) if boxes else page
    for line in text_page.extract_text_lines(return_chars=False):
        out.items.append((float(line["top"]), line["text"]))
    out.items.sort(key=lambda item: item[0])
    return out


def _in_margin(page: _Page, top: float) -> bool:
    return top < page.height * MARGIN or top > page.height * (1 - MARGIN)


def _running_lines(pages: list[_Page]) -> set[str]:
    """Margin lines that recur (digits ignored) on at least two pages: running headers/footers."""
    seen: dict[str, int] = {}
    for p in pages:
        for top, item in p.items:
            if isinstance(item, str) and _in_margin(p, top):
                key = re.sub(r"\d+", "#", item.strip())
                seen[key] = seen.get(key, 0) + 1
    return {k for k, n in seen.items() if n >= 2}


def read_pdf(path: Path, data: bytes) -> Extracted:
    import pdfplumber

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
        pages = [_read_page(page, i) for i, page in enumerate(pdf.pages, 1)]
    except Exception as exc:  # pdfminer raises many unrelated types for broken or locked files
        name = type(exc).__name__ + " " + str(exc)
        if re.search(r"Password|Encrypt", name, re.I) or "PDFPasswordIncorrect" in repr(exc):
            raise InputError(path, "PDF 已加密（需要密码），无法读取") from None
        raise InputError(path, f"PDF 文件已损坏或无法解析（{type(exc).__name__}）") from None
    if not pages:
        raise InputError(path, "PDF 文件没有页面")
    if sum(p.chars for p in pages) == 0:
        raise InputError(path, f"PDF 没有文字层（共 {len(pages)} 页，可能是扫描件），暂不支持文字识别（OCR）")

    running = _running_lines(pages)
    notes = [f"第{p.number}页没有文字层（可能是扫描页），该页内容未读取" for p in pages if p.chars == 0]
    # Pass 1: the page content in order; each table part knows the (multi-page) table it belongs to.
    flow: list[tuple[int, str | _Table, list[_Table] | None]] = []  # (page, text or table part, its table)
    open_table: list[_Table] | None = None  # parts of the table that ended the previous page, if one did
    for p in pages:
        content = [item for top, item in p.items
                   if not (isinstance(item, str) and _in_margin(p, top)
                           and (re.sub(r"\d+", "#", item.strip()) in running or _PAGE_NO.match(item)))]
        for idx, item in enumerate(content):
            if isinstance(item, _Table):
                if not (idx == 0 and open_table is not None):
                    open_table = []
                open_table.append(item)
                flow.append((p.number, item, open_table))
            else:
                flow.append((p.number, item, None))
        if not content or not isinstance(content[-1], _Table):
            open_table = None
    # Pass 2: lines. A table's rows are laid on the column grid of all its parts.
    lines: list[str] = []
    refs: list[str] = []
    grids: dict[int, tuple[int, list[float], list[list[str]]]] = {}  # table -> (number, columns, first rows)
    counts: dict[int, int] = {}
    for page, item, table in flow:
        if table is None:
            lines.append(item)
            refs.append(f"第{page}页")
            continue
        if id(table) not in grids:
            columns = _columns(table)
            grids[id(table)] = (len(grids) + 1, columns, [_lay(r, columns) for r in table[0].rows])
        number, columns, first_rows = grids[id(table)]
        rows = [_lay(r, columns) for r in item.rows]
        if item is not table[0]:
            rows = _drop_repeated_header(first_rows, rows)
        for row in rows:
            counts[id(table)] = counts.get(id(table), 0) + 1
            lines.append("\t".join(row))
            refs.append(f"表格{number}第{counts[id(table)]}行（第{page}页）")
    if not "".join(lines).strip():
        raise InputError(path, "PDF 中没有可读取的文字内容")
    return Extracted(path=str(path), kind="pdf", text="\n".join(lines), refs=refs, notes=notes)


def _columns(parts: list[_Table], tolerance: float = 2.0) -> list[float]:
    """Left edges of the grid columns of a (multi-part) table."""
    edges = sorted(x for part in parts for row in part.rows for x, _t in row)
    columns: list[float] = []
    for x in edges:
        if not columns or x - columns[-1] > tolerance:
            columns.append(x)
    return columns


def _lay(row: list[tuple[float, str]], columns: list[float]) -> list[str]:
    out = [""] * len(columns)
    for x, text in row:
        i = min(range(len(columns)), key=lambda k: abs(columns[k] - x))
        out[i] = text
    return out


def _drop_repeated_header(first: list[list[str]], rows: list[list[str]]) -> list[list[str]]:
    """Rows at the top of a continuation that repeat the table's first rows (Word's repeated header)."""
    n = 0
    while n < len(rows) and n < len(first) and rows[n] == first[n] and not any(
            re.fullmatch(r"[\d.+\-]+", c) for c in rows[n] if c):
        n += 1
    return rows[n:]
