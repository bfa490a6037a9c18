"""Readers: one per file format. Each returns an `Extracted` (text lines + per-line origin).

Table rows from formats with real tables (DOCX, HTML) are emitted as tab-separated lines with one
field per grid column, so the parser sees the same shape as tab-separated text extractions and
keeps column positions as evidence.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError


@dataclass
class Extracted:
    path: str
    kind: str  # "txt" | "docx" | "html" | "pdf"
    text: str
    encoding: str | None = None
    # Human-readable origin of each line (1-based index = line number); None for plain text,
    # where the line number itself is the origin.
    refs: list[str] | None = None
    notes: list[str] = field(default_factory=list)


SUPPORTED = {".txt": "txt", ".text": "txt", ".docx": "docx", ".html": "html", ".htm": "html",
             ".shtml": "html", ".xhtml": "html", ".pdf": "pdf"}
# Markdown is read as text when a file is named explicitly; a folder scan skips it (folders of
# reports often hold a README.md that is no report).
EXPLICIT_ONLY = {".md": "txt", ".markdown": "txt"}

_UNSUPPORTED_HINTS = {
    ".doc": "不支持旧版 Word（.doc）二进制格式，请另存为 .docx",
    ".wps": "不支持 WPS 格式，请另存为 .docx",
}


def read_report(path: str | Path) -> Extracted:
    """Read one report file; raise InputError with a one-line Chinese reason on failure."""
    p = Path(path)
    if not p.exists():
        raise InputError(p, "文件不存在")
    if p.is_dir():
        raise InputError(p, "这是一个目录，不是文件")
    ext = p.suffix.lower()
    kind = SUPPORTED.get(ext) or EXPLICIT_ONLY.get(ext)
    if kind is None:
        hint = _UNSUPPORTED_HINTS.get(ext)
        raise InputError(p, hint or f"不支持的文件类型“{ext or '无扩展名'}”（支持 .txt .md .docx .html .htm .pdf）")
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(p, f"无法读取文件（{exc.strerror or exc}）") from None
    if not data.strip():
        raise InputError(p, "文件为空")
    if kind == "txt":
        from .text import read_text
        return read_text(p, data)
    if kind == "docx":
        from .docx import read_docx
        return read_docx(p, data)
    if kind == "pdf":
        from .pdf import read_pdf
        return read_pdf(p, data)
    from .html import read_html
    return read_html(p, data)
