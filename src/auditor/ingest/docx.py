"""DOCX reports: body paragraphs and real Word tables, in document order.

Tables are read from the XML grid directly (w:gridSpan, w:vMerge) so that merged cells keep their
grid column: a horizontally merged cell puts its text in its first grid column and blanks in the
others; a vertical-merge continuation is blank (its text was given in the first row of the merge).
"""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

from ..errors import InputError
from ..limits import DEFAULT, Limits, exceeded
from . import Extracted

BOMB = "文件解压后过大，可能是恶意文件"
_EOCD = b"PK\x05\x06"
_CHUNK = 1 << 20
# Small parts may compress very well (a run of blanks); the ratio limit applies from this size.
_RATIO_FROM = 1 << 20

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _text_of(el) -> str:
    parts = []
    for node in el.iter(f"{W}t", f"{W}tab", f"{W}br", f"{W}p"):
        if node.tag == f"{W}t":
            parts.append(node.text or "")
        elif node.tag == f"{W}tab":
            parts.append(" ")
        elif node.tag == f"{W}p" and parts:
            # Paragraph breaks inside a table cell are line wraps of one label; join them.
            parts.append("")
    return "".join(parts)


def _table_rows(tbl) -> list[str]:
    rows = []
    for tr in tbl.iterchildren(f"{W}tr"):
        fields: list[str] = []
        for tc in tr.iterchildren(f"{W}tc"):
            tcpr = tc.find(f"{W}tcPr")
            span = 1
            vmerge_continue = False
            if tcpr is not None:
                gs = tcpr.find(f"{W}gridSpan")
                if gs is not None:
                    try:
                        span = max(1, int(gs.get(f"{W}val", "1")))
                    except ValueError:
                        span = 1
                vm = tcpr.find(f"{W}vMerge")
                if vm is not None and vm.get(f"{W}val", "continue") != "restart":
                    vmerge_continue = True
            text = "" if vmerge_continue else " ".join(
                _text_of(p).strip() for p in tc.iterchildren(f"{W}p")).strip()
            # Tabs would break the tab-separated row shape.
            fields.append(text.replace("\t", " "))
            fields.extend([""] * (span - 1))
        rows.append("\t".join(fields))
    return rows


def _declared_entries(data: bytes) -> int | None:
    """Entry count from the end-of-central-directory record, read before zipfile builds one
    object per entry (a million-entry archive would cost a gigabyte). None: no record found."""
    at = data.rfind(_EOCD, max(0, len(data) - 65557))
    if at < 0 or at + 22 > len(data):
        return None
    return int.from_bytes(data[at + 10:at + 12], "little")


def check_zip(path: Path, data: bytes, limits: Limits = DEFAULT, label: str = "DOCX") -> None:
    """Refuse a ZIP bomb before any XML is parsed: too many entries, a declared or an actual
    inflated size over the cap, an extreme compression ratio, or too many XML tags. The actual
    size is counted while streaming each part, so a lying header does not help. `label` names the
    format in messages (OFD is a ZIP of XML too)."""
    entries = _declared_entries(data)
    if entries is not None and (entries == 0xFFFF or entries > limits.max_zip_entries):
        raise exceeded(path, "max_zip_entries", limits, f"{BOMB}（压缩包内文件数过多）")
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        raise InputError(path, f"{label} 文件已损坏（{type(exc).__name__}）") from None
    infos = zf.infolist()
    if len(infos) > limits.max_zip_entries:
        raise exceeded(path, "max_zip_entries", limits, f"{BOMB}（压缩包内文件数过多）")
    cap = limits.max_xml_bytes
    if sum(i.file_size for i in infos if _is_xml(i.filename)) > cap:
        raise exceeded(path, "max_xml_mb", limits, BOMB)
    total = 0
    tags = 0
    for info in infos:
        if not _is_xml(info.filename):
            continue  # images are not parsed; their size is bounded by the file-size limit
        size = 0
        try:
            with zf.open(info) as part:
                while True:
                    chunk = part.read(_CHUNK)
                    if not chunk:
                        break
                    size += len(chunk)
                    total += len(chunk)
                    tags += chunk.count(b"<")
                    if total > cap:
                        raise exceeded(path, "max_xml_mb", limits, BOMB)
                    if tags > limits.max_xml_tags:
                        raise exceeded(path, "max_xml_tags", limits, f"{BOMB}（XML 元素过多）")
                    if size > _RATIO_FROM and size > limits.max_ratio * max(1, info.compress_size):
                        raise exceeded(path, "max_ratio", limits, f"{BOMB}（压缩比异常）")
        except InputError:
            raise
        except (zipfile.BadZipFile, NotImplementedError, RuntimeError, ValueError, OSError, EOFError) as exc:
            # RuntimeError: an encrypted part; NotImplementedError: an unknown compression method.
            raise InputError(path, f"{label} 文件已损坏或已加密（{info.filename}：{type(exc).__name__}）") from None
        except Exception as exc:  # zlib.error and friends
            raise InputError(path, f"{label} 文件已损坏（{info.filename}：{type(exc).__name__}）") from None


def _is_xml(name: str) -> bool:
    return name.lower().endswith((".xml", ".rels"))


def read_docx(path: Path, data: bytes, limits: Limits = DEFAULT) -> Extracted:
    if not zipfile.is_zipfile(io.BytesIO(data)):
        from .legacy import password_error, password_protected

        if password_protected(data):  # Office encrypts a DOCX into an OLE compound file
            raise password_error(path, "DOCX 文件")
        raise InputError(path, "不是有效的 DOCX 文件（不是 ZIP 压缩包，可能是旧版 .doc 改了扩展名）")
    check_zip(path, data, limits)
    try:
        import docx  # python-docx
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises several unrelated types for broken packages
        raise InputError(path, f"DOCX 文件已损坏或缺少正文（{type(exc).__name__}）") from None
    lines: list[str] = []
    refs: list[str] = []
    body = document.element.body
    para_no = 0
    table_no = 0
    for child in body.iterchildren():
        if child.tag == f"{W}p":
            para_no += 1
            lines.append(_text_of(child).replace("\t", " "))
            refs.append(f"第{para_no}段")
        elif child.tag == f"{W}tbl":
            table_no += 1
            for r, row in enumerate(_table_rows(child), 1):
                lines.append(row)
                refs.append(f"表格{table_no}第{r}行")
    text = "\n".join(lines)
    if not text.strip():
        raise InputError(path, "DOCX 文件中没有文字内容")
    return Extracted(path=str(path), kind="docx", text=text, refs=refs)
