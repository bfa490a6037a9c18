"""Legacy Word (.doc) and WPS Writer (.wps) reports, converted to DOCX by LibreOffice headless.

WPS Office saves .wps in the Word 97 binary family (an OLE compound file with a WordDocument
stream), and LibreOffice registers .wps as an extension of its "MS Word 97" type, so both go
through the same import filter. The filter is forced (`--infilter`): without it LibreOffice falls
back to importing an unreadable file as plain text, and garbage would be audited as a report.

Each conversion runs in a private temporary directory — a copy of the input, a throw-away
LibreOffice profile (`-env:UserInstallation`, so parallel conversions in a batch never share one),
the output — in its own process group, which is killed whole on a time-out or an interruption
(the `soffice` launcher starts `oosplash`, which starts `soffice.bin`). Nothing is written next to
the input. The converted DOCX is then read by the DOCX reader under the same limits, with the
original path, so messages and references name the file the user gave.

A file with an open password is refused before LibreOffice is started (headless, it has no one
to ask for the password: it fails, or waits): a Word 97 binary whose FIB has fEncrypted set, or an
Office-encrypted OOXML package (an OLE compound file with EncryptionInfo/EncryptedPackage streams,
MS-OFFCRYPTO) under any of the Word extensions. The compound file is read with olefile.

Files named .doc that are something else, as government sites often serve them: a DOCX (ZIP) is
read as DOCX, an HTML page (Word's "save as web page") as HTML, RTF through LibreOffice's RTF filter.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from ..errors import InputError
from ..limits import DEFAULT, Limits, exceeded
from . import Extracted

CONVERT_TIMEOUT_S = 60.0  # a 40-page report converts in 2–5 s; also capped by limits.max_seconds
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
INSTALL_HINT = ("请安装 LibreOffice（Debian/Ubuntu：apt-get install libreoffice-writer-nogui；"
                "也可用环境变量 AUDITOR_SOFFICE 指定 soffice 程序的路径），或用 Word / WPS 将文件另存为 .docx 后再审查")
# Where installers put soffice when it is not on PATH (macOS app bundle, Windows default folders).
_KNOWN_PLACES = ("/Applications/LibreOffice.app/Contents/MacOS/soffice",
                 r"C:\Program Files\LibreOffice\program\soffice.exe",
                 r"C:\Program Files (x86)\LibreOffice\program\soffice.exe")
_NAMES = {".doc": "旧版 Word（.doc）", ".wps": "WPS 文字（.wps）"}
_WORD_IDENTS = (0xA5EC, 0xA5DC)  # FIB wIdent of Word 97-2003 and of Word 6/95
_F_ENCRYPTED = 0x0100  # FIB base, the flags word at offset 10: the document is encrypted (or obfuscated)


def password_error(path: Path, name: str) -> InputError:
    """The one message for every format with an open password (`name`: the format, e.g. "PDF")."""
    return InputError(path, f"{name}已加密：文件设有打开密码，无法读取；请输入密码打开后另存为无密码的文件，再审查")


def password_protected(data: bytes) -> bool:
    """True when `data` is an OLE compound file that cannot be read without its open password: an
    encrypted OOXML package or a Word binary with fEncrypted in its FIB. A compound file olefile
    cannot parse is not called protected (it is reported as broken by whoever reads it)."""
    if not data.startswith(OLE_MAGIC):
        return False
    import olefile

    try:
        with olefile.OleFileIO(data) as ole:
            if ole.exists("EncryptionInfo") or ole.exists("EncryptedPackage"):
                return True
            if not ole.exists("WordDocument"):
                return False
            fib = ole.openstream("WordDocument").read(12)
    except Exception:  # olefile raises OSError, struct.error, IndexError… on broken compound files
        return False
    return (len(fib) == 12 and int.from_bytes(fib[:2], "little") in _WORD_IDENTS
            and bool(int.from_bytes(fib[10:12], "little") & _F_ENCRYPTED))


def soffice_path() -> str | None:
    """The LibreOffice binary: $AUDITOR_SOFFICE if set, else soffice/libreoffice on PATH, else a
    default install location; None when there is none."""
    explicit = os.environ.get("AUDITOR_SOFFICE")
    if explicit is not None:
        return explicit if explicit and os.access(explicit, os.X_OK) else None
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found:
        return found
    return next((p for p in _KNOWN_PLACES if os.access(p, os.X_OK)), None)


def read_legacy(path: Path, data: bytes, limits: Limits = DEFAULT) -> Extracted:
    """Read a .doc or .wps report (`data`: its bytes, already size-checked)."""
    ext = path.suffix.lower()
    name = _NAMES.get(ext, ext)
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n")
    if data.startswith(b"PK\x03\x04"):
        from .docx import read_docx
        return read_docx(path, data, limits)  # a DOCX with the old extension
    if head[:1] == b"<" and b"<html" in head.lower():
        from .html import read_html
        return read_html(path, data, limits)  # Word's "save as web page" under the old extension
    if data.startswith(OLE_MAGIC):
        if password_protected(data):
            raise password_error(path, f"{name}文件")
        infilter = "MS Word 97"
    elif head.startswith(b"{\\rtf"):
        infilter = "Rich Text Format"
    else:
        raise InputError(path, f"不是有效的{name}文件（文件头不是 Word 97-2003 格式，可能已损坏或扩展名有误）")
    from .docx import read_docx
    ex = read_docx(path, convert_to_docx(path, data, infilter, limits), limits)
    ex.kind = ext[1:]
    return ex


def convert_to_docx(path: Path, data: bytes, infilter: str, limits: Limits = DEFAULT) -> bytes:
    """The DOCX bytes LibreOffice makes of `data`; InputError (naming `path`) when it cannot."""
    ext = path.suffix.lower()
    name = _NAMES.get(ext, ext)
    exe = soffice_path()
    if exe is None:
        raise InputError(path, f"读取{name}文件需要 LibreOffice，但未找到 soffice 程序。{INSTALL_HINT}")
    timeout = min(CONVERT_TIMEOUT_S, limits.max_seconds) if limits.max_seconds else CONVERT_TIMEOUT_S
    with tempfile.TemporaryDirectory(prefix="auditor-lo-") as tmp:
        work = Path(tmp)
        # A fixed name: the user's file name (a leading "-", odd characters) never reaches the command.
        src = work / f"input{ext or '.doc'}"
        src.write_bytes(data)
        out = work / "out"
        cmd = [exe, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless", "--invisible",
               "--norestore", "--nologo", "--nodefault", "--nolockcheck", f"--infilter={infilter}",
               "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(out), str(src)]
        env = dict(os.environ, HOME=tmp)  # LibreOffice also looks under $HOME; keep it in the sandbox
        log = work / "log"
        try:
            with open(log, "wb") as fh:
                proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=fh, stderr=subprocess.STDOUT,
                                        cwd=tmp, env=env, start_new_session=True)
        except OSError as exc:
            raise InputError(path, f"无法启动 LibreOffice（{exc.strerror or exc}）。{INSTALL_HINT}") from None
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            raise InputError(path, f"LibreOffice 转换{name}文件超时（超过 {timeout:g} 秒），已停止") from None
        except BaseException:  # the batch guard's time limit, Ctrl-C: never leave LibreOffice running
            _kill_group(proc)
            raise
        _kill_group(proc)  # a helper process left behind by the launcher
        produced = out / "input.docx"
        if not produced.is_file():
            raise InputError(path, f"LibreOffice 无法打开该{name}文件（文件可能已损坏、已加密，或不是 Word 97-2003 格式）")
        size = produced.stat().st_size
        if size > limits.max_file_bytes:
            raise exceeded(path, "max_file_mb", limits, f"转换得到的 DOCX 过大（{size / 1024 / 1024:,.1f} MB）")
        return produced.read_bytes()


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        if hasattr(os, "killpg"):
            os.killpg(proc.pid, signal.SIGKILL)
        else:  # Windows: no process groups here; the launcher itself
            proc.kill()
    except (ProcessLookupError, PermissionError):
        pass  # the group has already gone
    try:
        proc.wait(5)
    except subprocess.TimeoutExpired:
        pass
