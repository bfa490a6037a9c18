"""Benchmark: parse time per report of the crawler-flattened layout (issue 10, layout 4), median
over the seeds, next to the same seeds as plain text; and the worst case of the digit-run splitter
(a run that hits the readings cap, which must stay bounded and be said in a parse note).

Usage: python benchmarks/bench_flattened.py [--repeat N]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))


from timing import median_time as timed  # noqa: E402  (benchmarks/timing.py)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()

    from auditor.api import parse_extracted
    from auditor.ingest import Extracted
    from auditor.parse import flattened
    from tools.flattened import flatten
    from tools.variants import SEED_FILES

    def parse(text: str):
        return parse_extracted(Extracted(path="bench.txt", kind="txt", text=text))

    parse(SEED_FILES["000"].read_text(encoding="utf-8"))  # warm-up: grammar builds, plugin load
    plain_t, flat_t, flat3_t = [], [], []
    for seed, path in SEED_FILES.items():
        text = path.read_text(encoding="utf-8")
        one, three = flatten(text), flatten(text, 3)
        p = timed(lambda: parse(text), args.repeat)
        f = timed(lambda: parse(one), args.repeat)
        f3 = timed(lambda: parse(three), args.repeat)
        rep = parse(one)
        readings = max((len(r.readings) for t in rep.tables.values() for r in t.rows.values()), default=0)
        plain_t.append(p)
        flat_t.append(f)
        flat3_t.append(f3)
        print(f"{seed}: plain {p * 1000:6.1f} ms  flattened(1 line, {len(one)} chars) {f * 1000:6.1f} ms  "
              f"flattened(3 lines) {f3 * 1000:6.1f} ms  max readings/row {readings}")
    print(f"median parse per report: plain {statistics.median(plain_t) * 1000:.1f} ms, "
          f"flattened {statistics.median(flat_t) * 1000:.1f} ms, flattened 3 lines {statistics.median(flat3_t) * 1000:.1f} ms")

    run = ["1" * 60]
    t = time.perf_counter()
    got = flattened.digit_splits(run, 7)
    dt = time.perf_counter() - t
    print(f"cap: a 60-digit run into 7 cells -> {'capped at ' + str(flattened.MAX_READINGS) if got is None else len(got)} "
          f"in {dt * 1000:.1f} ms")
    text = flatten(SEED_FILES["000"].read_text(encoding="utf-8")).replace("(七) 总计4000004", "(七) 总计" + "1" * 60, 1)
    t = time.perf_counter()
    rep = parse(text)
    dt = time.perf_counter() - t
    note = next((n.message for n in rep.parse_notes if n.code == "table.flattened_cap"), "(no cap note!)")
    print(f"flattened 000 with a capped 总计 row: {dt * 1000:.1f} ms; note: {note}")


if __name__ == "__main__":
    main()
