"""Write the seed reports (or any parsed report) in the extraction layouts found in the wild:
tab-separated text keeping empty cells as empty fields, Markdown pipe tables (as pandoc or
markdownify write them: label cells of merged areas expanded, `|---|` rule under the header),
real `pdftotext -layout` output of the PDF fixtures, and text edits of the seeds (typo'd labels).
Run `python -m tools.layouts OUTDIR` to write them all; the tests call the functions directly.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tools.fixtures import SEEDS, _covered, _paragraph_blocks, table_grid, write_pdf

PDFTOTEXT = shutil.which("pdftotext")

# Label typos (layout 5): (seed text, typo'd text) — a character dropped, doubled or replaced.
TYPOS = [
    ("属于国家秘密", "属于国家密"),       # dropped
    ("保护第三方合法权益", "保护第三方合法法权益"),  # doubled
    ("行政执法案卷", "行政执法案券"),      # replaced
]


def _grid_lines(report, name: str, sep: str, expand: bool) -> list[list[str]]:
    """The table grid as rows of cell texts; `expand` repeats a merged label cell's text in the
    cells it covers (what Markdown converters do), numbers are never repeated."""
    from auditor.parse.binder import is_value_token

    rows, spans = table_grid(report, name)
    out = []
    for r, cells in enumerate(rows):
        line = []
        for c, value in enumerate(cells):
            if expand and _covered(spans, r, c):
                r0, c0 = next((r0, c0) for r0, c0, r1, c1 in spans if r0 <= r <= r1 and c0 <= c <= c1)
                top = rows[r0][c0]
                value = "" if is_value_token(top) else top
            line.append(value)
        out.append(line)
    return out


def tab_text(report, swap_t3_columns: tuple[int, int] | None = None) -> str:
    """Text as copied from an HTML table or a spreadsheet: one tab field per grid column, empty
    cells (blank or covered by a merge) kept as empty fields. `swap_t3_columns` (grid column
    indices, 3–9 are the applicant columns) prints two 表三 columns in each other's place."""
    out = []
    for kind, text in _paragraph_blocks(report):
        if kind == "table":
            grid = _grid_lines(report, text, "\t", expand=False)
            if text == "t3" and swap_t3_columns:
                a, b = swap_t3_columns
                for cells in grid:
                    cells[a], cells[b] = cells[b], cells[a]
            out += ["\t".join(cells) for cells in grid]
        else:
            out.append(text)
    return "\n".join(out) + "\n"


def markdown_text(report) -> str:
    """Markdown: headings as `##`, paragraphs separated by blank lines, tables as pipe tables."""
    out = []
    for kind, text in _paragraph_blocks(report):
        if kind == "title":
            out += [f"# {text}", ""]
        elif kind == "h":
            out += [f"## {text}", ""]
        elif kind == "p":
            out += [text, ""]
        else:
            grid = _grid_lines(report, text, "|", expand=True)
            if not grid:
                continue
            for i, cells in enumerate(grid):
                out.append("| " + " | ".join(cells) + " |")
                if i == 0:
                    out.append("|" + "---|" * len(cells))
            out.append("")
    return "\n".join(out) + "\n"


def typo_text(seed_text: str) -> str:
    """The seed with every label of TYPOS misspelt (each occurs once in a table row)."""
    for good, bad in TYPOS:
        seed_text = seed_text.replace(good, bad)
    return seed_text


def pdftotext_layout(report, outdir: Path, stem: str, **pdf_options) -> Path:
    """Real `pdftotext -layout` output of the report's PDF fixture (needs poppler-utils)."""
    if PDFTOTEXT is None:
        raise RuntimeError("pdftotext (poppler-utils) is not installed")
    pdf = write_pdf(report, outdir / f"{stem}.pdf", **pdf_options)
    txt = outdir / f"{stem}.layout.txt"
    subprocess.run([PDFTOTEXT, "-layout", "-enc", "UTF-8", str(pdf), str(txt)], check=True, timeout=60)
    return txt


def coverage(expected: dict, got: dict) -> dict[str, tuple[int, int, int]]:
    """Per table: (cells known in both and equal, cells `expected` knows, cells that differ)."""
    out = {}
    for t, rows in expected.items():
        known = total = wrong = 0
        for key, values in rows.items():
            have = got.get(t, {}).get(key, [None] * len(values))
            for want, value in zip(values, have):
                if want is None:
                    continue
                total += 1
                known += value == want
                wrong += value is not None and value != want
        out[t] = (known, total, wrong)
    return out


def write_layouts(report, outdir: Path, stem: str) -> dict[str, Path]:
    outdir.mkdir(parents=True, exist_ok=True)
    paths = {"tab": outdir / f"{stem}.tab.txt", "md": outdir / f"{stem}.md"}
    paths["tab"].write_text(tab_text(report), encoding="utf-8")
    paths["md"].write_text(markdown_text(report), encoding="utf-8")
    if PDFTOTEXT:
        paths["layout"] = pdftotext_layout(report, outdir, stem)
    return paths


def main(outdir: str) -> None:
    from auditor.api import parse_file

    out = Path(outdir)
    for seed in SEEDS:
        write_layouts(parse_file(seed), out, seed.stem)
        (out / f"{seed.stem}.typo.txt").write_text(typo_text(seed.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"layouts written to {out}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "out/layouts")
