"""Crawler-flattened renderings of the seeds and faulty variants (issue 10, layout 4).

A crawler that calls HTML get_text() without a separator joins every text node: headings, prose
and table cells run together, cells concatenated without spaces; rows from space-separated
extractions keep their single spaces. `flatten` does that to a plain-text report: all on one line,
or a few lines (the page's blocks) with `lines=N`.

    python -m tools.flattened OUTDIR   # writes flat-<seed>.txt and flat-<variant>.txt
"""
from __future__ import annotations

import sys
from pathlib import Path

from tools.variants import SEED_FILES, VARIANTS, variant_text


def flatten(text: str, lines: int = 1) -> str:
    """The report as get_text() would give it: table cells joined with "", lines joined with ""."""
    pieces = []
    for ln in text.split("\n"):
        cells = [c.strip() for c in ln.split("\t")]
        joined = "".join(c for c in cells if c)
        if joined:
            pieces.append(joined)
    if lines <= 1:
        return "".join(pieces) + "\n"
    # A few long lines: cut the sequence of pieces into `lines` blocks of similar size.
    total = sum(len(p) for p in pieces)
    out, cur, size = [], [], 0
    for p in pieces:
        cur.append(p)
        size += len(p)
        if size >= total / lines and len(out) < lines - 1:
            out.append("".join(cur))
            cur, size = [], 0
    out.append("".join(cur))
    return "\n".join(out) + "\n"


def seed_text(seed: str, lines: int = 1) -> str:
    return flatten(SEED_FILES[seed].read_text(encoding="utf-8"), lines)


def write_seed(seed: str, outdir: Path, lines: int = 1) -> Path:
    outdir.mkdir(parents=True, exist_ok=True)
    path = outdir / f"flat{lines}-{seed}.txt"
    path.write_text(seed_text(seed, lines), encoding="utf-8")
    return path


def write_variant(name: str, outdir: Path) -> Path:
    outdir.mkdir(parents=True, exist_ok=True)
    path = outdir / f"flat-{name}.txt"
    path.write_text(flatten(variant_text(name)), encoding="utf-8")
    return path


def main(outdir: str) -> None:
    out = Path(outdir)
    for seed in SEED_FILES:
        print(write_seed(seed, out))
    for name in VARIANTS:
        print(write_variant(name, out))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "flattened-fixtures")
