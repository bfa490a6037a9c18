"""PDF reports (text PDFs): text lines in reading order, ruled tables as grids.

Characters and ruling lines are read with pypdfium2 (PDFium, C++: a few milliseconds a page); the
lattice of ruling lines is turned into cells by pdfplumber's table finder, fed with those lines.
`backend="pdfplumber"` reads characters and lines with pdfplumber/pdfminer instead (pure Python,
about ten times slower; kept to cross-check and to measure, see benchmarks/bench_pdf.py).

- Tables are found from their ruling lines (stroked lines, or thin filled rectangles as office
  suites draw cell borders); each row becomes one tab-separated line with one field per grid
  column, like DOCX and HTML tables. A merged cell's text sits in its first row and column; the
  cells it covers are blank. Text wrapped inside a cell is joined.
- A table that starts a page, right after a table that ended the previous page with the same
  number of columns, is the same table continued: it keeps its table number, and header rows that
  repeat the table's first rows are dropped.
- A row broken across the page (office suites let a row's wrapped label run on to the next page)
  is joined back into one row — only when the continuation can be nothing else: its text cells
  continue cells whose last line fills the cell, and it starts no new numbered label.
- Running headers and footers (lines in the top or bottom margin that repeat on other pages, and
  page numbers) are removed.
- Pages without a text layer are reported; a PDF without any text is refused ("scanned?").
- A PDF of more than `MAX_PAGES` pages is refused before any page is read.
"""
from __future__ import annotations

import io
import os
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError
from . import Extracted

MAX_PAGES = 500  # default page limit; read_pdf(max_pages=…) or env AUDITOR_PDF_MAX_PAGES overrides
MARGIN = 0.08  # top/bottom share of the page height where running headers and footers live
_PAGE_NO = re.compile(r"^\s*(?:[-—–]\s*\d{1,3}\s*[-—–]|第\s*\d{1,3}\s*页(?:\s*[,/，]?\s*共\s*\d{1,3}\s*页)?"
                      r"|\d{1,3}\s*/\s*\d{1,3}|\d{1,3})\s*$")
_NUMBER = re.compile(r"[\d.,+\-%]+")
# The start of a numbered row label: a row that begins with one is a row of its own, never the
# continuation of the row above it.
_LABEL_START = re.compile(r"\s*(?:[（(]\s*[一二三四五六七八九十\d]+\s*[）)]|[一二三四五六七八九十]+\s*[、.．]"
                          r"|\d+\s*[、.．]|第[一二三四五六七八九十\d]+)")
_ASCENT = 0.88  # share of the font size above the baseline (pdfminer-like character boxes)


@dataclass
class _Table:
    # Each row: (left edge, text, last line fills the cell) of every cell that starts in it. Column
    # positions are rebuilt from the left edges of all parts of a table, so a part drawn on a page
    # where some columns are merged throughout (and thus have no ruling line) still lines up.
    rows: list[list[tuple[float, str, bool]]]
    top: float
    bottom: float
    # The cells that reach the part's bottom edge, (left edge, row index) each: where a row that a
    # page break cut in two goes on (a merged cell may have started rows above the last one).
    tail: list[tuple[float, int]] = field(default_factory=list)


@dataclass
class _Page:
    number: int
    height: float
    items: list[tuple[float, object]] = field(default_factory=list)  # (top, str | _Table)
    chars: int = 0


@dataclass
class _Geometry:
    """What pdfplumber's table finder reads from a page: its bounding box and its edges."""
    bbox: tuple[float, float, float, float]
    edges: list[dict]


def _cell(text: str | None) -> str:
    # Lines wrapped inside a cell belong to one label or number; tabs would break the row shape.
    return "".join((text or "").split("\n")).replace("\t", " ").strip()


def _cell_text(chars: list[dict], extract_text) -> str:
    """A cell's text. Most cells hold one short run on one line (a number): joined directly, as
    pdfplumber's extract_text would; anything else goes through extract_text."""
    if not chars:
        return ""
    top = chars[0]["top"]
    if all(abs(c["top"] - top) < 1 for c in chars):
        run = sorted(chars, key=lambda c: c["x0"])
        if all(b["x0"] <= a["x1"] + 3 for a, b in zip(run, run[1:])) and not any(c["text"].isspace() for c in run):
            return _cell("".join(c["text"] for c in run))
    return _cell(extract_text(chars))


def _fills_cell(chars: list[dict], x1: float) -> bool:
    """The last text line of a cell reaches its right edge: the next character did not fit, so the
    text may go on (in the next row fragment, when the row was broken across a page)."""
    bottom = max(c["bottom"] for c in chars)
    last = [c for c in chars if c["bottom"] > bottom - 3 and c["text"].strip()]
    if not last:
        return False
    size = max(c["bottom"] - c["top"] for c in last)
    # Up to two characters may be left over: a line must not start with "、" or "）" (kinsoku), so
    # the character before one moves down with it.
    return x1 - max(c["x1"] for c in last) < 2 * size + 7


def _read_page(number: int, width: float, height: float, chars: list[dict], edges: list[dict]) -> _Page:
    from pdfplumber.table import TableFinder
    from pdfplumber.utils import chars_to_textmap, extract_text

    out = _Page(number, height, chars=len(chars))
    tables = TableFinder(_Geometry((0, 0, width, height), edges), {}).tables if edges else []

    def inside(c, box) -> bool:
        x, y = (c["x0"] + c["x1"]) / 2, (c["top"] + c["bottom"]) / 2
        return box[0] <= x < box[2] and box[1] <= y < box[3]

    boxes = [t.bbox for t in tables]  # computed properties: evaluate once, not per character
    for t, bbox in zip(tables, boxes):
        table_chars = [c for c in chars if inside(c, bbox)]
        rows, tail = [], []
        for r, row in enumerate(t.rows):
            row_box = row.bbox
            row_chars = [c for c in table_chars if inside(c, row_box)]
            cells = []
            boxes_in_row = sorted((box for box in row.cells if box is not None), key=lambda b: b[0])
            lefts = [b[0] for b in boxes_in_row]
            owned: list[list[dict]] = [[] for _b in boxes_in_row]
            for c in row_chars:  # the cells of a row do not overlap: find a character's by its centre
                k = bisect_right(lefts, (c["x0"] + c["x1"]) / 2) - 1
                if k >= 0 and inside(c, boxes_in_row[k]):
                    owned[k].append(c)
            for box, mine in zip(boxes_in_row, owned):
                text = _cell_text(mine, extract_text)
                cells.append((box[0], text, bool(text) and _fills_cell(mine, box[2])))
                if abs(box[3] - bbox[3]) < 1:
                    tail.append((box[0], r))
            rows.append(cells)
        out.items.append((bbox[1], _Table(rows, bbox[1], bbox[3], tail)))

    def outside(c) -> bool:
        x, y = (c["x0"] + c["x1"]) / 2, (c["top"] + c["bottom"]) / 2
        return not any(x0 <= x <= x1 and y0 <= y <= y1 for x0, y0, x1, y1 in boxes)

    free = [c for c in chars if outside(c)] if boxes else chars
    if free:
        textmap = chars_to_textmap(free, layout_bbox=(0, 0, width, height), layout_width=width,
                                   layout_height=height)
        for line in textmap.extract_text_lines(strip=True, return_chars=False):
            out.items.append((float(line["top"]), line["text"]))
    out.items.sort(key=lambda item: item[0])
    return out


def _edge(x0: float, top: float, x1: float, bottom: float, kind: str) -> dict:
    return {"x0": x0, "x1": x1, "top": top, "bottom": bottom, "width": x1 - x0, "height": bottom - top,
            "orientation": "h" if top == bottom else "v", "object_type": kind}


def _pdfium_pages(data: bytes, max_pages: int, path: Path):
    """(number of pages, iterator of (width, height, chars, edges) per page) read with PDFium."""
    import ctypes

    import pypdfium2 as pdfium
    import pypdfium2.raw as c

    doc = pdfium.PdfDocument(data)
    count = len(doc)
    _check_pages(path, count, max_pages)

    def pages():
        rect, x, y = c.FS_RECTF(), ctypes.c_float(), ctypes.c_float()
        ox, oy = ctypes.c_double(), ctypes.c_double()
        for i in range(count):
            page = doc[i]
            width, height = page.get_size()
            text = page.get_textpage()
            tp = text.raw
            chars = []
            for k in range(c.FPDFText_CountChars(tp)):
                if c.FPDFText_IsGenerated(tp, k) == 1:
                    continue  # spaces and line breaks PDFium adds between words and lines
                u = c.FPDFText_GetUnicode(tp, k)
                if u < 32 or 0xD800 <= u <= 0xDFFF:
                    continue
                c.FPDFText_GetLooseCharBox(tp, k, rect)
                c.FPDFText_GetCharOrigin(tp, k, ox, oy)
                size = c.FPDFText_GetFontSize(tp, k) or (rect.top - rect.bottom)
                top = height - oy.value - _ASCENT * size
                chars.append({"text": chr(u), "x0": rect.left, "x1": max(rect.right, rect.left), "top": top,
                              "bottom": top + size, "doctop": top, "upright": True, "size": size})
            edges: list[dict] = []
            _path_edges(c, page.raw, False, (1, 0, 0, 1, 0, 0), height, edges, x, y, 0)
            text.close()
            page.close()
            yield width, height, chars, edges

    return count, pages(), doc


def _path_edges(c, parent, is_form: bool, ctm, height: float, out: list, x, y, depth: int) -> None:
    """Horizontal and vertical segments of every path (in forms too), in page coordinates with the
    origin at the top: what pdfplumber calls a page's edges."""
    count = (c.FPDFFormObj_CountObjects if is_form else c.FPDFPage_CountObjects)(parent)
    get = c.FPDFFormObj_GetObject if is_form else c.FPDFPage_GetObject
    m = c.FS_MATRIX()
    for i in range(count):
        obj = get(parent, i)
        kind = c.FPDFPageObj_GetType(obj)
        if kind not in (c.FPDF_PAGEOBJ_PATH, c.FPDF_PAGEOBJ_FORM):
            continue
        c.FPDFPageObj_GetMatrix(obj, m)
        a, b, cc, d, e, f = ctm
        mat = (m.a * a + m.b * cc, m.a * b + m.b * d, m.c * a + m.d * cc, m.c * b + m.d * d,
               m.e * a + m.f * cc + e, m.e * b + m.f * d + f)
        if kind == c.FPDF_PAGEOBJ_FORM:
            if depth < 8:
                _path_edges(c, obj, True, mat, height, out, x, y, depth + 1)
            continue
        start = prev = None
        for k in range(c.FPDFPath_CountSegments(obj)):
            seg = c.FPDFPath_GetPathSegment(obj, k)
            c.FPDFPathSegment_GetPoint(seg, x, y)
            px = mat[0] * x.value + mat[2] * y.value + mat[4]
            py = height - (mat[1] * x.value + mat[3] * y.value + mat[5])
            point = (round(px, 3), round(py, 3))
            st = c.FPDFPathSegment_GetType(seg)
            if st == c.FPDF_SEGMENT_MOVETO:
                start = prev = point
                continue
            if st == c.FPDF_SEGMENT_LINETO and prev is not None:
                _segment(prev, point, out)
            prev = point
            if c.FPDFPathSegment_GetClose(seg) and start is not None:
                _segment(prev, start, out)
                prev = start


def _segment(p, q, out: list) -> None:
    (x0, y0), (x1, y1) = p, q
    if y0 == y1 and x0 != x1:
        out.append(_edge(min(x0, x1), y0, max(x0, x1), y0, "line"))
    elif x0 == x1 and y0 != y1:
        out.append(_edge(x0, min(y0, y1), x0, max(y0, y1), "line"))


def _pdfplumber_pages(data: bytes, max_pages: int, path: Path):
    import pdfplumber

    pdf = pdfplumber.open(io.BytesIO(data))
    count = len(pdf.pages)
    _check_pages(path, count, max_pages)

    def pages():
        for page in pdf.pages:
            yield float(page.width), float(page.height), page.chars, page.edges
            page.close()

    return count, pages(), pdf


def _check_pages(path: Path, count: int, max_pages: int) -> None:
    if count > max_pages:
        raise InputError(path, f"PDF 共 {count} 页，超过上限 {max_pages} 页")


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


def _max_pages(max_pages: int | None) -> int:
    if max_pages is not None:
        return max_pages
    env = os.environ.get("AUDITOR_PDF_MAX_PAGES", "")
    return int(env) if env.isdigit() else MAX_PAGES


def read_pdf(path: Path, data: bytes, max_pages: int | None = None, backend: str = "pdfium",
             limits=None) -> Extracted:
    """Read a text PDF. More than `max_pages` pages (default MAX_PAGES) is refused unread. Pages
    without a text layer are read by OCR when the `ocr` extra is installed and `limits.ocr` is on."""
    limit = _max_pages(max_pages)
    opener = _pdfplumber_pages if backend == "pdfplumber" else _pdfium_pages
    handle = None
    try:
        _count, page_iter, handle = opener(data, limit, path)
        pages = [_read_page(i, *content) for i, content in enumerate(page_iter, 1)]
    except InputError:
        raise
    except Exception as exc:  # PDFium and pdfminer raise many unrelated types for broken or locked files
        name = type(exc).__name__ + " " + str(exc)
        if re.search(r"Password|Encrypt", name, re.I) or "PDFPasswordIncorrect" in repr(exc):
            from .legacy import password_error

            raise password_error(path, "PDF ") from None
        raise InputError(path, f"PDF 文件已损坏或无法解析（{type(exc).__name__}）") from None
    finally:
        if handle is not None:
            handle.close()
    if not pages:
        raise InputError(path, "PDF 文件没有页面")
    blank = [p.number for p in pages if p.chars == 0]
    if not blank:
        return _assemble(path, pages)
    return _scanned(path, data, pages, blank, limits)


def _scanned(path: Path, data: bytes, pages: list[_Page], blank: list[int], limits) -> Extracted:
    """The PDF when some or all pages have no text layer: those pages read by OCR (ingest/ocr.py),
    or, without OCR, the clear error (no page has text) or a note per unread page."""
    from . import ocr
    from ..limits import DEFAULT, hint

    limits = limits or DEFAULT
    if not limits.ocr or not ocr.available():
        why = "已关闭文字识别（命令行 --no-ocr 或配置 limits.ocr = false）" if not limits.ocr else ocr.INSTALL_HINT
        if len(blank) == len(pages):
            raise InputError(path, f"PDF 没有文字层（共 {len(pages)} 页，可能是扫描件），未做文字识别（OCR）；{why}")
        ex = _assemble(path, pages)
        ex.notes.append(f"{len(blank)} 页没有文字层，未做文字识别：{why}")
        return ex
    import pypdfium2 as pdfium

    notes: list[str] = []
    done, spent = 0, 0.0
    ocr.extend_time(len(blank) * limits.ocr_seconds_per_page)
    try:
        doc = pdfium.PdfDocument(data)
        try:
            for number in blank:
                left = ocr.time_left()
                if done and left is not None and left < 1.2 * spent / done:
                    raise InputError(path, f"文字识别超时：共 {len(blank)} 页需要识别，已识别 {done} 页（每页约 "
                                           f"{spent / done:.0f} 秒）{hint('ocr_seconds_per_page', limits)}")
                page = doc[number - 1]
                res = ocr.page_chars(ocr.recognize(page))
                page.close()
                done, spent = done + 1, spent + res.seconds
                if not any(c["text"].isalnum() for c in res.chars):
                    continue  # nothing but specks and unreadable marks: the page stays unread
                pages[number - 1] = _read_page(number, res.width, res.height, res.chars, res.edges)
                if res.uncertain:
                    shown = "、".join(f"“{u}”" for u in res.uncertain[:8]) + ("等" if len(res.uncertain) > 8 else "")
                    notes.append(f"第{number}页文字识别：{len(res.uncertain)} 处数字识别把握不足（置信度低于 "
                                 f"{ocr.MIN_CONFIDENCE:g} 或含形近字母，识别为 {shown}），按无法确定处理")
                if res.skew:
                    notes.append(f"第{number}页扫描图像倾斜 {res.skew:+.2f}°，已校正后识别")
        finally:
            doc.close()
    except InputError:
        raise
    except Exception as exc:  # the recognizer or OpenCV failing on an odd image
        raise InputError(path, f"文字识别失败（{type(exc).__name__}）") from None
    if sum(p.chars for p in pages) == 0:
        raise InputError(path, f"PDF 没有文字层（共 {len(pages)} 页，可能是扫描件），文字识别（OCR）也未识别出文字")
    ex = _assemble(path, pages)
    read = [n for n in blank if pages[n - 1].chars]
    ex.ocr_pages = read
    page_of = [int(m[-1]) if (m := re.findall(r"第(\d+)页", ref)) else 0 for ref in ex.refs or []]
    ex.ocr_lines = [i for i, n in enumerate(page_of, 1) if n in set(read)]
    scope = "全部页面" if len(read) == len(pages) else f"第{'、'.join(map(str, read))}页"
    ex.notes[:0] = [f"{ocr.NOTICE}：{scope}没有文字层，已用文字识别读取；识别出的文字和数字请与原件核对"] + notes
    return ex


def _assemble(path: Path, pages: list[_Page]) -> Extracted:
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
    # table -> per grid column, the (line index, texts, fills) of the row whose cell in that column
    # reaches the bottom of the part drawn last: where a row cut by the page break goes on.
    tails: dict[int, list[tuple[int, list[str], list[bool]] | None]] = {}
    for page, item, table in flow:
        if table is None:
            lines.append(item)
            refs.append(f"第{page}页")
            continue
        if id(table) not in grids:
            columns = _columns(table)
            grids[id(table)] = (len(grids) + 1, columns, [_lay(r, columns)[0] for r in table[0].rows])
        number, columns, first_rows = grids[id(table)]
        rows = [_lay(r, columns) for r in item.rows]
        if item is not table[0]:
            texts = _drop_repeated_header(first_rows, [t for t, _f in rows])
            rows = rows[len(rows) - len(texts):]
            if rows and id(table) in tails and _join_broken_row(tails[id(table)], *rows[0], lines):
                rows = rows[1:]
        laid: list[tuple[int, list[str], list[bool]]] = []
        for texts, fills in rows:
            counts[id(table)] = counts.get(id(table), 0) + 1
            laid.append((len(lines), texts, fills))
            lines.append("\t".join(texts))
            refs.append(f"表格{number}第{counts[id(table)]}行（第{page}页）")
        offset = len(item.rows) - len(rows)  # rows dropped (repeated header, joined fragment)
        tail: list[tuple[int, list[str], list[bool]] | None] = [None] * len(columns)
        for x, r in item.tail:
            if 0 <= r - offset < len(laid):
                tail[min(range(len(columns)), key=lambda k: abs(columns[k] - x))] = laid[r - offset]
        if laid:
            tails[id(table)] = tail
    if not "".join(lines).strip():
        raise InputError(path, "PDF 中没有可读取的文字内容")
    return Extracted(path=str(path), kind="pdf", text="\n".join(lines), refs=refs, notes=notes)


def _join_broken_row(tail: list, below: list[str], below_fills: list[bool], lines: list[str]) -> bool:
    """Join the row a page break cut in two, editing `lines`; False when `below` may be a row of its own.

    `tail` holds, per column, the row (line index, texts, fills) whose cell reaches the page break.
    `below` (the first row on the new page) is the rest of those cells only if every text it holds
    continues a text whose last line fills its cell, every number it holds sits where the cell above
    is blank, it continues at least one text, and it does not start a numbered label. An empty
    `below` (a cut through cell padding) is dropped: it holds nothing."""
    if len(tail) != len(below):
        return False
    first = next((t for t in below if t), "")
    if not first:
        return True
    if _LABEL_START.match(first):
        return False
    edits: dict[int, list[str]] = {}
    continued = False
    for i, down in enumerate(below):
        if not down:
            continue
        if tail[i] is None:
            return False
        index, texts, fills = tail[i]
        up = texts[i]
        if _NUMBER.fullmatch(down):
            if up:
                return False
        elif not up or _NUMBER.fullmatch(up) or not fills[i]:
            return False
        else:
            continued = True
        edits.setdefault(index, list(texts))[i] = up + down
    if not continued:
        return False
    for index, texts in edits.items():
        lines[index] = "\t".join(texts)
    return True


def _columns(parts: list[_Table], tolerance: float = 2.0) -> list[float]:
    """Left edges of the grid columns of a (multi-part) table."""
    edges = sorted(x for part in parts for row in part.rows for x, _t, _f in row)
    columns: list[float] = []
    for x in edges:
        if not columns or x - columns[-1] > tolerance:
            columns.append(x)
    return columns


def _lay(row: list[tuple[float, str, bool]], columns: list[float]) -> tuple[list[str], list[bool]]:
    texts, fills = [""] * len(columns), [False] * len(columns)
    for x, text, full in row:
        i = min(range(len(columns)), key=lambda k: abs(columns[k] - x))
        texts[i], fills[i] = text, full
    return texts, fills


def _drop_repeated_header(first: list[list[str]], rows: list[list[str]]) -> list[list[str]]:
    """Rows at the top of a continuation that repeat the table's first rows (Word's repeated header)."""
    n = 0
    while n < len(rows) and n < len(first) and rows[n] == first[n] and not any(
            re.fullmatch(r"[\d.+\-]+", c) for c in rows[n] if c):
        n += 1
    return rows[n:]
