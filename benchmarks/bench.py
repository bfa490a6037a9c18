"""Benchmark: median parse time and full-audit time per report over the seeds, PDF reading time per
page (seed PDFs drawn by tools/fixtures.py, needs reportlab; or PDFs given with --pdf), the peak
memory of parsing, and the cold start of `auditor --help`. Speed is measured here, never in tests.

Usage: python benchmarks/bench.py [--repeat N] [--pdf FILE ...] [FILES...]
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def timed(fn, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t)
    return statistics.median(samples)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("files", nargs="*", type=Path)
    ap.add_argument("--repeat", type=int, default=30)
    ap.add_argument("--pdf", nargs="*", type=Path, default=None, help="PDF files to time (default: seed PDFs)")
    args = ap.parse_args()
    files = args.files or sorted((ROOT / "sample_reports").glob("*.txt"))

    from auditor.api import parse_file
    from auditor.config import Config
    from auditor.engine.run import audit
    from auditor.plugins import load_plugins

    rules = load_plugins().rules
    cfg = Config()
    parse_file(files[0])  # build the grammar once, as a batch run does
    print(f"{'report':<34}{'parse ms':>10}{'audit ms':>10}")
    parse_ms, audit_ms = [], []
    for f in files:
        p = timed(lambda: parse_file(f), args.repeat) * 1000
        a = timed(lambda: audit(parse_file(f), rules, cfg), args.repeat) * 1000
        parse_ms.append(p)
        audit_ms.append(a)
        print(f"{f.name:<34}{p:>10.2f}{a:>10.2f}")
    print(f"{'median per report':<34}{statistics.median(parse_ms):>10.2f}{statistics.median(audit_ms):>10.2f}")

    pdf_per_page(args.pdf, max(3, args.repeat // 10))
    peak_memory(files)

    exe = shutil.which("auditor")
    cmd = [exe, "--help"] if exe else [sys.executable, "-m", "auditor.cli", "--help"]
    starts = []
    for _ in range(7):
        t = time.perf_counter()
        subprocess.run(cmd, capture_output=True, check=True)
        starts.append(time.perf_counter() - t)
    print(f"cold start of `auditor --help`: median {statistics.median(starts):.3f} s over 7 runs")

    t = time.perf_counter()
    subprocess.run((exe and [exe] or [sys.executable, "-m", "auditor.cli"]) + ["check", str(ROOT / "sample_reports"),
                   "--format", "json"], capture_output=True)
    print(f"end-to-end `auditor check sample_reports/` (process start included): {time.perf_counter() - t:.3f} s")


def pdf_per_page(pdfs: list[Path] | None, repeat: int) -> None:
    import tempfile

    import pdfplumber

    from auditor.api import parse_file

    tmp = None
    if not pdfs:
        try:
            sys.path.insert(0, str(ROOT))
            from tools import fixtures
        except ImportError:
            print("PDF: reportlab not installed and no --pdf files given; skipped")
            return
        tmp = tempfile.TemporaryDirectory()
        pdfs = [fixtures.write_pdf(parse_file(s), Path(tmp.name) / (s.stem + ".pdf")) for s in fixtures.SEEDS]
    per_page = []
    print(f"{'PDF':<34}{'pages':>6}{'s/page':>10}")
    for f in pdfs:
        with pdfplumber.open(f) as pdf:
            pages = len(pdf.pages)
        t = timed(lambda: parse_file(f), repeat) / pages
        per_page.append(t)
        print(f"{f.name:<34}{pages:>6}{t:>10.3f}")
    print(f"{'median per page (target <= 0.15 s)':<40}{statistics.median(per_page):>10.3f}")
    if tmp:
        tmp.cleanup()


def peak_memory(files: list[Path]) -> None:
    import tracemalloc

    from auditor.api import parse_file

    tracemalloc.start()
    for f in files:
        parse_file(f)
    _cur, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"peak Python memory while parsing {len(files)} reports: {peak / 2**20:.1f} MiB")


if __name__ == "__main__":
    main()
