"""Shared inputs for the web and HTML tests: hostile uploads built on the fly, and audit records."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = sorted((ROOT / "sample_reports").glob("*.txt"))
SAMPLE_003 = ROOT / "sample_reports" / "003_c2bcf9dd95c89acf.txt"
SCRIPT = "<script>alert('x')</script>"


def script_report() -> str:
    """Sample 003 with script tags in the title line and in a narrative sentence."""
    lines = SAMPLE_003.read_text(encoding="utf-8").split("\n")
    lines[0] = lines[0] + SCRIPT
    for i, ln in enumerate(lines):
        if "办结3件" in ln:
            lines[i] = ln.replace("办结3件", f"办结3件{SCRIPT}", 1)
            break
    return "\n".join(lines)


def zip_bomb_docx(uncompressed_mb: int = 400) -> bytes:
    """A .docx whose document.xml inflates to `uncompressed_mb` MB (a few hundred KB on disk)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml",
                    '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                    '<Default Extension="xml" ContentType="application/xml"/>'
                    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
                    'officedocument.wordprocessingml.document.main+xml"/></Types>')
        zf.writestr("_rels/.rels",
                    '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                    'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
                    '2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')
        with zf.open("word/document.xml", "w", force_zip64=True) as fh:
            fh.write(b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
                     b'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>')
            chunk = "报告".encode("utf-8") * (1 << 18)  # 1.5 MB
            for _ in range(uncompressed_mb * 2 // 3):
                fh.write(chunk)
            fh.write(b"</w:t></w:r></w:p></w:body></w:document>")
    return buf.getvalue()


def many_pages_pdf(pages: int = 2000, filler_lines: int = 0) -> bytes:
    """A long PDF; `filler_lines` more lines of digits per page make each page cost real reading
    time (so a timeout test does not depend on how fast this machine reads two short lines)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    for i in range(pages):
        c.drawString(72, 760, f"Page {i + 1}: 2020 annual report, filler line for a long document.")
        c.drawString(72, 740, "1 2 3 4 5 6 7")
        for k in range(filler_lines):
            c.drawString(72, 720 - 16 * k, " ".join(str((i + k + j) % 97) for j in range(24)))
        c.showPage()
    c.save()
    return buf.getvalue()


def records(paths=None):
    """report_record dicts of the samples, as `auditor check --format html` would pass them."""
    from auditor.batch import audit_file
    from auditor.config import Config, resolve
    from auditor.plugins import default_plugins
    from auditor.render.record import report_record

    loaded = default_plugins()
    cfg = Config()
    rules = resolve(loaded.rules, cfg, where="test")
    out = []
    for p in paths or SAMPLES:
        res = audit_file(Path(p), rules, cfg, loaded)
        res.source = Path(p).name
        out.append(report_record(res, show_skipped=True, with_tables=True))
    return out
