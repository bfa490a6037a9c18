"""Where a full audit's time goes: each stage of `auditor check`'s path, timed inside real audits.

Each repetition runs `batch.audit_file` on a report (the path `auditor check` takes); the stage
functions it calls (read, normalize, structure, tables, claims, region, rules) are wrapped with a
clock, so every stage is timed where it really runs: on a report object seen for the first time,
with the caches as the stages before it left them. (Repeating one stage on its own inputs was up
to three times too optimistic: region detection then found its text views of the last call.)
Reported as the median over the sample reports, in milliseconds, beside the read+regex floor of
benchmarks/bench.py; "(the rest)" is each audit minus its stages. (Medians over reports do not
add up: the median report of one stage is not that of another.)

Each audit reads its report as new text (the parser's line memos forgotten first, as in
benchmarks/bench.py); --warm-lines keeps them.

Usage: python benchmarks/bench_stages.py [--cpu] [--warm-lines] [--repeat N] [FILES...]
"""
from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from timing import forget_text_memos  # noqa: E402  (benchmarks/timing.py)
_DIGITS = re.compile(r"\d+")

# stage -> the functions timed for it, as (module, attribute): the names through which
# api.parse_extracted and batch.audit_file call them.
STAGES = {
    "read": [("auditor.api", "read_report")],
    "normalize": [("auditor.api", "normalize")],
    "structure": [("auditor.api", "parse_structure"), ("auditor.api", "recognise_sections"),
                  ("auditor.api", "build_paragraphs")],
    "tables": [("auditor.parse.binder", "bind_t2"), ("auditor.parse.binder", "bind_t3"),
               ("auditor.parse.binder", "bind_t4")],
    "claims": [("auditor.parse.claims", "extract")],
    "region": [("auditor.api", "_detect_region")],
    "rules": [("auditor.engine.run", "audit_with_packs")],
}


@contextmanager
def clocked(clock, totals: dict[str, float]):
    """Within the block, each stage function adds its time to totals[stage]."""
    import importlib

    saved = []
    for stage, targets in STAGES.items():
        for modname, attr in targets:
            mod = importlib.import_module(modname)
            fn = getattr(mod, attr)
            saved.append((mod, attr, fn))

            def timed(*a, _fn=fn, _stage=stage, **k):
                t = clock()
                try:
                    return _fn(*a, **k)
                finally:
                    totals[_stage] += clock() - t

            setattr(mod, attr, timed)
    try:
        yield
    finally:
        for mod, attr, fn in saved:
            setattr(mod, attr, fn)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("files", nargs="*", type=Path)
    ap.add_argument("--repeat", type=int, default=100)
    ap.add_argument("--cpu", action="store_true", help="CPU time instead of wall-clock time (busy machines)")
    ap.add_argument("--warm-lines", action="store_true",
                    help="keep the parser's memos of lines seen before (each repetition is then all memo hits)")
    args = ap.parse_args()
    clock = time.process_time if args.cpu else time.perf_counter
    files = args.files or sorted((ROOT / "sample_reports").glob("*.txt"))

    from auditor import batch
    from auditor.config import Config, resolve
    from auditor.plugins import load_plugins

    loaded = load_plugins()
    cfg = Config()
    rules = resolve(loaded.rules, cfg)
    for f in files:  # first-use work (grammar tables, indexes) is not a report's
        batch.audit_file(f, rules, cfg, loaded)
    per_stage: dict[str, list[float]] = {}
    for f in files:
        samples: dict[str, list[float]] = {name: [] for name in ["floor", *STAGES, "(the rest)", "full audit"]}
        with batch.batch_collector():  # the collector's settings of `auditor check` (batch.run_check)
            for _ in range(args.repeat):
                t = clock()
                _DIGITS.findall(f.read_text(encoding="utf-8", errors="replace"))
                samples["floor"].append(clock() - t)
                if not args.warm_lines:
                    forget_text_memos()
                totals = dict.fromkeys(STAGES, 0.0)
                with clocked(clock, totals):
                    t = clock()
                    batch.audit_file(f, rules, cfg, loaded)
                    samples["full audit"].append(clock() - t)
                for name, spent in totals.items():
                    samples[name].append(spent)
                samples["(the rest)"].append(samples["full audit"][-1] - sum(totals.values()))
        for name, s in samples.items():
            per_stage.setdefault(name, []).append(statistics.median(s))
    print(f"clock: {'CPU time (process_time)' if args.cpu else 'wall clock (perf_counter)'}; "
          f"median over {len(files)} reports, ms; stages timed inside full audits")
    floor = statistics.median(per_stage["floor"])
    for name, values in per_stage.items():
        med = statistics.median(values)
        note = "  the full audit minus the stages, per audit" if name == "(the rest)" else ""
        print(f"{name:<12}{med * 1000:>8.3f}{med / floor:>8.1f}×{note}")

if __name__ == "__main__":
    sys.exit(main())
