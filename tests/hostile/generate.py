"""Hostile input files, made on the fly (nothing large is committed).

Each `Case` writes one file (or FIFO/symlink) into a folder and says what `auditor check` must
answer: exit code 2 with a Chinese reason containing `reason` for the file — or, for inputs that
are still a report (stray bytes, control characters, XXE), that the report is audited and what
must not appear in the output. Run `python -m tests.hostile.generate OUTDIR` to write them all
for a manual look.
"""
from __future__ import annotations

import os
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "sample_reports" / "000_4514475f3fb3965f.txt"
CHINESE = "本机关依法公开政府信息，按时答复依申请公开。" * 4
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
SECRET = "TOP-SECRET-7f3a9c"  # content of the file an XXE would leak

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.wordprocessingml.document.main+xml"/></Types>')
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/></Relationships>')


@dataclass
class Case:
    name: str
    make: Callable[[Path], Path]
    reason: str | None  # substring of the Chinese reason (exit 2); None: the file is audited
    forbidden: tuple[bytes, ...] = ()  # must not appear in stdout (text format)
    required: tuple[bytes, ...] = ()  # must appear in stdout
    hashable: bool = True  # a regular file whose bytes must be unchanged


def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


def _docx(path: Path, document_xml: bytes | Callable[[zipfile.ZipFile], None], **extra: bytes) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        z.writestr("_rels/.rels", _RELS)
        if callable(document_xml):
            document_xml(z)
        else:
            z.writestr("word/document.xml", document_xml)
        for name, data in extra.items():
            z.writestr(name, data)
    return path


def _body(inner: str) -> str:
    return f'<w:document xmlns:w="{W_NS}"><w:body>{inner}</w:body></w:document>'


def _para(text: str) -> str:
    return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"


def _streamed_part(name: str, head: str, unit: bytes, count: int, tail: str):
    """Write a huge XML part chunk by chunk (never held in memory)."""
    def write(z: zipfile.ZipFile) -> None:
        info = zipfile.ZipInfo(name)
        info.compress_type = zipfile.ZIP_DEFLATED
        with z.open(info, "w", force_zip64=True) as part:
            part.write(head.encode())
            chunk = unit * max(1, (1 << 20) // len(unit))
            written = 0
            while written < count:
                n = min(count - written, (1 << 20) // len(unit))
                part.write(chunk if n == len(chunk) // len(unit) else unit * n)
                written += n
            part.write(tail.encode())
    return write


# --- DOCX --------------------------------------------------------------------------------------

def docx_bomb_paragraphs(d: Path) -> Path:
    """~120 MB of empty paragraphs in word/document.xml (compresses ~1000:1)."""
    head = f'<w:document xmlns:w="{W_NS}"><w:body>'
    with zipfile.ZipFile(d / "bomb_paragraphs.docx", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        z.writestr("_rels/.rels", _RELS)
        _streamed_part("word/document.xml", head, b"<w:p/>", 20_000_000, "</w:body></w:document>")(z)
    return d / "bomb_paragraphs.docx"


def docx_bomb_one_node(d: Path) -> Path:
    """One text node of 30 MB (under the size cap, but ~1000:1 compression)."""
    head = f'<w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>'
    with zipfile.ZipFile(d / "bomb_one_node.docx", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        z.writestr("_rels/.rels", _RELS)
        _streamed_part("word/document.xml", head, "中".encode() * 1000, 10_000,
                       "</w:t></w:r></w:p></w:body></w:document>")(z)
    return d / "bomb_one_node.docx"


def docx_lying_header(d: Path) -> Path:
    """A part that inflates to 60 MB while its headers declare 1 kB."""
    path = d / "lying_header.docx"
    big = _body(_para("中" * 20_000_000)).encode()
    _docx(path, big)
    data = bytearray(path.read_bytes())
    size = len(big).to_bytes(4, "little")
    fake = (1024).to_bytes(4, "little")
    # Patch the uncompressed-size field in the local header and the central directory entry.
    name = b"word/document.xml"
    for sig, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = 0
        while True:
            at = data.find(sig, at)
            if at < 0:
                break
            name_at = at + (30 if sig == b"PK\x03\x04" else 46)
            if data[name_at:name_at + len(name)] == name and data[at + offset:at + offset + 4] == size:
                data[at + offset:at + offset + 4] = fake
            at += 4
    path.write_bytes(bytes(data))
    return path


def docx_many_entries(d: Path) -> Path:
    path = d / "many_entries.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("word/document.xml", _body(_para(CHINESE)))
        for i in range(12_000):
            z.writestr(f"word/media/x{i}.xml", b"")
    return path


def docx_billion_laughs(d: Path) -> Path:
    ents = '<!ENTITY lol "哈哈哈哈哈哈哈哈哈哈">' + "".join(
        f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 1 else "")) * 10}">' for i in range(1, 10))
    xml = (f'<?xml version="1.0"?><!DOCTYPE w:document [{ents}]>'
           + _body(_para("&lol9;"))).encode()
    return _docx(d / "billion_laughs.docx", xml)


def docx_xxe(d: Path) -> Path:
    secret = d / "secret.txt"
    secret.write_text(SECRET, encoding="utf-8")
    paras = "".join(_para(line) for line in seed_text().splitlines() if line.strip()
                    and "<" not in line and "&" not in line)
    xml = (f'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file://{secret}">]>'
           + _body(_para("&xxe;") + paras)).encode()
    return _docx(d / "xxe.docx", xml)


def docx_truncated(d: Path) -> Path:
    import docx

    path = d / "truncated_full.docx"
    doc = docx.Document()
    for line in seed_text().splitlines()[:80]:
        doc.add_paragraph(line)
    doc.save(path)
    out = d / "truncated.docx"
    out.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    path.unlink()
    return out


# --- HTML --------------------------------------------------------------------------------------

def html_colspan_bomb_small(d: Path) -> Path:
    """The 161-byte page of issue 11: one cell spanning 100,000,000 columns."""
    p = d / "colspan_small.html"
    p.write_text('<html><body><p>' + CHINESE[:24] + '</p><table><tr><td colspan="100000000">1</td>'
                 '<td colspan="100000000">2</td></tr></table></body></html>', encoding="utf-8")
    return p


def html_colspan_bomb(d: Path) -> Path:
    rows = '<tr><td colspan="100000000">1</td></tr>' * 400
    p = d / "colspan_bomb.html"
    p.write_text(f"<html><body><p>{CHINESE}</p><table>{rows}</table></body></html>", encoding="utf-8")
    return p


def html_rowspan_bomb(d: Path) -> Path:
    first = "<tr>" + '<td rowspan="100000000">1</td>' * 400 + "</tr>"
    p = d / "rowspan_bomb.html"
    p.write_text(f"<html><body><p>{CHINESE}</p><table>{first}{'<tr></tr>' * 4000}</table></body></html>",
                 encoding="utf-8")
    return p


def html_deep_nesting(d: Path) -> Path:
    p = d / "deep_nesting.html"
    p.write_text(f"<html><body><p>{CHINESE}</p>" + "<div>" * 100_000 + CHINESE + "</div>" * 100_000
                 + "</body></html>", encoding="utf-8")
    return p


def html_billion_laughs(d: Path) -> Path:
    ents = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 1 else "")) * 10}">' for i in range(1, 10))
    p = d / "billion_laughs.xhtml"
    p.write_text(f'<?xml version="1.0"?><!DOCTYPE html [{ents}]><html><body><p>&lol9;</p></body></html>',
                 encoding="utf-8")
    return p


def html_xxe(d: Path) -> Path:
    secret = d / "secret_html.txt"
    secret.write_text(SECRET, encoding="utf-8")
    import html

    body = "".join(f"<p>{html.escape(line)}</p>" for line in seed_text().splitlines() if line.strip())
    p = d / "xxe.xhtml"
    p.write_text(f'<?xml version="1.0"?><!DOCTYPE html [<!ENTITY xxe SYSTEM "file://{secret}">]>'
                 f'<html><body><p>&xxe;</p>{body}</body></html>', encoding="utf-8")
    return p


def html_huge_attribute(d: Path) -> Path:
    p = d / "huge_attribute.html"
    p.write_text(f'<html><body><p class="{"x" * 5_000_000}">{CHINESE}</p>'
                 f'<table><tr><td colspan="{"9" * 100_000}">1</td></tr></table></body></html>', encoding="utf-8")
    return p


# --- PDF ---------------------------------------------------------------------------------------

def pdf_encrypted(d: Path) -> Path:
    from tools.fixtures import write_pdf_pages

    return write_pdf_pages(d / "encrypted.pdf", ["\n".join(seed_text().splitlines()[:30])], password="secret")


def pdf_truncated(d: Path) -> Path:
    from tools.fixtures import write_pdf_pages

    full = write_pdf_pages(d / "truncated_full.pdf", ["\n".join(seed_text().splitlines()[i:i + 30])
                                                      for i in range(0, 120, 30)])
    out = d / "truncated.pdf"
    out.write_bytes(full.read_bytes()[:400])
    full.unlink()
    return out


def pdf_garbage(d: Path) -> Path:
    p = d / "garbage.pdf"
    p.write_bytes(b"%PDF-1.7\n" + os.urandom(20_000))
    return p


# --- text and the file system ------------------------------------------------------------------

def txt_oversized(d: Path) -> Path:
    """101 MB (sparse: nothing is written to disk, and the reader must not read it)."""
    p = d / "oversized.txt"
    with open(p, "wb") as fh:
        fh.write(CHINESE.encode())
        fh.truncate(101 * 1024 * 1024)
    return p


def txt_too_long(d: Path) -> Path:
    p = d / "too_long.txt"
    p.write_text((seed_text() + "\n") * 600, encoding="utf-8")  # > 2 M characters
    return p


def txt_binary(d: Path) -> Path:
    p = d / "binary.txt"
    p.write_bytes(os.urandom(50_000))
    return p


def fifo(d: Path) -> Path:
    p = d / "pipe.txt"
    os.mkfifo(p)
    return p


def symlink_loop(d: Path) -> Path:
    a, b = d / "loop_a.txt", d / "loop_b.txt"
    os.symlink(b, a)
    os.symlink(a, b)
    return a


def dangling_symlink(d: Path) -> Path:
    p = d / "dangling.txt"
    os.symlink(d / "nowhere.txt", p)
    return p


def txt_stray_byte(d: Path) -> Path:
    data = SEED.read_bytes()
    cut = data.index(b"\n", len(data) // 2) + 1  # at a line start: exactly one bad byte
    p = d / "stray_ff.txt"
    p.write_bytes(data[:cut] + b"\xff" + data[cut:])
    return p


def txt_stray_byte_gbk(d: Path) -> Path:
    data = seed_text().encode("gb18030")
    cut = data.find("二、".encode("gb18030"))
    p = d / "stray_ff_gbk.txt"
    p.write_bytes(data[:cut] + b"\xff" + data[cut:])
    return p


def txt_control_chars(d: Path) -> Path:
    lines = seed_text().splitlines()
    # Escape sequences in the title (it is printed in the report head) and in body sentences.
    lines[0] = lines[0] + "\x1b[2J\x1b[31m\x07"
    body = [i for i, line in enumerate(lines) if "。" in line and i > 5][:3]
    for i in body:
        lines[i] = lines[i].replace("。", "\x1b]0;pwned\x07。\x1b[0m", 1)
    p = d / "control_chars.txt"
    p.write_text("\n".join(lines), encoding="utf-8")
    return p


CASES = [
    Case("docx_bomb_paragraphs", docx_bomb_paragraphs, "文件解压后过大，可能是恶意文件"),
    Case("docx_bomb_one_node", docx_bomb_one_node, "文件解压后过大，可能是恶意文件"),
    Case("docx_lying_header", docx_lying_header, "DOCX 文件已损坏"),
    Case("docx_many_entries", docx_many_entries, "压缩包内文件数过多"),
    Case("docx_billion_laughs", docx_billion_laughs, "DOCX"),
    Case("docx_xxe", docx_xxe, None, forbidden=(SECRET.encode(),)),
    Case("docx_truncated", docx_truncated, "不是有效的 DOCX 文件"),
    # Bounded now (spans clamped to the HTML caps); the page has a sentence of Chinese, so it
    # is audited as a (very incomplete) report.
    Case("html_colspan_small", html_colspan_bomb_small, None),
    Case("html_colspan_bomb", html_colspan_bomb, "表格过大"),
    Case("html_rowspan_bomb", html_rowspan_bomb, "表格过大"),
    Case("html_deep_nesting", html_deep_nesting, "嵌套层数过深"),
    Case("html_billion_laughs", html_billion_laughs, None, forbidden=(b"lollollol",)),
    Case("html_xxe", html_xxe, None, forbidden=(SECRET.encode(),)),
    Case("html_huge_attribute", html_huge_attribute, None),
    Case("pdf_encrypted", pdf_encrypted, "PDF 已加密"),
    Case("pdf_truncated", pdf_truncated, "PDF"),
    Case("pdf_garbage", pdf_garbage, "PDF"),
    Case("txt_oversized", txt_oversized, "文件过大"),
    Case("txt_too_long", txt_too_long, "正文过长"),
    Case("txt_binary", txt_binary, "二进制"),
    Case("fifo", fifo, "命名管道", hashable=False),
    Case("symlink_loop", symlink_loop, "符号链接形成循环", hashable=False),
    Case("dangling_symlink", dangling_symlink, "符号链接指向的文件不存在", hashable=False),
    Case("txt_stray_byte", txt_stray_byte, None),
    Case("txt_stray_byte_gbk", txt_stray_byte_gbk, None),
    Case("txt_control_chars", txt_control_chars, None, forbidden=(b"\x1b", b"\x07")),
]


def main(outdir: str) -> None:
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    for case in CASES:
        sub = out / case.name
        sub.mkdir(exist_ok=True)
        print(case.name, case.make(sub))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "out/hostile")
