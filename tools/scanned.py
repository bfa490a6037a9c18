"""Scanned-PDF fixtures: text PDFs rasterized and wrapped back into image-only PDFs.

Each seed's text PDF (tools/fixtures.write_pdf, and LibreOffice's PDFs from tools/office.py when
soffice is installed) is rasterized with pdftoppm (poppler-utils) and every page image is written
into a PDF without a text layer (Pillow's PDF writer), as a scanner would produce:

    scan150  150 dpi, grayscale
    scan300  300 dpi, grayscale
    skewed   200 dpi, turned 0.7° and with speckle noise (a slightly crooked, dusty scan)

Expected: the OCR reading of every variant gives the cells of the text-layer reading of the same
PDF, or unknown (None) — never another number (benchmarks/bench_ocr.py, tests/test_ocr.py).

    python -m tools.scanned OUTDIR [--office]
"""
from __future__ import annotations

import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VARIANTS = {"scan150": (150, 0.0, 0.0), "scan300": (300, 0.0, 0.0), "skewed": (200, 0.7, 0.004)}
TIMEOUT_S = 120


def pdftoppm() -> str | None:
    return shutil.which("pdftoppm")


def rasterize(pdf: Path, dpi: int) -> list:
    """The pages of `pdf` as grayscale Pillow images at `dpi` (pdftoppm)."""
    from PIL import Image

    exe = pdftoppm()
    if exe is None:
        raise RuntimeError("pdftoppm (poppler-utils) is not installed")
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([exe, "-r", str(dpi), "-gray", "-png", str(pdf), f"{tmp}/p"], check=True,
                       timeout=TIMEOUT_S, capture_output=True)
        files = sorted(Path(tmp).glob("p-*.png"), key=lambda f: int(f.stem.split("-")[-1]))
        return [Image.open(f).convert("L").copy() for f in files]


def degrade(image, angle: float, noise: float, seed: int):
    """Turn `image` by `angle` degrees (white corners) and sprinkle a share `noise` of its pixels
    with dark or light specks; seeded, so a fixture is the same on every run."""
    from PIL import Image

    if angle:
        image = image.rotate(angle, resample=Image.BICUBIC, expand=False, fillcolor=255)
    if noise:
        rng = random.Random(seed)
        px = image.load()
        w, h = image.size
        for _ in range(int(w * h * noise)):
            x, y = rng.randrange(w), rng.randrange(h)
            px[x, y] = rng.choice((40, 90, 200))
    return image


def image_pdf(images: list, path: Path, dpi: int) -> Path:
    """An image-only PDF (no text layer), one page per image, page size from `dpi`."""
    first, rest = images[0], images[1:]
    first.save(path, "PDF", save_all=True, append_images=rest, resolution=float(dpi))
    return path


def scanned(pdf: Path, outdir: Path, variants=tuple(VARIANTS)) -> dict[str, Path]:
    """The scanned variants of one text PDF: {variant: path}."""
    out = {}
    for name in variants:
        dpi, angle, noise = VARIANTS[name]
        images = [degrade(im, angle, noise, seed=i) for i, im in enumerate(rasterize(pdf, dpi))]
        out[name] = image_pdf(images, outdir / f"{pdf.stem}.{name}.pdf", dpi)
    return out


def text_pdfs(outdir: Path, office: bool = False) -> dict[str, Path]:
    """The text PDFs the scans are made from: {name: path} — each seed's reportlab PDF, and its
    LibreOffice PDF when `office` and soffice is installed."""
    sys.path.insert(0, str(ROOT))
    from auditor.api import parse_file
    from tools.fixtures import SEEDS, write_pdf

    outdir.mkdir(parents=True, exist_ok=True)
    reports = {seed.stem: parse_file(seed) for seed in SEEDS}
    pdfs = {stem: write_pdf(rep, outdir / f"{stem}.pdf") for stem, rep in reports.items()}
    if office:
        from tools import office as office_tools

        ok, _why = office_tools.available()
        if ok:
            made = office_tools.office_pdfs(reports, outdir / "office", layouts=("a4",))
            pdfs.update({f"{stem}.office": path for (stem, _layout), path in made.items()})
    return pdfs


def main(argv: list[str]) -> None:
    outdir = Path(argv[0] if argv and not argv[0].startswith("-") else "out/scanned")
    for name, pdf in text_pdfs(outdir, office="--office" in argv).items():
        for variant, path in scanned(pdf, outdir).items():
            print(f"{name} {variant}: {path}")


if __name__ == "__main__":
    main(sys.argv[1:])
