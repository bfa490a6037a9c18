"""Readers: one per file format. Each returns an `Extracted` (text lines + per-line origin).

Table rows from formats with real tables (DOCX, HTML) are emitted as tab-separated lines with one
field per grid column, so the parser sees the same shape as tab-separated text extractions and
keeps column positions as evidence.
"""
from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError
from ..limits import DEFAULT, Limits, check_text, exceeded


@dataclass
class Extracted:
    path: str
    kind: str  # "txt" | "docx" | "html" | "pdf" | "doc" | "wps" | "ofd"
    text: str
    encoding: str | None = None
    # Human-readable origin of each line (1-based index = line number); None for plain text,
    # where the line number itself is the origin.
    refs: list[str] | None = None
    notes: list[str] = field(default_factory=list)
    # Read by OCR (ingest/ocr.py): the pages, and the line numbers that came from them.
    ocr_pages: list[int] = field(default_factory=list)
    ocr_lines: list[int] = field(default_factory=list)


SUPPORTED = {".txt": "txt", ".text": "txt", ".docx": "docx", ".html": "html", ".htm": "html",
             ".shtml": "html", ".xhtml": "html", ".pdf": "pdf",
             # Converted by LibreOffice (ingest/legacy.py); without it, an error that says what to do.
             ".doc": "legacy", ".wps": "legacy", ".ofd": "ofd"}
# Markdown is read as text when a file is named explicitly; a folder scan skips it (folders of
# reports often hold a README.md that is no report).
EXPLICIT_ONLY = {".md": "txt", ".markdown": "txt"}

# Extension -> what to do instead, for formats that are not read (none at the moment).
_UNSUPPORTED_HINTS: dict[str, str] = {}


def read_report(path: str | Path, limits: Limits | None = None) -> Extracted:
    """Read one report file; raise InputError with a one-line Chinese reason on failure.

    Only regular files are opened (a FIFO or device would block or never end), their size is
    checked before reading, and every reader's text is checked against `limits`."""
    p = Path(path)
    limits = limits or DEFAULT
    st = regular_file_stat(p)
    ext = p.suffix.lower()
    kind = SUPPORTED.get(ext) or EXPLICIT_ONLY.get(ext)
    if kind is None:
        hint = _UNSUPPORTED_HINTS.get(ext)
        raise InputError(p, hint or f"不支持的文件类型“{ext or '无扩展名'}”（支持 .txt .md .docx .doc .wps .html .htm .pdf .ofd）")
    if st.st_size > limits.max_file_bytes:
        raise exceeded(p, "max_file_mb", limits, f"文件过大（{st.st_size / 1024 / 1024:,.1f} MB）")
    data = _read_regular(p, limits)
    if not data.strip():
        raise InputError(p, "文件为空")
    if kind == "txt":
        from .text import read_text
        ex = read_text(p, data)
    elif kind == "docx":
        from .docx import read_docx
        ex = read_docx(p, data, limits)
    elif kind == "pdf":
        from .pdf import read_pdf
        ex = read_pdf(p, data, limits=limits)
    elif kind == "legacy":
        from .legacy import read_legacy
        ex = read_legacy(p, data, limits)
    elif kind == "ofd":
        from .ofd import read_ofd
        ex = read_ofd(p, data, limits)
    else:
        from .html import read_html
        ex = read_html(p, data, limits)
    check_text(p, ex.text, limits)
    return ex


def _read_regular(p: Path, limits: Limits) -> bytes:
    """The file's bytes, read only if it is (still) a regular file and at most the size limit.
    O_NONBLOCK: if the path was swapped for a FIFO after the stat, opening it does not block."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(p, flags)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise InputError(p, "符号链接形成循环，无法打开") from None
        raise InputError(p, f"无法读取文件（{exc.strerror or exc}）") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise InputError(p, "不是普通文件，已拒绝读取")
        # read(n) sets aside n bytes first: ask for the file's size, not the 100 MB limit.
        want = min(st.st_size, limits.max_file_bytes) + 1
        data = _read_at_most(fd, want, want)
        if len(data) == want and want <= limits.max_file_bytes:  # it grew since: the rest, bounded
            data += _read_at_most(fd, limits.max_file_bytes + 1 - want, 1 << 20)
    except OSError as exc:
        raise InputError(p, f"无法读取文件（{exc.strerror or exc}）") from None
    finally:
        os.close(fd)
    if len(data) > limits.max_file_bytes:
        raise exceeded(p, "max_file_mb", limits, "文件过大")
    return data


def _read_at_most(fd: int, n: int, chunk: int) -> bytes:
    """Up to n bytes from fd, `chunk` bytes at a time (os.read may return fewer than asked)."""
    parts = []
    while n > 0:
        part = os.read(fd, min(n, chunk))
        if not part:
            break
        parts.append(part)
        n -= len(part)
    return b"".join(parts)


def regular_file_stat(p: Path) -> os.stat_result:
    """os.stat of a regular file; InputError saying why otherwise (missing, a link loop or a
    dangling link, a folder, a pipe or device — which is never opened)."""
    try:
        st = os.stat(p)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise InputError(p, "符号链接形成循环，无法打开") from None
        if exc.errno == errno.ENOENT:
            if os.path.islink(p):
                raise InputError(p, "符号链接指向的文件不存在") from None
            raise InputError(p, "文件不存在") from None
        raise InputError(p, f"无法读取文件（{exc.strerror or exc}）") from None
    if not stat.S_ISREG(st.st_mode):
        raise InputError(p, not_regular_reason(st))
    return st


def not_regular_reason(st) -> str:
    """Why a path that exists is not read: a folder, or a pipe/device/socket (never opened)."""
    if stat.S_ISDIR(st.st_mode):
        return "这是一个目录，不是文件"
    return f"不是普通文件（{_kind_of(st.st_mode)}），已拒绝读取"


def _kind_of(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "命名管道"
    if stat.S_ISSOCK(mode):
        return "套接字"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "设备文件"
    return "特殊文件"
