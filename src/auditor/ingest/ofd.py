"""OFD reports (GB/T 33190, China's fixed-layout format): text with positions, ruled tables.

An OFD is a ZIP of XML parts: OFD.xml names the documents (one DocBody/DocRoot each; nearly
always one), each Document.xml lists its pages (Pages/Page@BaseLoc) and the page size
(CommonData/PageArea), each page's Content.xml holds layers of drawing objects. Text is in TextObject elements — Boundary "x y w h" on the page,
an optional CTM, Size, and TextCode runs whose X/Y (the baseline) and DeltaX ("g N v" repeats v N
times) place every character; the text itself is Unicode. Table rules are PathObject elements
(AbbreviatedData: M/S move, L line, Q/B/A curves, C close). Units are millimetres, y downwards.

The characters and the horizontal/vertical segments are handed, converted to points, to the same
page reading and assembly as PDFs (ingest/pdf.py `_read_page`, `_assemble`): tables from their
ruling lines, text lines, running headers and page numbers dropped, tables continued across pages.
Template pages (CommonData/TemplatePage, drawn under a page) are read with the page.

A package of several documents (a report bundled with a cover letter or an attachment) is read
whole, in the order OFD.xml gives: reading only the first would silently lose the others, and the
report may well be the second. Each document is assembled on its own (no table runs on into the
next document), every reference names its document ("第2个文档表格1第3行（第2页）"), and an ingest
note says how many documents were read; a document without text is named in a note.

Safety: the ZIP is checked like a DOCX (entry count, inflated size, ratio, XML tags) before any
part is parsed; parts are parsed without DTDs, entities or network access, and a part that declares
a DTD is refused; only .xml parts are ever parsed; nesting of page blocks is bounded.

Not read: text drawn as paths or images (a scanned OFD has no text: refused like a scanned PDF),
glyph-index text without Unicode, annotations and signatures.
"""
from __future__ import annotations

import io
import math
import posixpath
import re
import unicodedata
import zipfile
from pathlib import Path

from ..errors import InputError
from ..limits import DEFAULT, Limits
from . import Extracted

PT_PER_MM = 72 / 25.4
_ASCENT = 0.88  # share of the font size above the baseline, as the PDF reader's character boxes
_MAX_DEPTH = 32  # nested PageBlock elements
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.I)
_NUM = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _child(el, name: str):
    return next((c for c in el if _local(c.tag) == name), None)


def _children(el, name: str) -> list:
    return [c for c in el if _local(c.tag) == name]


def _numbers(text: str | None) -> list[float]:
    return [float(x) for x in _NUM.findall(text or "")]


def _box(text: str | None) -> tuple[float, float, float, float] | None:
    nums = _numbers(text)
    return tuple(nums[:4]) if len(nums) >= 4 else None


def _deltas(text: str | None, limit: int) -> list[float]:
    """DeltaX/DeltaY values with the "g N v" repeats expanded; at most `limit` (the characters of
    the TextCode: more are never used, and a huge N must cost nothing)."""
    out: list[float] = []
    tokens = (text or "").split()
    i = 0
    while i < len(tokens) and len(out) < limit:
        if tokens[i] == "g" and i + 2 < len(tokens):
            try:
                n, v = int(float(tokens[i + 1])), float(tokens[i + 2])
            except ValueError:
                break
            out.extend([v] * max(0, min(n, limit - len(out))))
            i += 3
            continue
        try:
            out.append(float(tokens[i]))
        except ValueError:
            break
        i += 1
    return out


class _Package:
    """The ZIP's parts, parsed safely on demand."""

    def __init__(self, path: Path, data: bytes):
        self.path = path
        self.zf = zipfile.ZipFile(io.BytesIO(data))
        self.names = {n.lstrip("/"): n for n in self.zf.namelist()}
        self.lower = {n.lower(): n for n in self.names}

    def resolve(self, base_dir: str, loc: str | None) -> str | None:
        """A BaseLoc relative to the referring part's folder, or absolute ("/..."); producers that
        write package-root paths without the slash are found too."""
        if not loc:
            return None
        loc = loc.strip().replace("\\", "/")
        candidates = [loc.lstrip("/")] if loc.startswith("/") else [posixpath.join(base_dir, loc), loc]
        for cand in candidates:
            norm = posixpath.normpath(cand)
            if norm.startswith(".."):
                continue
            if norm in self.names:
                return norm
            if norm.lower() in self.lower:
                return self.lower[norm.lower()]
        return None

    def xml(self, name: str | None, what: str):
        from lxml import etree

        if name is None:
            raise InputError(self.path, f"OFD 文件结构不完整（找不到{what}）")
        if not name.lower().endswith(".xml"):
            raise InputError(self.path, f"OFD 文件结构无效（{what}不是 XML 文件：{name}）")
        try:
            raw = self.zf.read(self.names[name])
        except Exception as exc:  # zlib errors, bad CRC: check_zip read the parts already, rarely reached
            raise InputError(self.path, f"OFD 文件已损坏（{name}：{type(exc).__name__}）") from None
        # OFD needs no DTD: refuse one before libxml2 sees it (external entities, entity bombs).
        if _DTD.search(raw):
            raise InputError(self.path, f"OFD 文件中含有 DTD 或实体声明（{name}），可能是恶意文件，已拒绝读取")
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                                 huge_tree=False, remove_comments=True, remove_pis=True)
        try:
            root = etree.fromstring(raw, parser)
        except etree.XMLSyntaxError as exc:
            where = f" 第 {exc.lineno} 行" if getattr(exc, "lineno", None) else ""
            raise InputError(self.path, f"OFD 文件中的 XML 无法解析（{name}{where}），文件可能已损坏") from None
        return root


def read_ofd(path: Path, data: bytes, limits: Limits = DEFAULT) -> Extracted:
    from .docx import check_zip
    from .pdf import _assemble

    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise InputError(path, "不是有效的 OFD 文件（不是 ZIP 压缩包）")
    check_zip(path, data, limits, label="OFD")
    pkg = _Package(path, data)
    ofd = pkg.xml(pkg.resolve("", "OFD.xml"), "入口文件 OFD.xml")
    documents: list[_Document] = []
    total = 0
    # Counted as each Document.xml is read: every document has a page, so a package of a great many
    # DocBody entries is refused after at most max_pages + 1 of them.
    bodies = _children(ofd, "DocBody") or [None]
    for body in bodies:
        documents.append(_Document(pkg, body))
        total += len(documents[-1].page_refs)
        if total > limits.max_pages:
            count = "共" if len(documents) == len(bodies) else "至少"  # the other documents unread
            raise InputError(path, f"OFD {count} {total} 页，超过上限 {limits.max_pages} 页"
                                   f"（配置项 limits.max-pages）")
    pages_of = [d.pages() for d in documents]
    if sum(p.chars for pages in pages_of for p in pages) == 0:
        raise InputError(path, f"OFD 中没有文字（共 {total} 页，可能是扫描件），暂不支持文字识别（OCR）")
    if len(documents) == 1:
        ex = _assemble(path, pages_of[0])
    else:
        ex = _joined(path, pages_of)
    ex.kind = "ofd"
    return ex


def _joined(path: Path, pages_of: list[list]) -> Extracted:
    """A package of several documents (several DocBody): each read on its own, in the order OFD.xml
    lists them — its tables, running headers and page numbers are its own — and every line's
    reference names its document. A document without text is named in a note."""
    from .pdf import _assemble

    lines: list[str] = []
    refs: list[str] = []
    notes = [f"OFD 文件包含 {len(pages_of)} 个文档，已按顺序全部读取（位置写作“第2个文档第1页”）"]
    for number, pages in enumerate(pages_of, 1):
        where = f"第{number}个文档"
        if sum(p.chars for p in pages) == 0:
            notes.append(f"{where}没有文字（共 {len(pages)} 页，可能是扫描件），未读取")
            continue
        part = _assemble(path, pages)
        lines.append(part.text)
        refs.extend(where + ref for ref in part.refs)
        notes.extend(where + note for note in part.notes)
    return Extracted(path=str(path), kind="ofd", text="\n".join(lines), refs=refs, notes=notes)


class _Document:
    """One DocBody: its Document.xml (page size, template pages, the list of pages), read at once
    so that the pages of all documents are counted before any page is read."""

    def __init__(self, pkg: _Package, body):
        root = _child(body, "DocRoot") if body is not None else None
        self.pkg = pkg
        self.name = pkg.resolve("", root.text if root is not None else None)
        document = pkg.xml(self.name, "文档根节点 Document.xml")
        self.dir = posixpath.dirname(self.name)
        common = _child(document, "CommonData")
        self.default_box = _page_box(common)
        self.templates = {t.get("ID"): pkg.resolve(self.dir, t.get("BaseLoc"))
                          for t in (_children(common, "TemplatePage") if common is not None else [])}
        pages_el = _child(document, "Pages")
        self.page_refs = _children(pages_el, "Page") if pages_el is not None else []
        if not self.page_refs:
            raise InputError(pkg.path, "OFD 文件没有页面")

    def pages(self) -> list:
        """The pages read as PDF pages (ingest/pdf.py `_read_page`), numbered from 1."""
        from .pdf import _read_page

        pkg = self.pkg
        pages = []
        template_cache: dict[str, tuple[list, list]] = {}
        for number, ref in enumerate(self.page_refs, 1):
            content = pkg.xml(pkg.resolve(self.dir, ref.get("BaseLoc")), f"第{number}页的内容")
            box = _page_box(content) or self.default_box
            if box is None:
                raise InputError(pkg.path, f"OFD 文件结构无效（第{number}页没有页面大小）")
            chars: list[dict] = []
            edges: list[dict] = []
            for tpl in _children(content, "Template"):
                tpl_name = self.templates.get(tpl.get("TemplateID"))
                if tpl_name not in template_cache:
                    t_chars: list[dict] = []
                    t_edges: list[dict] = []
                    tpl_root = pkg.xml(tpl_name, "模板页")
                    _objects(_child(tpl_root, "Content"), t_chars, t_edges, 0)
                    template_cache[tpl_name] = (t_chars, t_edges)
                chars.extend(dict(ch) for ch in template_cache[tpl_name][0])
                edges.extend(dict(ed) for ed in template_cache[tpl_name][1])
            _objects(_child(content, "Content"), chars, edges, 0)
            width, height = box[2] * PT_PER_MM, box[3] * PT_PER_MM
            pages.append(_read_page(number, width, height, _shifted(chars, box), _shifted(edges, box)))
        return pages


def _page_box(el) -> tuple[float, float, float, float] | None:
    """PhysicalBox of a PageArea (Document CommonData) or a page's Area."""
    if el is None:
        return None
    area = _child(el, "PageArea")
    if area is None:
        area = _child(el, "Area")
    if area is None:
        return None
    box = _box(getattr(_child(area, "PhysicalBox"), "text", None))
    return box if box and box[2] > 0 and box[3] > 0 else None


def _shifted(items: list[dict], box) -> list[dict]:
    """Characters or edges relative to a PhysicalBox that does not start at 0 0 (rare, but allowed)."""
    if not box[0] and not box[1]:
        return items
    dx, dy = box[0] * PT_PER_MM, box[1] * PT_PER_MM
    out = []
    for it in items:
        moved = dict(it, x0=it["x0"] - dx, x1=it["x1"] - dx, top=it["top"] - dy, bottom=it["bottom"] - dy)
        if "doctop" in moved:
            moved["doctop"] = moved["top"]
        out.append(moved)
    return out


def _matrix(el) -> tuple[float, float, float, float, float, float]:
    nums = _numbers(el.get("CTM"))
    return tuple(nums[:6]) if len(nums) >= 6 else (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def _objects(parent, chars: list[dict], edges: list[dict], depth: int) -> None:
    """Text characters and path segments of a Content (its layers) or a PageBlock, in order."""
    if parent is None or depth > _MAX_DEPTH:
        return
    for el in parent:
        name = _local(el.tag)
        if name in ("Layer", "PageBlock"):
            _objects(el, chars, edges, depth + 1)
        elif name == "TextObject":
            _text_object(el, chars)
        elif name == "PathObject":
            _path_object(el, edges)


def _text_object(el, chars: list[dict]) -> None:
    box = _box(el.get("Boundary"))
    if box is None:
        return
    a, b, c, d, e, f = _matrix(el)
    try:
        size = float(el.get("Size", "0"))
    except ValueError:
        return
    scale = math.sqrt(abs(a * d - b * c)) or 1.0
    shown = size * scale * PT_PER_MM  # the font size on the page, in points
    if shown <= 0:
        return

    def page(x: float, y: float) -> tuple[float, float]:
        return (box[0] + a * x + c * y + e) * PT_PER_MM, (box[1] + b * x + d * y + f) * PT_PER_MM

    x = y = 0.0
    for code in _children(el, "TextCode"):
        text = code.text or ""
        if code.get("X") is not None:
            x = _numbers(code.get("X"))[0] if _numbers(code.get("X")) else x
        if code.get("Y") is not None:
            y = _numbers(code.get("Y"))[0] if _numbers(code.get("Y")) else y
        dx, dy = _deltas(code.get("DeltaX"), len(text)), _deltas(code.get("DeltaY"), len(text))
        for i, ch in enumerate(text):
            advance = dx[i] if i < len(dx) else size * (1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.5)
            if ord(ch) >= 32:
                left, base = page(x, y)
                # DeltaX is the advance, spacing included; no glyph is wider than one em, so an
                # advance beyond that is a gap (LibreOffice's space between CJK and digits).
                right, _ = page(x + min(advance, size), y)
                top = base - _ASCENT * shown
                chars.append({"text": ch, "x0": min(left, right), "x1": max(left, right), "top": top,
                              "bottom": top + shown, "doctop": top, "upright": True, "size": shown})
            x += advance
            if i < len(dy):
                y += dy[i]


def _path_object(el, edges: list[dict]) -> None:
    from .pdf import _segment

    if el.get("Stroke", "true") == "false" and el.get("Fill", "false") != "true":
        return  # drawn neither stroked nor filled: invisible
    box = _box(el.get("Boundary"))
    data = _child(el, "AbbreviatedData")
    if box is None or data is None or not data.text:
        return
    a, b, c, d, e, f = _matrix(el)

    def page(x: float, y: float) -> tuple[float, float]:
        return (round((box[0] + a * x + c * y + e) * PT_PER_MM, 3),
                round((box[1] + b * x + d * y + f) * PT_PER_MM, 3))

    tokens = data.text.split()
    arity = {"S": 2, "M": 2, "L": 2, "Q": 4, "B": 6, "A": 7, "C": 0}
    start = prev = None
    i = 0
    while i < len(tokens):
        op = tokens[i]
        n = arity.get(op)
        if n is None or i + n >= len(tokens):
            break  # an unknown operator or a truncated list: the rest is not read
        try:
            args = [float(t) for t in tokens[i + 1:i + 1 + n]]
        except ValueError:
            break
        i += 1 + n
        if op in ("S", "M"):
            start = prev = page(args[0], args[1])
        elif op == "L" and prev is not None:
            point = page(args[0], args[1])
            _segment(prev, point, edges)
            prev = point
        elif op in ("Q", "B", "A"):
            prev = page(args[-2], args[-1])  # curves are no table rules
        elif op == "C" and prev is not None and start is not None:
            _segment(prev, start, edges)
            prev = start
