"""PDF reading speed per page, both backends, and cell differences from the text versions.

PDFs: the seeds drawn by reportlab (tools/fixtures.py, needs the test extra) and, when LibreOffice
is installed, the office-exported ones (tools/office.py, every layout); or the PDFs given.
For each PDF: pages, median seconds per page for reading only (ingest.pdf.read_pdf) with the PDFium
backend and the pdfplumber backend, and for the whole parse (parse_file, PDFium), and the number
of cells that differ from the text version of the same seed (must be 0).

Usage: python benchmarks/bench_pdf.py [--repeat N] [--no-office] [PDF ...]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from timing import median_time as timed  # noqa: E402  (benchmarks/timing.py)


def cells(rep):
    return {t: {k: [row.cells[c].value for c in row.columns] for k, row in rep.tables[t].rows.items()}
            for t in ("t2", "t3", "t4")}


def cell_differences(a, b) -> int:
    n = 0
    for t, rows in a.items():
        for key, values in rows.items():
            other = b[t].get(key) or [None] * len(values)
            n += sum(x != y for x, y in zip(values, other))
    return n


def fixture_pdfs(outdir: Path, office_too: bool) -> list[tuple[Path, Path | None]]:
    """(pdf, seed text) pairs."""
    from auditor.api import parse_file
    from tools import fixtures

    out = []
    reports = {seed.stem: parse_file(seed) for seed in fixtures.SEEDS}
    seeds = {seed.stem: seed for seed in fixtures.SEEDS}
    for stem, rep in reports.items():
        out.append((fixtures.write_pdf(rep, outdir / f"{stem}.reportlab.pdf"), seeds[stem]))
    if office_too:
        from tools import office

        ok, why = office.available()
        if ok:
            for (stem, _layout), pdf in office.office_pdfs(reports, outdir / "office").items():
                out.append((pdf, seeds[stem]))
        else:
            print(f"office PDFs skipped: {why}")
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--no-office", action="store_true", help="only the reportlab PDFs")
    ap.add_argument("pdfs", nargs="*", type=Path)
    args = ap.parse_args()

    import pypdfium2

    from auditor.api import parse_file
    from auditor.ingest.pdf import read_pdf

    tmp = tempfile.TemporaryDirectory()
    pairs = [(p, None) for p in args.pdfs] or fixture_pdfs(Path(tmp.name), not args.no_office)
    print(f"{'PDF':<40}{'pages':>6}{'pdfium s/p':>12}{'plumber s/p':>12}{'parse s/p':>11}{'cell diffs':>11}")
    rows = []
    for pdf, seed in pairs:
        data = pdf.read_bytes()
        pages = len(pypdfium2.PdfDocument(data))
        fast = timed(lambda: read_pdf(pdf, data), args.repeat) / pages
        slow = timed(lambda: read_pdf(pdf, data, backend="pdfplumber"), max(1, args.repeat // 2)) / pages
        whole = timed(lambda: parse_file(pdf), args.repeat) / pages
        diffs = cell_differences(cells(parse_file(seed)), cells(parse_file(pdf))) if seed else None
        rows.append((fast, slow, whole, diffs))
        print(f"{pdf.name:<40}{pages:>6}{fast:>12.4f}{slow:>12.4f}{whole:>11.4f}{'-' if diffs is None else diffs:>11}")
    med = [statistics.median(r[i] for r in rows) for i in range(3)]
    total = sum(r[3] or 0 for r in rows)
    print(f"{'median per page (target <= 0.03 s)':<46}{med[0]:>12.4f}{med[1]:>12.4f}{med[2]:>11.4f}{total:>11}")
    tmp.cleanup()


if __name__ == "__main__":
    main()
