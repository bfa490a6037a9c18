"""Benchmark (speed is measured here, never in tests).

In one run, interleaved per report (each repetition times the three in turn, so machine load
affects them alike): the physical floor (read the file + one `re.findall(r"\d+")` pass), parse
(`auditor.api.parse_file`), and the full audit (`batch.audit_file` with every installed pack — the
path `auditor check` takes), with the ratios to the floor and the medians over the reports; then
the cold start of `auditor check ONE_REPORT` and of `auditor --help` (whole process, median of 10),
PDF reading time per page (seed PDFs drawn by tools/fixtures.py, needs reportlab; or --pdf FILES)
and the peak memory of parsing.

Targets (issue 13): full audit <= 15x the floor (stretch 7x), parse <= 10x; cold start of
`auditor check` <= 0.3 s, `auditor --help` <= 0.1 s (with --cpu: process CPU time, steadier on a
busy machine). The cold starts run with bytecode written, as an installed package has it.

Every timed parse and audit reads its report as new text: the parser's memos of lines and words
it has seen are forgotten before each call (timing.forget_text_memos), since the same five texts
timed again and again would otherwise be memo hits that a batch of different reports does not
get; --warm-lines keeps them, for comparison.

Usage: python benchmarks/bench.py [--cpu] [--warm-lines] [--repeat N] [--no-pdf] [--pdf FILE ...] [FILES...]
"""
from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from timing import forget_text_memos, median_time  # noqa: E402  (benchmarks/timing.py)
_DIGITS = re.compile(r"\d+")


def floor(path: Path) -> None:
    """What any tool must at least do: read the file and look at every number once."""
    _DIGITS.findall(path.read_text(encoding="utf-8", errors="replace"))


CLOCK = time.perf_counter  # --cpu: time.process_time, steadier on a busy machine
FORGET = True  # --warm-lines: keep the memos of lines seen before (a repeated text is then all hits)


def interleaved(fns: list, repeat: int) -> list[float]:
    """Median seconds of each function, the functions timed in turn in every repetition; unless
    --warm-lines, each call reads its report as new text (timing.forget_text_memos)."""
    samples: list[list[float]] = [[] for _ in fns]
    for _ in range(repeat):
        for i, fn in enumerate(fns):
            if FORGET:
                forget_text_memos()
            t = CLOCK()
            fn()
            samples[i].append(CLOCK() - t)
    return [statistics.median(s) for s in samples]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("files", nargs="*", type=Path)
    ap.add_argument("--repeat", type=int, default=30)
    ap.add_argument("--pdf", nargs="*", type=Path, default=None, help="PDF files to time (default: seed PDFs)")
    ap.add_argument("--no-pdf", action="store_true", help="skip the PDF timing")
    ap.add_argument("--cold", type=int, default=10, help="process starts per cold-start figure")
    ap.add_argument("--cpu", action="store_true", help="CPU time instead of wall-clock time (busy machines)")
    ap.add_argument("--warm-lines", action="store_true",
                    help="keep the parser's memos of lines seen before (each repetition is then all memo hits)")
    args = ap.parse_args()
    global CLOCK, FORGET
    if args.cpu:
        CLOCK = time.process_time
    FORGET = not args.warm_lines
    print(f"clock: {'CPU time (process_time)' if args.cpu else 'wall clock (perf_counter)'}; "
          f"{'line memos kept (repeated text)' if args.warm_lines else 'every report read as new text'}")
    files = args.files or sorted((ROOT / "sample_reports").glob("*.txt"))

    from auditor.api import parse_file
    from auditor.batch import audit_file, batch_collector
    from auditor.config import Config, resolve
    from auditor.plugins import load_plugins

    loaded = load_plugins()
    cfg = Config()
    rules = resolve(loaded.rules, cfg)
    for f in files:  # build the grammars and warm the caches once, as a batch run does
        audit_file(f, rules, cfg, loaded)
    print(f"{'report':<30}{'floor ms':>9}{'parse ms':>10}{'×':>6}{'audit ms':>10}{'×':>6}")
    rows = []
    for f in files:
        with batch_collector():  # the collector's settings of `auditor check` (batch.run_check)
            fl, pa, au = interleaved([lambda: floor(f), lambda: parse_file(f, loaded),
                                      lambda: audit_file(f, rules, cfg, loaded)], args.repeat)
        rows.append((fl, pa, au))
        print(f"{f.name:<30}{fl * 1000:>9.3f}{pa * 1000:>10.2f}{pa / fl:>6.1f}{au * 1000:>10.2f}{au / fl:>6.1f}")
    med = [statistics.median(r[i] for r in rows) for i in range(3)]
    parse_ratio = statistics.median(r[1] / r[0] for r in rows)
    audit_ratio = statistics.median(r[2] / r[0] for r in rows)
    print(f"{'median':<30}{med[0] * 1000:>9.3f}{med[1] * 1000:>10.2f}{parse_ratio:>6.1f}{med[2] * 1000:>10.2f}"
          f"{audit_ratio:>6.1f}")
    print(f"targets: parse <= 10x ({'met' if parse_ratio <= 10 else 'not met'}), "
          f"full audit <= 15x ({'met' if audit_ratio <= 15 else 'not met'}; stretch 7x)")

    cold_start(files[0], args.cold)
    if not args.no_pdf:
        pdf_per_page(args.pdf, max(3, args.repeat // 10))
    peak_memory(files)


def cold_start(report: Path, runs: int) -> None:
    exe = shutil.which("auditor") or str(Path(sys.executable).with_name("auditor"))
    base = [exe] if Path(exe).exists() else [sys.executable, "-m", "auditor.cli"]
    # An installed package has its bytecode compiled (pip does it); PYTHONDONTWRITEBYTECODE in the
    # environment would make every start of an editable install compile the sources again.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    for label, cmd, target in (("auditor check ONE_REPORT", base + ["check", str(report)], 0.3),
                               ("auditor --help", base + ["--help"], 0.1)):
        subprocess.run(cmd, capture_output=True, env=env)  # warm the file cache, bytecode, parser cache
        starts, cpu = [], []
        for _ in range(runs):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            t = time.perf_counter()
            subprocess.run(cmd, capture_output=True, env=env)
            starts.append(time.perf_counter() - t)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        med = statistics.median(cpu if CLOCK is time.process_time else starts)
        print(f"cold start of `{label}`: median {statistics.median(starts):.3f} s wall, {statistics.median(cpu):.3f} s CPU "
              f"over {runs} runs (target <= {target} s{' CPU' if CLOCK is time.process_time else ''}: "
              f"{'met' if med <= target else 'not met'})")


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
        t = median_time(lambda: parse_file(f), repeat) / pages
        per_page.append(t)
        print(f"{f.name:<34}{pages:>6}{t:>10.3f}")
    print(f"{'median per page (target <= 0.03 s)':<40}{statistics.median(per_page):>10.3f}")
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
