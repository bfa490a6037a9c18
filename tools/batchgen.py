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


_MARK = "\u27e6N\u27e7"  # stands for the varied number in the drawn DOCX/HTML of each seed


def _drawn(report, para, m, kind: str, folder: Path) -> bytes:
    """The seed drawn once as DOCX or HTML with a marker in place of the varied number."""
    original = para.text
    para.text = original[:m.start()] + _MARK + original[m.end():]
    path = folder / f"base.{kind}"
    try:
        (write_docx if kind == "docx" else write_html)(report, path)
    finally:
        para.text = original
    data = path.read_bytes()
    path.unlink()
    return data


def _docx_with(base: bytes, value: str) -> bytes:
    import io
    import zipfile

    src = zipfile.ZipFile(io.BytesIO(base))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "word/document.xml":
                data = data.replace(_MARK.encode("utf-8"), value.encode("utf-8"))
            dst.writestr(item, data)
    return out.getvalue()


def generate(outdir: Path, n: int, docx_share: float = 0.15, html_share: float = 0.15) -> list[Path]:
    """Write n reports into outdir; returns their paths (sorted). Each seed is drawn once per
    format; copies differ only in the varied number."""
    from auditor.api import parse_file

    outdir.mkdir(parents=True, exist_ok=True)
    seeds = []
    for seed in SEEDS:
        report = parse_file(seed)
        para, m = _target(report)
        seeds.append((seed, seed.read_text(encoding="utf-8"), report, para, m, {}))
    made = []
    n_docx, n_html = round(n * docx_share), round(n * html_share)
    for i in range(n):
        seed, text, report, para, m, drawn = seeds[i % len(seeds)]
        value = str(int(m.group()) + 1 + i // len(seeds))
        kind = "docx" if i < n_docx else ("html" if i < n_docx + n_html else "txt")
        path = outdir / f"{i:05d}_{seed.stem[:3]}.{kind}"
        if kind == "txt":
            lines = text.split("\n")
            ln = para.line - 1
            lines[ln] = lines[ln].replace(m.group(), value, 1)
            path.write_text("\n".join(lines), encoding="utf-8")
        else:
            if kind not in drawn:
                drawn[kind] = _drawn(report, para, m, kind, outdir)
            if kind == "docx":
                path.write_bytes(_docx_with(drawn[kind], value))
            else:
                path.write_bytes(drawn[kind].replace(_MARK.encode("utf-8"), value.encode("utf-8")))
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
