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
from . import Extracted

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


def read_docx(path: Path, data: bytes) -> Extracted:
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise InputError(path, "不是有效的 DOCX 文件（不是 ZIP 压缩包，可能是旧版 .doc 改了扩展名）")
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
