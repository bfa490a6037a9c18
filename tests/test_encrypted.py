"""Files with an open password (.docx, .doc, .wps, .pdf): one clear Chinese error, exit 2, the rest
of a batch audited, LibreOffice never started (headless it has no one to ask for the password).

Fixtures, made in the tests' temporary folders: a DOCX encrypted by msoffcrypto-tool as Office does
it (an OLE compound file with EncryptionInfo and EncryptedPackage streams), Word 97 binaries whose
FIB has fEncrypted set — hand-made compound files (no LibreOffice needed) and, where LibreOffice is
installed, a real .doc it wrote with the bit set by olefile — and a PDF with a user password."""
import json
import os
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from auditor.api import parse_file
from auditor.errors import InputError
from auditor.ingest import legacy, pdf as pdf_reader, read_report
from conftest import ROOT, SEEDS
from tools import fixtures, office

PASSWORD = "secret"
MESSAGE = "文件设有打开密码，无法读取；请输入密码打开后另存为无密码的文件，再审查"
_END, _FREE, _FATSECT = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD


def compound_file(streams: dict[str, bytes]) -> bytes:
    """A minimal OLE compound file (CFB version 3, 512-byte sectors): one FAT sector, one directory
    sector, then each stream, at least 4096 bytes long (shorter ones would go in the mini stream)."""
    assert len(streams) <= 3  # one directory sector: the root and three streams
    names = sorted(streams, key=lambda n: (len(n), n.upper()))  # the directory's sibling order
    data = [streams[n].ljust(4096, b"\0") for n in names]
    fat, starts = [_FATSECT, _END], []
    for d in data:
        first = len(fat)
        starts.append(first)
        fat.extend(range(first + 1, first + -(-len(d) // 512)))
        fat.append(_END)
    assert len(fat) <= 128
    header = (legacy.OLE_MAGIC + bytes(16)
              + struct.pack("<HHHHH6xIIIIIIIII", 0x3E, 3, 0xFFFE, 9, 6, 0, 1, 1, 0, 4096, _END, 0, _END, 0)
              + struct.pack("<109I", 0, *[_FREE] * 108))

    def entry(name: str, kind: int, right=_FREE, child=_FREE, start=_END, size=0) -> bytes:
        raw = name.encode("utf-16-le") + b"\0\0" if name else b""
        return raw.ljust(64, b"\0") + struct.pack("<HBBIII16sI8s8sIII", len(raw), kind, 1, _FREE, right, child,
                                                  bytes(16), 0, bytes(8), bytes(8), start, size, 0)

    entries = [entry("Root Entry", 5, child=1)]
    for i, (name, d) in enumerate(zip(names, data), 1):
        entries.append(entry(name, 2, right=i + 1 if i < len(names) else _FREE, start=starts[i - 1], size=len(d)))
    entries += [entry("", 0)] * (4 - len(entries))
    body = b"".join(d.ljust(-(-len(d) // 512) * 512, b"\0") for d in data)
    return header + struct.pack("<128I", *fat, *[_FREE] * (128 - len(fat))) + b"".join(entries) + body


def word_binary(tag: str, encrypted: bool) -> bytes:
    """A Word 97 binary: a FIB (wIdent, nFib, lid 中文, flags with fWhichTblStm and, if `encrypted`,
    fEncrypted) in the WordDocument stream, and a 1Table stream. `tag` keeps the bytes distinct."""
    flags = 0x0200 | (0x0100 if encrypted else 0)
    fib = struct.pack("<HHHHHH", 0xA5EC, 0x00C1, 0, 0x0804, 0, flags)
    return compound_file({"WordDocument": fib + tag.encode(), "1Table": b""})


@pytest.fixture(scope="module")
def protected(tmp_path_factory):
    """{name: path} of the password-protected fixtures."""
    pytest.importorskip("reportlab")
    ooxml = pytest.importorskip("msoffcrypto.format.ooxml")
    out = tmp_path_factory.mktemp("encrypted")
    plain = fixtures.write_docx(parse_file(SEEDS[0]), out / "plain.docx")
    files = {}
    with open(plain, "rb") as src, open(out / "加密报告.docx", "wb") as dst:
        ooxml.OOXMLFile(src).encrypt(PASSWORD, dst)
    files["docx"] = out / "加密报告.docx"
    for ext in ("doc", "wps"):
        files[ext] = out / f"加密报告.{ext}"
        files[ext].write_bytes(word_binary(ext, encrypted=True))
        files[f"docx-as-{ext}"] = out / f"实为docx.{ext}"  # an encrypted DOCX under the old name
        files[f"docx-as-{ext}"].write_bytes(files["docx"].read_bytes() + ext.encode())
    files["pdf"] = fixtures.write_pdf_pages(out / "加密报告.pdf", ["政府信息公开工作年度报告"], password=PASSWORD)
    return files


def _refuse_libreoffice(monkeypatch):
    """From now on in the test, starting LibreOffice (any process) fails it."""
    def refuse(*args, **kwargs):
        raise AssertionError(f"LibreOffice started: {args}")

    monkeypatch.setattr(legacy.subprocess, "Popen", refuse)


@pytest.fixture
def no_libreoffice(monkeypatch):
    _refuse_libreoffice(monkeypatch)


NAMES = {"docx": "DOCX 文件", "doc": "旧版 Word（.doc）文件", "wps": "WPS 文字（.wps）文件",
         "docx-as-doc": "旧版 Word（.doc）文件", "docx-as-wps": "WPS 文字（.wps）文件", "pdf": "PDF "}


@pytest.mark.parametrize("kind", list(NAMES))
def test_password_file_gives_the_clear_error(kind, protected, no_libreoffice):
    path = protected[kind]
    with pytest.raises(InputError) as e:
        read_report(path)
    assert e.value.path == str(path)
    assert e.value.reason == f"{NAMES[kind]}已加密：{MESSAGE}"


def test_the_fixtures_are_what_they_claim(protected):
    import msoffcrypto
    import olefile

    with open(protected["docx"], "rb") as fh:
        office_file = msoffcrypto.OfficeFile(fh)
        assert office_file.is_encrypted()
        office_file.load_key(password=PASSWORD)  # a real encryption: the password opens it
    with olefile.OleFileIO(str(protected["doc"])) as ole:
        assert ole.exists("WordDocument") and ole.exists("1Table")
        assert struct.unpack("<H", ole.openstream("WordDocument").read(12)[10:12])[0] & 0x0100
    import pypdfium2

    pdf = pypdfium2.PdfDocument(protected["pdf"].read_bytes(), password=PASSWORD)
    assert "年度报告" in pdf[0].get_textpage().get_text_range()
    pdf.close()


def test_pdfplumber_backend_gives_the_same_error(protected):
    with pytest.raises(InputError) as e:
        pdf_reader.read_pdf(protected["pdf"], protected["pdf"].read_bytes(), backend="pdfplumber")
    assert e.value.reason == f"PDF 已加密：{MESSAGE}"


def test_unprotected_files_are_not_called_protected(tmp_path, protected):
    """The same hand-made Word binary without fEncrypted, a compound file olefile cannot parse, a
    PDF with only an owner password (printing/copying restricted, opens without one): no password
    error."""
    assert not legacy.password_protected(word_binary("plain", encrypted=False))
    assert legacy.password_protected(word_binary("locked", encrypted=True))
    assert not legacy.password_protected(legacy.OLE_MAGIC + os.urandom(5000))
    assert not legacy.password_protected(compound_file({"Workbook": b"xls"}))
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfgen import canvas

    owner_only = tmp_path / "owner-only.pdf"
    c = canvas.Canvas(str(owner_only), invariant=1,
                      encrypt=StandardEncryption("", ownerPassword="owner", canPrint=0, canCopy=0))
    c.drawString(72, 700, "2021 report")
    c.save()
    assert read_report(owner_only).text == "2021 report"


def test_libreoffice_doc_with_fencrypted(tmp_path, monkeypatch):
    """A real Word 97 file as LibreOffice writes it, with the FIB's fEncrypted bit set in place."""
    import olefile

    ok, why = office.available()
    if not ok:
        print(f"SKIP LibreOffice .doc: {why}")
        pytest.skip(why)
    docx = fixtures.write_docx(parse_file(SEEDS[1]), tmp_path / "report.docx")
    doc = office.convert([docx], tmp_path / "doc", to="doc")[0]
    _refuse_libreoffice(monkeypatch)
    assert not legacy.password_protected(doc.read_bytes())
    with olefile.OleFileIO(str(doc), write_mode=True) as ole:
        fib = bytearray(ole.openstream("WordDocument").read())
        fib[11] |= 0x01  # the flags word at offset 10, bit 8: fEncrypted
        ole.write_stream("WordDocument", bytes(fib))
    for ext in ("doc", "wps"):
        path = shutil.copy(doc, tmp_path / f"locked.{ext}")
        with pytest.raises(InputError) as e:
            read_report(path)
        assert e.value.reason.endswith(f"已加密：{MESSAGE}")


def test_cli_batch_exit_2_the_rest_audited_libreoffice_never_started(tmp_path, protected):
    """A folder of the protected files and a plain report, with a stand-in soffice that would hang:
    exit 2, each protected file named with the error, the plain report audited, soffice not run."""
    folder = tmp_path / "reports"
    folder.mkdir()
    for kind in ("docx", "doc", "wps", "pdf"):
        shutil.copy(protected[kind], folder / protected[kind].name)
    (folder / "seed.txt").write_bytes(SEEDS[1].read_bytes())
    marker = tmp_path / "soffice-ran"
    fake = tmp_path / "soffice"
    fake.write_text(f"#!/bin/sh\ntouch '{marker}'\nsleep 600\n")
    fake.chmod(0o755)
    env = dict(os.environ, NO_COLOR="1", AUDITOR_SOFFICE=str(fake))
    r = subprocess.run([sys.executable, "-m", "auditor.cli", "check", str(folder), "--format", "json"],
                       capture_output=True, text=True, cwd=ROOT, env=env, timeout=300)
    assert r.returncode == 2, r.stderr
    assert "Traceback" not in r.stderr and not marker.exists()
    reports = {Path(x["source"]).name: x for x in json.loads(r.stdout)["reports"]}
    for kind in ("docx", "doc", "wps", "pdf"):
        name = protected[kind].name
        line = next(ln for ln in r.stderr.splitlines() if name in ln)
        assert MESSAGE in line
        assert MESSAGE in reports[name]["error"]
    assert reports["seed.txt"].get("error") is None and reports["seed.txt"]["findings"]
