"""Office-suite PDF fixtures: the DOCX renderings of tools/fixtures.py as a user of Word, WPS or
LibreOffice exports them — tables with "Table Grid" borders, fonts embedded as subsets, rows allowed
to break across pages — converted with LibreOffice headless (`soffice --convert-to pdf`).

Page layouts move the page breaks around: "a4" is a plain A4 page; "short" is a low page
(14 cm) so that 表三 breaks several times, inside row groups and inside rows whose labels wrap;
"repeat" is the short page with 表三's three header rows marked as repeating on every page.
BORDERLESS layouts ("a4-borderless", "short-borderless") draw no cell borders ("Normal Table",
as many offices print): the reader gets text lines only, labels wrapped two characters a line.

Run `python -m tools.office OUTDIR` to write the office PDFs of every seed in every layout.
Tests call `office_pdfs` into a temporary directory; without `soffice` they skip (`available()`).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from tools import fixtures

LAYOUTS = {  # name -> (page height in cm, repeat 表三's header rows)
    "a4": (29.7, False),
    "short": (14.0, False),
    "repeat": (14.0, True),
}
BORDERLESS = ("a4-borderless", "short-borderless")
PAGE_WIDTH_CM = 21.0
TIMEOUT_S = 300  # one soffice run converts a whole batch


def soffice() -> str | None:
    """The LibreOffice binary, or None (Debian: libreoffice-writer-nogui)."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def available() -> tuple[bool, str]:
    if not soffice():
        return False, "soffice (LibreOffice) not installed: apt-get install libreoffice-writer-nogui fonts-wqy-zenhei"
    return True, ""


def office_docx(report, path: Path, layout: str = "a4") -> Path:
    """The report's DOCX rendering with grid borders on every table, the layout's page size, and
    (layout "repeat") 表三's header rows repeated at the top of every page."""
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm

    borders = layout not in BORDERLESS
    height, repeat = LAYOUTS[layout.removesuffix("-borderless")]
    fixtures.write_docx(report, path)
    d = docx.Document(str(path))
    for section in d.sections:
        section.page_width, section.page_height = Cm(PAGE_WIDTH_CM), Cm(height)
        section.top_margin = section.bottom_margin = Cm(2.0)
        section.left_margin = section.right_margin = Cm(2.0)
    for table in d.tables:
        table.style = d.styles["Table Grid" if borders else "Normal Table"]
    if repeat:
        t3 = next((t for t in d.tables if "勾稽关系" in t.rows[0].cells[0].text), None)
        for row in (t3.rows[:3] if t3 is not None else []):
            tr_pr = row._tr.get_or_add_trPr()
            header = OxmlElement("w:tblHeader")
            header.set(qn("w:val"), "true")
            tr_pr.append(header)
    d.save(str(path))
    return path


def convert(docx_files: list[Path], outdir: Path, timeout: float = TIMEOUT_S, to: str = "pdf") -> list[Path]:
    """Convert DOCX files to PDF (or `to`, a LibreOffice target such as "doc:MS Word 97") in one
    LibreOffice run with a private, throw-away profile (so a running or broken user profile cannot
    interfere). Returns the converted files, in the order given."""
    exe = soffice()
    if not exe:
        raise RuntimeError(available()[1])
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="auditor-lo-") as profile:
        cmd = [exe, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--norestore",
               "--convert-to", to, "--outdir", str(outdir), *map(str, docx_files)]
        env = dict(os.environ, HOME=profile)
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
    written = [outdir / (p.stem + "." + to.split(":")[0]) for p in docx_files]
    missing = [p.name for p in written if not p.exists()]
    if missing:
        raise RuntimeError(f"soffice did not write {missing}: rc={proc.returncode} {proc.stderr[-500:]}")
    return written


def legacy_files(reports: dict[str, object], outdir: Path) -> dict[tuple[str, str], Path]:
    """.doc and .wps files of several reports ({name: parsed report}) made from their DOCX
    renderings (tools/fixtures.py) in one LibreOffice run: {(name, "doc" | "wps"): path}.

    The .wps files are the .doc files under the other extension: LibreOffice has no WPS export of
    its own (`--convert-to wps` runs its "MS Word 97" filter and writes the same bytes), and WPS
    Office saves .wps in that Word 97 binary family too."""
    docx_dir = outdir / "docx"
    docx_dir.mkdir(parents=True, exist_ok=True)
    docs = [fixtures.write_docx(rep, docx_dir / f"{name}.docx") for name, rep in reports.items()]
    out: dict[tuple[str, str], Path] = {}
    for name, doc in zip(reports, convert(docs, outdir, to="doc:MS Word 97")):
        wps = doc.with_suffix(".wps")
        shutil.copyfile(doc, wps)
        out[(name, "doc")], out[(name, "wps")] = doc, wps
    return out


def office_pdfs(reports: dict[str, object], outdir: Path, layouts=tuple(LAYOUTS)) -> dict[tuple[str, str], Path]:
    """Office PDFs of several reports ({name: parsed report}) in several layouts, one soffice run:
    {(name, layout): pdf path}."""
    docx_dir = outdir / "docx"
    docx_dir.mkdir(parents=True, exist_ok=True)
    jobs = {(name, layout): office_docx(rep, docx_dir / f"{name}.{layout}.docx", layout)
            for name, rep in reports.items() for layout in layouts}
    pdfs = convert(list(jobs.values()), outdir)
    return dict(zip(jobs, pdfs))


def _rect_border_canvas():
    from reportlab.pdfgen.canvas import Canvas

    class RectBorderCanvas(Canvas):
        """Draws every line as a thin filled rectangle, as Word's PDF export draws cell borders."""

        def line(self, x1, y1, x2, y2):
            w = max(self._lineWidth, 0.25)
            x, y = min(x1, x2) - (w / 2 if x1 == x2 else 0), min(y1, y2) - (w / 2 if y1 == y2 else 0)
            width, height = (w, abs(y2 - y1)) if x1 == x2 else (abs(x2 - x1), w)
            self.saveState()
            self.setFillColor(self._strokeColorObj)
            self.rect(x, y, width, height, stroke=0, fill=1)
            self.restoreState()

    return RectBorderCanvas


def __getattr__(name):  # RectBorderCanvas needs reportlab (test extra): built on first use
    if name == "RectBorderCanvas":
        return _rect_border_canvas()
    raise AttributeError(name)


def main(outdir: str) -> None:
    from auditor.api import parse_file

    ok, why = available()
    if not ok:
        sys.exit(why)
    reports = {seed.stem: parse_file(seed) for seed in fixtures.SEEDS}
    written = office_pdfs(reports, Path(outdir), tuple(LAYOUTS) + BORDERLESS)
    print(f"{len(written)} office PDFs written to {outdir}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "out/office")
