"""Batch benchmark: reports per second for an N-report batch (tools/batchgen.py: seed copies with
varied numbers, mixed TXT/DOCX/HTML) at -j 1 and -j 2, and the parent's peak memory (VmHWM) as the
batch grows. Speed is measured here, never in tests.

Usage: python benchmarks/bench_batch.py [--n 2000] [--memory 1000 4000] [--skip-speed] [--format jsonl]
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _hwm_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def run_check(folder: Path, jobs: int, fmt: str, out: Path) -> tuple[float, int]:
    """Wall time and the parent process's peak RSS (kB) of `auditor check`."""
    cmd = [sys.executable, "-m", "auditor.cli", "check", str(folder), "-q", "-j", str(jobs), "-f", fmt, "-o", str(out)]
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, _hwm_kb(proc.pid))
        time.sleep(0.05)
    wall = time.perf_counter() - t
    if proc.returncode not in (0, 1):
        raise SystemExit(f"auditor check failed with exit code {proc.returncode}")
    return wall, peak


def main() -> None:
    from tools.batchgen import generate

    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--memory", type=int, nargs="*", default=[1000, 4000])
    ap.add_argument("--skip-speed", action="store_true")
    ap.add_argument("--format", default="jsonl")
    args = ap.parse_args()
    print(f"cores: {len(os.sched_getaffinity(0))}")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        if not args.skip_speed:
            folder = tmp / f"b{args.n}"
            generate(folder, args.n)
            for jobs in (1, 2):
                wall, peak = run_check(folder, jobs, args.format, tmp / f"out{jobs}.{args.format}")
                print(f"{args.n} reports -j {jobs}: {wall:.1f} s, {args.n / wall:.1f} reports/s, "
                      f"parent peak {peak / 1024:.0f} MB", flush=True)
        for n in args.memory:
            folder = tmp / f"m{n}"
            generate(folder, n)
            wall, peak = run_check(folder, 2, args.format, tmp / f"mem{n}.{args.format}")
            print(f"{n} reports -j 2 --format {args.format}: parent peak {peak / 1024:.0f} MB ({wall:.1f} s)", flush=True)


if __name__ == "__main__":
    main()
