"""Time the plain-text reader (encoding detection + plausibility checks) on the sample reports.

    python benchmarks/ingest_text.py [--repeat N]

Prints per-input milliseconds for UTF-8 samples, their GB18030 re-encodings, a sample with one
stray 0xFF byte, and a 1.5 MB concatenation (the largest plausible real report ×10).
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

from auditor.errors import InputError
from auditor.ingest.text import read_text

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=20)
    args = ap.parse_args()
    seeds = sorted((ROOT / "sample_reports").glob("*.txt"))
    utf8 = [p.read_bytes() for p in seeds]
    cases = {
        "utf-8 samples": utf8,
        "gb18030 samples": [b.decode("utf-8").encode("gb18030") for b in utf8],
        "utf-8 + one 0xFF": [b[: len(b) // 2] + b"\xff" + b[len(b) // 2:] for b in utf8],
        "1.5 MB utf-8": [b"\n".join(utf8 * 30)[:1_500_000].rsplit(b"\n", 1)[0]],
    }
    for name, datas in cases.items():
        rejected = 0
        t0 = time.perf_counter()
        for _ in range(args.repeat):
            for d in datas:
                try:
                    read_text(Path("bench.txt"), d)
                except InputError:
                    rejected += 1
        ms = (time.perf_counter() - t0) / args.repeat / len(datas) * 1000
        print(f"{name:<20} {ms:8.2f} ms per file ({len(datas)} files, {args.repeat} repeats)"
              + (f", {rejected // args.repeat} rejected" if rejected else ""))


if __name__ == "__main__":
    main()
