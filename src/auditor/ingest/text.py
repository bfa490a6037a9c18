"""Plain-text reports: the encoding is detected (BOM, strict UTF-8, then charset-normalizer).

A file that is valid UTF-8 or GB18030 except for a handful of stray bytes (a truncated download,
one corrupted sector) is decoded with replacement characters; the reader says how many bytes were
replaced, and the parser never turns a cell or claim containing U+FFFD into a number.
"""
from __future__ import annotations

import codecs
import re
from itertools import islice
from pathlib import Path

from ..errors import InputError
from . import Extracted

_CJK = re.compile(r"[\u4e00-\u9fff]")
_GB_FAMILY = {"gb2312", "gbk", "gb18030", "hz", "cp936"}
# C0 controls other than tab, newline, carriage return and form feed: rare in real text.
_CONTROLS = bytes(i for i in range(32) if chr(i) not in "\t\n\r\f")
SAMPLE = 20000
# Enough CJK characters for a Chinese document (the search stops at the tenth).
_MIN_CJK = 10


def _bad_share_exceeded(sample: str, count_replacement: bool, encoded: bytes | None = None) -> bool:
    """More than 1% control characters (and U+FFFD, when asked) in the sample. C-speed counts:
    a C0 control is one byte in UTF-8, so bytes.translate deletes them from the encoded sample
    and the length difference is the count (str.translate looks up every character). `encoded`:
    the sample's UTF-8 bytes, when the caller has them (the file's own bytes)."""
    if encoded is None:
        encoded = sample.encode("utf-8", "surrogatepass")
    bad = len(encoded) - len(encoded.translate(None, _CONTROLS))
    if count_replacement:
        bad += sample.count("\ufffd")
    return bad > len(sample) * 0.01


def _looks_binary(text: str, count_replacement: bool = False) -> bool:
    return _bad_share_exceeded(text[:SAMPLE], count_replacement)


def _plausible(text: str, encoded: bytes | None = None) -> bool:
    """Decoded text looks like a Chinese document rather than mojibake or binary. `encoded`: the
    text's UTF-8 bytes, when the caller has them."""
    if not text:
        return False
    sample = text[:SAMPLE]
    if _bad_share_exceeded(sample, True, encoded if len(text) <= SAMPLE else None):
        return False
    return next(islice(_CJK.finditer(sample), _MIN_CJK - 1, None), None) is not None


def _replaced_bytes(data: bytes, enc: str) -> tuple[str, int] | None:
    """Decode with replacement; (text, number of undecodable bytes), or None for an unknown codec."""
    counted = [0]

    def count_and_replace(exc: UnicodeDecodeError):
        counted[0] += exc.end - exc.start
        return "\ufffd", exc.end

    codecs.register_error("auditor-count", count_and_replace)
    try:
        text = data.decode(enc, errors="auditor-count")
    except LookupError:
        return None
    return text, counted[0]


def tolerated_bad_bytes(size: int) -> int:
    """How many undecodable bytes still count as 'a handful' in a file of `size` bytes:
    at most 1 in 1,000 bytes, and never more than 64."""
    return min(64, max(4, size // 1000))


def decode_bytes(data: bytes, path: Path, declared: str | None = None,
                 notes: list[str] | None = None) -> tuple[str, str]:
    """Return (text, encoding name). `declared` is a charset named by the file itself (HTML meta).
    When a few bytes had to be replaced, a note saying how many is appended to `notes`."""
    text, enc, _plausible_text = _decode(data, path, declared, notes)
    return text, enc


def _decode(data: bytes, path: Path, declared: str | None,
            notes: list[str] | None) -> tuple[str, str, bool | None]:
    """(text, encoding, whether the text is plausible Chinese text — None when not checked), so
    that the reader does not check the same text twice."""
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                     (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(enc), enc, None
            except UnicodeDecodeError:
                if enc == "utf-8-sig":
                    lenient = _lenient(data, enc, path, notes)
                    if lenient:
                        return (*lenient, True)
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
        # (a strict UTF-8 decoding is the file's bytes: they need not be encoded again)
        plausible = _plausible(text, data if enc == "utf-8" else None)
        if plausible or enc == "utf-8" and not _looks_binary(text):
            return text, enc, plausible
    # Valid UTF-8 (or the declared charset) but for a few stray bytes: keep it, say so.
    for enc in candidates:
        lenient = _lenient(data, enc, path, notes)
        if lenient:
            return (*lenient, True)
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
            return text, enc, True
    lenient = _lenient(data, "gb18030", path, notes)
    if lenient:
        return (*lenient, True)
    raise InputError(path, "无法识别文本编码，或文件不是中文文本（可能是二进制文件）")


def _lenient(data: bytes, enc: str, path: Path, notes: list[str] | None) -> tuple[str, str] | None:
    try:  # cheap C-speed pre-check: too many replacement marks → not this encoding
        quick = data.decode(enc, errors="replace").count("\ufffd")
    except LookupError:
        return None
    if quick > tolerated_bad_bytes(len(data)) + data.count(b"\xef\xbf\xbd"):
        return None
    decoded = _replaced_bytes(data, enc)
    if decoded is None:
        return None
    text, bad = decoded
    if bad == 0 or bad > tolerated_bad_bytes(len(data)) or not _plausible(text):
        return None
    if notes is not None:
        notes.append(f"文件中有 {bad} 个字节不符合 {enc} 编码，已替换为“\ufffd”；含该字符的单元格和数字按无法确定处理")
    return text, enc


def read_text(path: Path, data: bytes) -> Extracted:
    notes: list[str] = []
    text, enc, plausible = _decode(data, path, None, notes)
    if not (plausible if plausible is not None else _plausible(text)):
        raise InputError(path, "文件中没有可识别的中文正文，不像是年度报告")
    return Extracted(path=str(path), kind="txt", text=text, encoding=enc, notes=notes)
