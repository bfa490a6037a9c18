"""Plain-text reports: the encoding is detected (BOM, strict UTF-8, then charset-normalizer)."""
from __future__ import annotations

import codecs
import re
from pathlib import Path

from ..errors import InputError
from . import Extracted

_CJK = re.compile(r"[\u4e00-\u9fff]")
_GB_FAMILY = {"gb2312", "gbk", "gb18030", "hz", "cp936"}


def _plausible(text: str) -> bool:
    """Decoded text looks like a Chinese document rather than mojibake or binary."""
    if not text:
        return False
    sample = text[:20000]
    if _looks_binary(sample, count_replacement=True):
        return False
    return len(_CJK.findall(sample)) >= 10


def decode_bytes(data: bytes, path: Path, declared: str | None = None) -> tuple[str, str]:
    """Return (text, encoding name). `declared` is a charset named by the file itself (HTML meta)."""
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                     (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(enc), enc
            except UnicodeDecodeError:
                raise InputError(path, f"文件声明为 {enc} 编码，但内容无法按该编码解码") from None
    if b"\x00" in data[:8192]:
        raise InputError(path, "不是文本文件（含二进制内容）")
    candidates = ["utf-8"]
    if declared:
        candidates.append(declared)
    for enc in candidates:
        try:
            text = data.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
        if _plausible(text) or enc == "utf-8" and not _looks_binary(text):
            return text, enc
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    guesses = []
    if best is not None:
        enc = best.encoding.lower().replace("_", "")
        # GB2312/GBK guesses are decoded as GB18030, their superset, so rare characters survive.
        guesses.append("gb18030" if enc in _GB_FAMILY else best.encoding)
    guesses.append("gb18030")
    for enc in guesses:
        try:
            text = data.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
        if _plausible(text):
            return text, enc
    raise InputError(path, "无法识别文本编码，或文件不是中文文本（可能是二进制文件）")


def _looks_binary(text: str, count_replacement: bool = False) -> bool:
    """More than 1% control characters (and U+FFFD replacement marks, when asked) in the sample."""
    sample = text[:20000]
    bad = sum(1 for ch in sample if (ord(ch) < 32 and ch not in "\t\n\r\f")
              or (count_replacement and ch == "\ufffd"))
    return bad > len(sample) * 0.01


def read_text(path: Path, data: bytes) -> Extracted:
    text, enc = decode_bytes(data, path)
    if not _plausible(text):
        raise InputError(path, "文件中没有可识别的中文正文，不像是年度报告")
    return Extracted(path=str(path), kind="txt", text=text, encoding=enc)
