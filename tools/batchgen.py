"""Generate a batch of N distinct reports for batch tests and benchmarks: copies of the seed reports
with one narrative number varied per copy (so every file has different content and is audited,
not deduplicated), in mixed formats — text, and DOCX/HTML drawn by tools/fixtures.py.

Usage: python -m tools.batchgen OUTDIR N [--docx 0.15] [--html 0.15]

The varied number is the first number of the first body paragraph that has one; each faulty copy
states nothing new by design — findings may change only where that number is cross-checked.
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tools.fixtures import SEEDS, write_docx, write_html  # noqa: E402

_NUMBER = re.compile(r"\d+")


def _target(report):
    """The body paragraph whose first number is varied, and that number's text."""
    for sec in report.sections:
        for p in sec.paragraphs:
            m = _NUMBER.search(p.text)
            line = report.lines[p.line - 1] if 0 < p.line <= len(report.lines) else ""
            if m and m.group() in line and not re.search(r"20\d\d", m.group()):
                return p, m
    raise ValueError(f"{report.source}: no paragraph with a number")


def generate(outdir: Path, n: int, docx_share: float = 0.15, html_share: float = 0.15) -> list[Path]:
    """Write n reports into outdir; returns their paths (sorted)."""
    from auditor.api import parse_file

    outdir.mkdir(parents=True, exist_ok=True)
    seeds = [(seed, seed.read_text(encoding="utf-8"), parse_file(seed)) for seed in SEEDS]
    made = []
    n_docx, n_html = round(n * docx_share), round(n * html_share)
    for i in range(n):
        seed, text, report = seeds[i % len(seeds)]
        para, m = _target(report)
        value = str(int(m.group()) + 1 + i // len(seeds))
        kind = "docx" if i < n_docx else ("html" if i < n_docx + n_html else "txt")
        path = outdir / f"{i:05d}_{seed.stem[:3]}.{kind}"
        if kind == "txt":
            lines = text.split("\n")
            ln = para.line - 1
            lines[ln] = lines[ln].replace(m.group(), value, 1)
            path.write_text("\n".join(lines), encoding="utf-8")
        else:
            original = para.text
            para.text = original[:m.start()] + value + original[m.end():]
            try:
                (write_docx if kind == "docx" else write_html)(report, path)
            finally:
                para.text = original
        made.append(path)
    return sorted(made)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("outdir", type=Path)
    ap.add_argument("n", type=int)
    ap.add_argument("--docx", type=float, default=0.15, help="share of DOCX files")
    ap.add_argument("--html", type=float, default=0.15, help="share of HTML files")
    args = ap.parse_args(argv)
    made = generate(args.outdir, args.n, args.docx, args.html)
    print(f"{len(made)} reports in {args.outdir}")


if __name__ == "__main__":
    main()
