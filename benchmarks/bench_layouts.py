"""Benchmark: median parse time per report for each extraction layout of tools/layouts.py (plain
text, tab fields, Markdown, label typos, and `pdftotext -layout` output when poppler-utils is
installed), over the five seeds; plus the row-label matcher alone (alias index); and, per seed,
how many cells of the plain text's reading the `pdftotext -layout` reading knows too (known /
total / different — different must be 0). Speed is measured here, never in tests.

Cells, 表三 / 表四 of the pdftotext -layout output (poppler 22.12), before column placement by
offset: 84/161 0/15, 133/161 0/15, 161/173 15/15, 91/111 0/15, 140/161 0/15; after: all.

Usage: python benchmarks/bench_layouts.py [--repeat N]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))


from timing import median_time  # noqa: E402  (benchmarks/timing.py)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=20)
    args = ap.parse_args()

    from auditor.api import parse_file
    from auditor.parse.binder import RowMatcher, _templ
    from tools import layouts
    from tools.fixtures import SEEDS

    sys.path.insert(0, str(ROOT / "tests"))
    from test_formats import cells  # noqa: E402  (the cell values the layout tests compare)

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        files: dict[str, list[Path]] = {"text": list(SEEDS), "tab": [], "md": [], "typo": [], "layout": []}
        coverage_lines = []
        for seed in SEEDS:
            rep = parse_file(seed)
            paths = layouts.write_layouts(rep, out, seed.stem)
            files["tab"].append(paths["tab"])
            files["md"].append(paths["md"])
            if "layout" in paths:
                files["layout"].append(paths["layout"])
                cov = layouts.coverage(cells(rep), cells(parse_file(paths["layout"])))
                coverage_lines.append(f"{seed.stem[:3]}: " + "  ".join(
                    f"{t} {k}/{n} known, {w} different" for t, (k, n, w) in cov.items()))
            typo = out / f"{seed.stem}.typo.txt"
            typo.write_text(layouts.typo_text(seed.read_text(encoding="utf-8")), encoding="utf-8")
            files["typo"].append(typo)
        parse_file(SEEDS[0])  # warm caches (grammar, templates)
        print(f"{'layout':<8} {'median parse ms/report':>24}")
        for name, paths in files.items():
            if not paths:
                print(f"{name:<8} {'skipped (pdftotext not installed)':>24}")
                continue
            per = [median_time(lambda p=p: parse_file(p), args.repeat) for p in paths]
            print(f"{name:<8} {statistics.median(per) * 1000:>24.2f}")
        if coverage_lines:
            print("pdftotext -layout cells vs the plain text (known / the text knows, different):")
            for line in coverage_lines:
                print("  " + line)

    specs = _templ()["t3"]["rows"]
    labels = [r["label"] for r in specs] * 10

    def match_all():
        m = RowMatcher(specs)
        for label in labels:
            m.match(label)

    t = median_time(match_all, args.repeat)
    print(f"row matcher: {t / len(labels) * 1e6:.1f} µs per label ({len(specs)} template rows)")


if __name__ == "__main__":
    main()
