"""OCR of scanned PDFs: cells right / unknown / WRONG against the text-layer reading, seconds per page.

Fixtures (tools/scanned.py): each seed's text PDF (and LibreOffice's with --office) rasterized at
150 and 300 dpi and a 200 dpi one turned 0.7° with speckle noise, wrapped back into image-only
PDFs. Each scan is recognized once; the reading is then rebuilt for several confidence
thresholds (ingest/ocr.py MIN_CONFIDENCE) to show where wrong numbers stop and unknowns start.

For every table cell of the text-layer reading (表二, 表三, 表四): right (same value, or both
blank), unknown (OCR reading None where the text has a number, or the row not found), WRONG (a
number other than the text's). Target: ≥ 99 % right, 0 WRONG.

Seconds per page: wall time and process CPU time (all threads; steady when the machine is shared).

Usage: python benchmarks/bench_ocr.py [--office] [--variants scan300,scan150,skewed]
       [--thresholds 0,0.5,0.7,0.8,0.9] [--seeds 003,004 or office] [--repeat-check] [--misses]
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


def all_cells(rep) -> dict:
    return {(name, key, col): cell for name, table in rep.tables.items() for key, row in table.rows.items()
            for col, cell in row.cells.items()}


def cells(rep) -> dict:
    return {k: cell.value for k, cell in all_cells(rep).items()}


def compare(ref: dict, got: dict) -> tuple[int, int, list]:
    right, unknown, wrong = 0, 0, []
    for k, v in ref.items():
        g = got.get(k)
        if g == v:
            right += 1
        elif g is None:
            unknown += 1
        else:
            wrong.append((k, v, g))
    return right, unknown, wrong


class Memo:
    """ocr.recognize memoized per (fixture, page): a scan is recognized once, read many times.
    `cpu` holds each recognition's process CPU time (all threads): unlike wall time, it does not
    grow when other jobs share the machine."""

    def __init__(self, recognize):
        self.recognize, self.store, self.cpu, self.key, self.n = recognize, {}, {}, None, 0

    def start(self, key):
        self.key, self.n = key, 0

    def __call__(self, page):
        k = (self.key, self.n)
        self.n += 1
        if k not in self.store:
            started = time.process_time()
            self.store[k] = self.recognize(page)
            self.cpu[k] = time.process_time() - started
        return self.store[k]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--office", action="store_true")
    ap.add_argument("--variants", default="scan300,scan150,skewed")
    ap.add_argument("--thresholds", default="0,0.5,0.7,0.8,0.9")
    ap.add_argument("--seeds", default="")
    ap.add_argument("--no-reread", action="store_true", help="skip the second reading of short boxes")
    ap.add_argument("--repeat-check", action="store_true", help="recognize the first scan twice, compare")
    ap.add_argument("--misses", action="store_true", help="list every cell not right: key, text value, OCR raw")
    args = ap.parse_args()

    from auditor.api import parse_file
    from auditor.ingest import ocr
    from tools import scanned

    if not ocr.available():
        sys.exit("the ocr extra is not installed: pip install '.[ocr]'")
    ocr.REREAD = not args.no_reread
    memo = Memo(ocr.recognize)
    ocr.recognize = memo
    thresholds = [float(t) for t in args.thresholds.split(",")]
    totals = {t: [0, 0, 0] for t in thresholds}
    seconds: dict[str, list[float]] = {}
    cpu: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        pdfs = scanned.text_pdfs(Path(tmp), office=args.office)
        if args.seeds:
            pdfs = {k: v for k, v in pdfs.items() if any(s in k for s in args.seeds.split(","))}
        for name, pdf in pdfs.items():
            ref = cells(parse_file(pdf))
            for variant, path in scanned.scanned(pdf, Path(tmp), args.variants.split(",")).items():
                for t in thresholds:
                    ocr.MIN_CONFIDENCE = t
                    memo.start((name, variant))
                    scan = parse_file(path)
                    got = cells(scan)
                    raw = {k: c.raw for k, c in all_cells(scan).items()}
                    right, unknown, wrong = compare(ref, got)
                    for i, n in enumerate((right, unknown, len(wrong))):
                        totals[t][i] += n
                    print(f"{name:28s} {variant:8s} t={t:<4g} cells {len(ref):4d} right {right:4d} "
                          f"unknown {unknown:3d} WRONG {len(wrong)}" + (f"  {wrong[:4]}" if wrong else ""), flush=True)
                    if args.misses:
                        for k in (k for k, v in ref.items() if got.get(k) != v):
                            print(f"    {k}: text {ref[k]!r}, OCR {raw.get(k)!r}")
                seconds.setdefault(variant, []).extend(
                    r.seconds for (key, _n), r in memo.store.items() if key == (name, variant))
                cpu.setdefault(variant, []).extend(s for (key, _n), s in memo.cpu.items() if key == (name, variant))
        if args.repeat_check and memo.store:
            import pypdfium2 as pdfium

            (name, variant), _n = next(iter(memo.store))
            path = Path(tmp) / f"{Path(pdfs[name]).stem}.{variant}.pdf"
            doc = pdfium.PdfDocument(path.read_bytes())
            again = memo.recognize(doc[0])
            first = memo.store[((name, variant), 0)]
            same = [(i[1], i[2]) for i in again.items] == [(i[1], i[2]) for i in first.items]
            print(f"determinism: {name} {variant} page 1 recognized twice: {'same' if same else 'DIFFERENT'}")
    print()
    for t, (right, unknown, wrong) in totals.items():
        n = right + unknown + wrong
        print(f"threshold {t:<4g}: {n} cells, right {right} ({100 * right / max(n, 1):.2f} %), "
              f"unknown {unknown}, WRONG {wrong}")
    for variant, secs in seconds.items():
        print(f"{variant}: {len(secs)} pages, median {statistics.median(secs):.1f} s/page, "
              f"mean {statistics.mean(secs):.1f} s/page (wall); CPU median {statistics.median(cpu[variant]):.1f} "
              f"s/page, mean {statistics.mean(cpu[variant]):.1f} s/page")


if __name__ == "__main__":
    main()
