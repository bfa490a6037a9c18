"""OFD fixtures (GB/T 33190): the seeds' PDF renderings (tools/fixtures.py `write_pdf`) turned into
OFD packages as a PDF-to-OFD converter does it — one TextObject per run of text (characters on one
baseline, same size, no gap: Boundary, Size, TextCode X/Y with DeltaX between the characters), one
PathObject per ruling line (AbbreviatedData "M … L …"), a font in PublicRes.xml — in the standard's
package structure: OFD.xml → Doc_0/Document.xml (CommonData: MaxUnitID, PageArea, PublicRes;
Pages) → Doc_0/Pages/Page_N/Content.xml (Content/Layer). Units are millimetres.

Options exercise what real producers vary: `ctm` writes text in a scaled object space with a CTM
(as converters that keep the PDF's text matrix do), `header_template` moves the running header
into a template page (CommonData/TemplatePage) that every page refers to.

Run `python -m tools.ofd OUTDIR` to write the OFD of every seed.
"""
from __future__ import annotations

import sys
import zipfile
from pathlib import Path

from tools import fixtures

NS = "http://www.ofdspec.org/2016"
MM_PER_PT = 25.4 / 72
_ASCENT = 0.88  # the PDF reader's character boxes: top = baseline - 0.88 × size
_STAMP = (2021, 1, 1, 0, 0, 0)  # fixed ZIP timestamps: the same input gives the same bytes


def _mm(v: float) -> str:
    return f"{v * MM_PER_PT:.3f}".rstrip("0").rstrip(".") or "0"


def _runs(chars: list[dict]) -> list[list[dict]]:
    """Characters in drawing order, cut where the baseline, the size or the spacing changes."""
    runs: list[list[dict]] = []
    for c in chars:
        last = runs[-1][-1] if runs else None
        if (last is None or abs(c["top"] - last["top"]) > 0.3 or abs(c["size"] - last["size"]) > 0.01
                or c["x0"] < last["x0"] or c["x0"] - last["x1"] > 0.5 * c["size"]):
            runs.append([c])
        else:
            runs[-1].append(c)
    return runs


def _delta_x(values: list[str]) -> str:
    """DeltaX with the standard's "g N v" for three or more equal steps in a row."""
    out: list[str] = []
    i = 0
    while i < len(values):
        j = i
        while j < len(values) and values[j] == values[i]:
            j += 1
        out.extend(["g", str(j - i), values[i]] if j - i >= 3 else values[i:j])
        i = j
    return " ".join(out)


class _Ids:
    def __init__(self):
        self.n = 0

    def __call__(self) -> str:
        self.n += 1
        return str(self.n)


def _text_object(E, ids, run: list[dict], font_id: str, ctm: float | None):
    first = run[0]
    size = first["size"]
    x0, top = first["x0"], first["top"]
    width = max(c["x1"] for c in run) - x0
    k = ctm or 1.0
    obj = E("TextObject", ID=ids(), Boundary=f"{_mm(x0)} {_mm(top)} {_mm(width)} {_mm(size)}", Font=font_id,
            Size=_mm(size / k))
    if ctm:
        obj.set("CTM", f"{ctm:g} 0 0 {ctm:g} 0 0")
    fill = E("FillColor", Value="0 0 0")
    obj.append(fill)
    code = E("TextCode", X="0", Y=_mm(_ASCENT * size / k))
    steps = [_mm((b["x0"] - a["x0"]) / k) for a, b in zip(run, run[1:])]
    if steps:
        code.set("DeltaX", _delta_x(steps))
    code.text = "".join(c["text"] for c in run)
    obj.append(code)
    return obj


def _path_object(E, ids, edge: dict):
    w, h = edge["x1"] - edge["x0"], edge["bottom"] - edge["top"]
    obj = E("PathObject", ID=ids(), Boundary=f"{_mm(edge['x0'])} {_mm(edge['top'])} {_mm(w)} {_mm(h)}",
            LineWidth="0.176")
    obj.append(E("StrokeColor", Value="0 0 0"))
    data = E("AbbreviatedData")
    data.text = f"M 0 0 L {_mm(w)} {_mm(h)}"
    obj.append(data)
    return obj


def pdf_to_ofd(pdf: Path | list[Path], path: Path, ctm: float | None = None,
               header_template: str | None = None) -> Path:
    """Write the OFD package of a text PDF (its characters and ruling lines, read with PDFium).
    A list of PDFs gives a package of several documents: one DocBody each, in order, the N-th in
    Doc_N/ (GB/T 33190 allows several; converters that bundle attachments write them so)."""
    from lxml import etree

    def E(tag, **attrs):
        return etree.Element(f"{{{NS}}}{tag}", attrs, nsmap={"ofd": NS})

    ofd = E("OFD", Version="1.0", DocType="OFD")
    parts: dict[str, bytes] = {"OFD.xml": b""}  # written last, kept first in the ZIP
    for n, one in enumerate(pdf if isinstance(pdf, list) else [pdf]):
        body = _sub(ofd, "DocBody")
        info = _sub(body, "DocInfo")
        _sub(info, "DocID", f"{n:032x}" if n else "a" * 32)
        _sub(info, "CreationDate", "2021-01-01")
        _sub(info, "Creator", "auditor fixtures")
        _sub(body, "DocRoot", f"Doc_{n}/Document.xml")
        parts.update(_document(E, one, f"Doc_{n}", ctm, header_template))
    parts["OFD.xml"] = _xml(ofd)
    write_package(path, parts)
    return path


def _sub(parent, tag, text=None, **attrs):
    from lxml import etree

    el = etree.SubElement(parent, f"{{{NS}}}{tag}", attrs)
    if text is not None:
        el.text = text
    return el


def _xml(root) -> bytes:
    from lxml import etree

    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _document(E, pdf: Path, folder: str, ctm: float | None, header_template: str | None) -> dict[str, bytes]:
    """The parts of one document (Document.xml, PublicRes.xml, pages, template) under `folder`."""
    from auditor.ingest.pdf import _pdfium_pages

    sub, xml = _sub, _xml
    ids = _Ids()
    font_id = ids()
    _count, pages, handle = _pdfium_pages(pdf.read_bytes(), 10_000, pdf)
    parts: dict[str, bytes] = {}
    page_ids: list[str] = []
    template = None  # (id, layer) of the template page
    size = None
    try:
        for n, (width, height, chars, edges) in enumerate(pages):
            size = size or (width, height)
            page = E("Page")
            tpl_ref = None
            if header_template:
                if template is None:
                    template = (ids(), E("Page"))
                    sub(sub(template[1], "Content"), "Layer", ID=ids(), Type="Background")
                tpl_ref = sub(page, "Template", TemplateID=template[0], ZOrder="Background")
            layer = sub(sub(page, "Content"), "Layer", ID=ids(), Type="Body")
            for run in _runs(chars):
                text = "".join(c["text"] for c in run).strip()
                if header_template and text == header_template:
                    if n == 0:
                        template[1][0][0].append(_text_object(E, ids, run, font_id, ctm))
                    continue
                layer.append(_text_object(E, ids, run, font_id, ctm))
            for edge in edges:
                layer.append(_path_object(E, ids, edge))
            if tpl_ref is not None and not len(template[1][0][0]):
                page.remove(tpl_ref)
            page_ids.append(ids())
            parts[f"{folder}/Pages/Page_{n}/Content.xml"] = xml(page)
    finally:
        handle.close()
    doc = E("Document")
    common = sub(doc, "CommonData")
    sub(common, "MaxUnitID", str(ids.n))
    sub(sub(common, "PageArea"), "PhysicalBox", f"0 0 {_mm(size[0])} {_mm(size[1])}")
    sub(common, "PublicRes", "PublicRes.xml")
    if template is not None:
        sub(common, "TemplatePage", ID=template[0], BaseLoc="Tpls/Tpl_0/Content.xml")
        parts[f"{folder}/Tpls/Tpl_0/Content.xml"] = xml(template[1])
    pages_el = sub(doc, "Pages")
    for n, pid in enumerate(page_ids):
        sub(pages_el, "Page", ID=pid, BaseLoc=f"Pages/Page_{n}/Content.xml")
    res = E("Res", BaseLoc="Res")
    sub(sub(res, "Fonts"), "Font", ID=font_id, FontName="STSong-Light", FamilyName="宋体")
    return {f"{folder}/Document.xml": xml(doc), f"{folder}/PublicRes.xml": xml(res), **parts}


def write_package(path: Path, parts: dict[str, bytes]) -> Path:
    """A ZIP of the given parts, in order, deflated, with fixed timestamps."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(zipfile.ZipInfo(name, _STAMP), data, compress_type=zipfile.ZIP_DEFLATED)
    return path


def write_ofd(report, path: Path, ctm: float | None = None, header_template: str | None = None,
              **pdf_options) -> Path:
    """The report's OFD, made from its PDF rendering (`pdf_options`: those of fixtures.write_pdf).
    Returns the OFD path; the PDF is written beside it (same stem, .pdf)."""
    pdf = fixtures.write_pdf(report, path.with_suffix(".pdf"), **pdf_options)
    return pdf_to_ofd(pdf, path, ctm=ctm, header_template=header_template)


def main(outdir: str) -> None:
    from auditor.api import parse_file

    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    for seed in fixtures.SEEDS:
        write_ofd(parse_file(seed), out / f"{seed.stem}.ofd")
    print(f"{len(fixtures.SEEDS)} OFD files written to {out}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "out/ofd")
