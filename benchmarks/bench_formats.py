"""Reading speed of the converted formats: .doc / .wps through LibreOffice, OFD.

For each seed: median seconds per file to read its .doc (LibreOffice conversion to DOCX, then the
DOCX reader; ingest.read_report), the same file as .wps, its .docx for comparison, and its OFD
and the PDF the OFD was made from (tools/ofd.py, needs the test extra), with the pages of the PDF.
A .doc conversion starts one LibreOffice per file (a fresh profile each time), so its cost is
mostly LibreOffice's start-up; in a batch, `--jobs` conversions run in parallel.

Usage: python benchmarks/bench_formats.py [--repeat N] [--no-office]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.timing import median_time  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-office", action="store_true", help="skip .doc/.wps (LibreOffice)")
    args = ap.parse_args()

    from auditor.api import parse_file
    from auditor.ingest import legacy, read_report
    from tools import fixtures, office, ofd

    reports = {seed.stem: parse_file(seed) for seed in fixtures.SEEDS}
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        legacy_files = {}
        if not args.no_office and legacy.soffice_path():
            legacy_files = office.legacy_files(reports, out)
        elif not args.no_office:
            print("soffice not installed: .doc/.wps skipped")
        rows = []
        for name, rep in reports.items():
            ofd_path = ofd.write_ofd(rep, out / f"{name}.ofd")
            pdf_path = ofd_path.with_suffix(".pdf")
            with zipfile.ZipFile(ofd_path) as zf:
                pages = sum(1 for n in zf.namelist() if n.endswith("Content.xml"))
            row = {"seed": name[:3], "pages": pages}
            for fmt, path in (("doc", legacy_files.get((name, "doc"))), ("wps", legacy_files.get((name, "wps"))),
                              ("docx", out / "docx" / f"{name}.docx" if legacy_files else None),
                              ("ofd", ofd_path), ("pdf", pdf_path)):
                row[fmt] = median_time(lambda p=path: read_report(p), args.repeat) if path else None
            rows.append(row)
    cols = ["doc", "wps", "docx", "ofd", "pdf"]
    print(f"{'seed':<5}{'pages':>6}" + "".join(f"{c + ' s':>10}" for c in cols))
    for r in rows:
        print(f"{r['seed']:<5}{r['pages']:>6}" + "".join(f"{r[c]:>10.3f}" if r[c] is not None else f"{'-':>10}"
                                                       for c in cols))
    for c in cols:
        vals = [r[c] for r in rows if r[c] is not None]
        if vals:
            print(f"median {c}: {statistics.median(vals):.3f} s per file")


if __name__ == "__main__":
    main()
