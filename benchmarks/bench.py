"""Benchmark: median parse time and full-audit time per report over the seeds, and the cold start of
`auditor --help`. Speed is measured here, never in tests.

Usage: python benchmarks/bench.py [--repeat N] [FILES...]
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


if __name__ == "__main__":
    main()
