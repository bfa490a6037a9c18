"""Where a full audit's time goes: each stage of `auditor check`'s path timed on its own.

The stages are the ones `api.parse_extracted` and `batch.audit_file` run in order (read, normalize,
structure, tables, claims, region, rules); each is timed by calling it again on the inputs the
previous stages produced, so the figures add up to about the full audit. Reported per report and
as the median over the sample reports (and what the full audit spends outside them), in milliseconds, beside the read+regex floor that
benchmarks/bench.py uses.

Each call reads its report as new text (the parser's line memos forgotten first, as in
benchmarks/bench.py); --warm-lines keeps them.

Usage: python benchmarks/bench_stages.py [--cpu] [--warm-lines] [--repeat N] [FILES...]
"""
from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from timing import forget_text_memos  # noqa: E402  (benchmarks/timing.py)
_DIGITS = re.compile(r"\d+")


def stage_functions(path: Path, loaded, rules, cfg) -> dict:
    """name → zero-argument function that repeats that stage on this report."""
    from auditor import api
    from auditor.batch import audit_file
    from auditor.engine.run import audit
    from auditor.ingest import read_report
    from auditor.parse import binder, claims
    from auditor.parse.document import parse_structure, recognise_sections
    from auditor.parse.normalize import normalize

    ex = read_report(path)
    norm = normalize(ex.text)
    raw = parse_structure(norm)
    _pre, sections, _demoted = recognise_sections(raw)
    by_number = {}
    for sec, lines in sections:
        by_number.setdefault(sec.number, lines)
    everything = [ln for _s, ls in sections for ln in ls]
    report = api.parse_extracted(ex, loaded)

    def tables():
        notes = []
        binder.bind_t2(by_number.get(2, everything), notes)
        binder.bind_t3(by_number.get(3, everything), notes)
        binder.bind_t4(by_number.get(4, []), notes)

    return {
        "floor": lambda: _DIGITS.findall(path.read_text(encoding="utf-8", errors="replace")),
        "read": lambda: read_report(path),
        "normalize": lambda: normalize(ex.text),
        "structure": lambda: recognise_sections(parse_structure(norm)),
        "tables": tables,
        "claims": lambda: claims.extract(report, loaded.claims_grammar),
        "region": lambda: api._detect_region(report, loaded),
        "rules": lambda: audit(report, rules, cfg),
        "full audit": lambda: audit_file(path, rules, cfg, loaded),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("files", nargs="*", type=Path)
    ap.add_argument("--repeat", type=int, default=50)
    ap.add_argument("--cpu", action="store_true", help="CPU time instead of wall-clock time (busy machines)")
    ap.add_argument("--warm-lines", action="store_true",
                    help="keep the parser's memos of lines seen before (each repetition is then all memo hits)")
    args = ap.parse_args()
    clock = time.process_time if args.cpu else time.perf_counter
    files = args.files or sorted((ROOT / "sample_reports").glob("*.txt"))

    from auditor.batch import batch_collector
    from auditor.config import Config, resolve
    from auditor.plugins import load_plugins

    loaded = load_plugins()
    cfg = Config()
    rules = resolve(loaded.rules, cfg)
    per_stage: dict[str, list[float]] = {}
    for f in files:
        fns = stage_functions(f, loaded, rules, cfg)
        samples = {name: [] for name in fns}
        with batch_collector():  # the collector's settings of `auditor check` (batch.run_check)
            for _ in range(args.repeat):  # interleaved, so machine load affects every stage alike
                for name, fn in fns.items():
                    if not args.warm_lines:
                        forget_text_memos()
                    t = clock()
                    fn()
                    samples[name].append(clock() - t)
        for name, s in samples.items():
            per_stage.setdefault(name, []).append(statistics.median(s))
    print(f"clock: {'CPU time (process_time)' if args.cpu else 'wall clock (perf_counter)'}; "
          f"median over {len(files)} reports, ms")
    floor = statistics.median(per_stage["floor"])
    total = 0.0
    for name, values in per_stage.items():
        med = statistics.median(values)
        if name == "full audit":
            rest = med - total
            print(f"{'(the rest)':<12}{rest * 1000:>8.3f}{rest / floor:>8.1f}×  full audit minus the stages above")
        elif name != "floor":
            total += med
        print(f"{name:<12}{med * 1000:>8.3f}{med / floor:>8.1f}×")


if __name__ == "__main__":
    sys.exit(main())
