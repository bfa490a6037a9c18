"""Generate test fixtures from the seed reports: DOCX, HTML and PDF renderings, re-encoded copies,
and faulty variants. Run `python -m tools.fixtures OUTDIR` to write them all; the tests call the
functions directly into a temporary directory.

DOCX/HTML tables are built with the merge structure of the official blank template
(../shared/templates/2021-format-blank.docx): vertically merged group labels (三、本年度办理结果,
（三）不予公开 …), horizontally spanned rows (一、…, （七）总计), two-row headers. A cell that the
text version leaves undetermined is written blank.
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "sample_reports").glob("*.txt"))
BLANK_2021 = ROOT.parent / "shared" / "templates" / "2021-format-blank.docx"

T3_GROUPS = [  # (group label, keys) for the rows under 三、本年度办理结果
    ("（三）不予公开", [f"deny_{i}" for i in range(1, 9)]),
    ("（四）无法提供", [f"unable_{i}" for i in range(1, 4)]),
    ("（五）不予处理", [f"notproc_{i}" for i in range(1, 6)]),
    ("（六）其他处理", ["other_1", "other_2", "other_3"]),
]


def _cell_text(cell) -> str:
    if cell is None or cell.value is None:
        return ""
    return cell.raw if cell.raw else str(cell.value)


def _t2_spec(key: str) -> dict:
    from auditor.resources import load_toml

    return next(r for r in load_toml("templates/tables.toml")["t2"]["rows"] if r["key"] == key)


def _t2_column_labels(report, spec: dict) -> list[str]:
    labels = spec["column_labels"]
    return labels[report.t2.template if report.t2.template in labels else "2019"]


def _t3_layout(report):
    """Rows of the 表三 grid: (label cells spec, key). Label spec is one of
    ("span3", text) | ("span2", text) | ("group", group_text, leaf_text)."""
    from auditor.engine.declarative import _table_meta

    meta = {r["key"]: r for r in _table_meta("t3")["rows"]}
    keys = list(report.t3.rows)
    out = []
    for k in keys:
        label = meta[k]["label"]
        if k in ("new", "carried", "carried_forward"):
            out.append((("span3", label), k))
        elif k in ("granted", "partial", "total_processed", "other"):
            out.append((("span2", label), k))
        else:
            group = next(g for g, ks in T3_GROUPS if k in ks)
            leaf = label.split(" ", 1)[1] if " " in label else label
            out.append((("group", group, leaf), k))
    return out


def _paragraph_blocks(report):
    """(kind, text) blocks in document order: title, preamble, then per section heading + paragraphs,
    with a table marker after the headings of sections 2–4."""
    blocks = []
    if report.title:
        blocks.append(("title", report.title))
    for p in report.preamble:
        text = p.text
        if report.title and text.startswith(report.title):
            text = text[len(report.title):]  # the title line was joined into the first paragraph
        elif report.title_line and p.line <= report.title_line:
            continue
        if text.strip():
            blocks.append(("p", text.strip()))
    for s in report.sections:
        blocks.append(("h", s.title))
        if s.number in (2, 3, 4):
            blocks.append(("table", f"t{s.number}"))
        for p in s.paragraphs:
            if s.number in (2, 3, 4) and _is_table_text(p.text):
                continue
            blocks.append(("p", p.text))
    return blocks


def _is_table_text(text: str) -> bool:
    # Lines of the text extraction that belong to a table (labels, numbers) are rebuilt as a table.
    return "。" not in text


def table_grid(report, name: str) -> tuple[list[list[str]], list[tuple[int, int, int, int]]]:
    """The table as the official template lays it out: a grid of cell texts and the merged areas
    (first row, first column, last row, last column; inclusive). Every writer renders this grid."""
    rows: list[list[str]] = []
    spans: list[tuple[int, int, int, int]] = []

    def add(cells: list[str]) -> int:
        rows.append(cells)
        return len(rows) - 1

    if not report.tables[name].rows:
        return rows, spans
    if name == "t2":
        block = None
        for r in report.t2.rows.values():
            spec = _t2_spec(r.key)
            if spec["block"] != block:
                block = spec["block"]
                i = add([block, "", "", ""])
                spans.append((i, 0, i, 3))
                labels = _t2_column_labels(report, spec)
                i = add(["信息内容", *labels, *[""] * (3 - len(labels))])
                if len(labels) == 1:
                    spans.append((i, 1, i, 3))
            values = [_cell_text(r.cells[c]) for c in r.columns]
            i = add([r.label, *values, *[""] * (3 - len(values))])
            if len(values) == 1:
                spans.append((i, 1, i, 3))
    elif name == "t3":
        from auditor.engine.declarative import _table_meta

        add(["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "", "", "申请人情况"] + [""] * 6)
        add(["", "", "", "自然人", "法人或其他组织", "", "", "", "", "总计"])
        add(["", "", "", ""] + _table_meta("t3")["column_labels"][1:6] + [""])
        spans += [(0, 0, 2, 2), (0, 3, 0, 9), (1, 3, 2, 3), (1, 4, 1, 8), (1, 9, 2, 9)]
        first_result = last_result = None
        groups: dict[str, list[int]] = {}
        for spec, key in _t3_layout(report):
            values = [_cell_text(report.t3.rows[key].cells[c]) for c in report.t3.rows[key].columns]
            if spec[0] == "span3":
                i = add([spec[1], "", "", *values])
                spans.append((i, 0, i, 2))
                continue
            if spec[0] == "span2":
                i = add(["", spec[1], "", *values])
                spans.append((i, 1, i, 2))
            else:
                i = add(["", "" if spec[1] in groups else spec[1], spec[2], *values])
                groups.setdefault(spec[1], []).append(i)
            first_result = i if first_result is None else first_result
            last_result = i
        if first_result is not None:
            rows[first_result][0] = "三、本年度办理结果"
            spans.append((first_result, 0, last_result, 0))
        spans += [(ix[0], 1, ix[-1], 1) for ix in groups.values() if len(ix) > 1]
    else:
        t = report.t4
        labels = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
        add(["行政复议", "", "", "", "", "行政诉讼"] + [""] * 9)
        add(labels + ["未经复议直接起诉", "", "", "", "", "复议后起诉", "", "", "", ""])
        add([""] * 5 + labels * 2)
        values = []
        for g in ("review", "suit_direct", "suit_after_review"):
            values += [_cell_text(t.rows[g].cells[c]) for c in t.rows[g].columns]
        add(values)
        spans += [(0, 0, 0, 4), (0, 5, 0, 14), (1, 5, 1, 9), (1, 10, 1, 14)] + [(1, i, 2, i) for i in range(5)]
    return rows, spans


def _covered(spans, r: int, c: int) -> bool:
    """Inside a merged area but not its top-left cell."""
    return any(r0 <= r <= r1 and c0 <= c <= c1 and (r, c) != (r0, c0) for r0, c0, r1, c1 in spans)


def write_docx(report, path: Path) -> Path:
    import docx

    d = docx.Document()
    for kind, text in _paragraph_blocks(report):
        if kind != "table":
            d.add_paragraph(text)
            continue
        rows, spans = table_grid(report, text)
        if not rows:
            continue
        tbl = d.add_table(rows=len(rows), cols=len(rows[0]))
        for r, cells in enumerate(rows):
            for c, value in enumerate(cells):
                if value:
                    tbl.cell(r, c).text = value
        for r0, c0, r1, c1 in spans:
            text_ = tbl.cell(r0, c0).text
            tbl.cell(r0, c0).merge(tbl.cell(r1, c1)).text = text_
    d.save(path)
    return path


def fill_official_template(report, path: Path) -> Path:
    """Fill the official 2021 blank template (2021-format reports only) with the report's cells."""
    import docx

    d = docx.Document(str(BLANK_2021))
    t2, t3, t4 = d.tables
    for row in t2.rows:
        label = row.cells[0].text.strip()
        for r in report.t2.rows.values():
            if r.label.strip() == label or (label == "行政规范性文件" and r.key == "art20_1.normative"):
                for i, col in enumerate(r.columns):
                    row.cells[1 + i].text = _cell_text(r.cells[col])
    order = list(report.t3.rows)
    for i, key in enumerate(order):
        cells = t3.rows[3 + i].cells
        for j, col in enumerate(report.t3.rows[key].columns):
            cells[3 + j].text = _cell_text(report.t3.rows[key].cells[col])
    vals = []
    for g in ("review", "suit_direct", "suit_after_review"):
        vals += [_cell_text(report.t4.rows[g].cells[c]) for c in report.t4.rows[g].columns]
    for j, v in enumerate(vals):
        t4.rows[3].cells[j].text = v
    paras = d.paragraphs
    paras[0].text = report.title or ""
    bodies = {s.number: "\n".join(p.text for p in s.paragraphs if "。" in p.text) for s in report.sections}
    seen = 0
    for p in paras:
        if p.text.startswith("（文字描述"):
            seen += 1
            p.text = bodies.get({1: 1, 2: 5, 3: 6}[seen], "") if seen <= 3 else ""
    d.save(path)
    return path


def write_html(report, path: Path) -> Path:
    import html

    e = html.escape
    parts = ["<!DOCTYPE html><html><head><meta charset='utf-8'><title>", e(report.title or ""),
             "</title><style>td{border:1px solid #999}</style><script>var x='<table><tr><td>1</td></tr></table>';</script>"
             "</head><body><nav><a href='/'>首页</a> &gt; <a href='/zwgk'>政务公开</a></nav><div class='content'>"]
    for kind, text in _paragraph_blocks(report):
        if kind == "title":
            parts.append(f"<h1>{e(text)}</h1>")
        elif kind == "h":
            parts.append(f"<p><strong>{e(text)}</strong></p>")
        elif kind == "p":
            parts.append(f"<p>{e(text)}</p>")
        else:
            parts.append(_html_table(*table_grid(report, text)))
    parts.append("</div><footer>主办单位：示例 &nbsp; 网站标识码 1234</footer></body></html>")
    path.write_text("".join(parts), encoding="utf-8")
    return path


def _html_table(rows, spans) -> str:
    import html

    out = []
    for r, cells in enumerate(rows):
        tds = []
        for c, value in enumerate(cells):
            if _covered(spans, r, c):
                continue
            span = next(((r1 - r0 + 1, c1 - c0 + 1) for r0, c0, r1, c1 in spans if (r0, c0) == (r, c)), (1, 1))
            attrs = (f" rowspan='{span[0]}'" if span[0] > 1 else "") + (f" colspan='{span[1]}'" if span[1] > 1 else "")
            tds.append(f"<td{attrs}>{html.escape(value)}</td>")
        out.append("<tr>" + "".join(tds) + "</tr>")
    return "<table>" + "".join(out) + "</table>"


PDF_HEADER = "政府信息公开工作年度报告"  # running header on every page (a reader must drop it)


def write_pdf(report, path: Path, split_t3_after: str | None = None, repeat_header: bool = False,
              ruled: bool = True, canvasmaker=None) -> Path:
    """A text PDF drawn with reportlab and the built-in CID font STSong-Light (no font file needed):
    paragraphs wrap at the page width, tables have ruling lines and merged cells, every page has a
    running header and a "- N -" page number. `split_t3_after` ends 表三's first part after that row
    key and continues the table on the next page, as Word does: merged labels are cut at the page
    break, their continuation left blank; `repeat_header` repeats the three header rows there.
    `ruled=False` draws the tables without ruling lines (text aligned in columns only);
    `canvasmaker` replaces reportlab's canvas class (tools/office.py draws lines as rectangles)."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import cm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Table, TableStyle
    from xml.sax.saxutils import escape

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    body = ParagraphStyle("body", fontName="STSong-Light", fontSize=10.5, leading=16, firstLineIndent=21)
    head = ParagraphStyle("head", parent=body, firstLineIndent=0, spaceBefore=6)
    title = ParagraphStyle("title", parent=body, fontSize=15, leading=22, alignment=1, firstLineIndent=0)
    cell = ParagraphStyle("cell", fontName="STSong-Light", fontSize=7.5, leading=9)
    widths = {"t2": [5.2 * cm] + [3.9 * cm] * 3, "t3": [1.6 * cm, 2.0 * cm, 4.0 * cm] + [1.32 * cm] * 7,
              "t4": [1.12 * cm] * 15}

    def table(rows, spans, name):
        data = [[Paragraph(escape(v), cell) if v else "" for v in r] for r in rows]
        style = [("GRID", (0, 0), (-1, -1), 0.5, colors.black)] if ruled else []
        style += [("VALIGN", (0, 0), (-1, -1), "MIDDLE")]
        style += [("SPAN", (c0, r0), (c1, r1)) for r0, c0, r1, c1 in spans]
        return Table(data, colWidths=widths[name], style=TableStyle(style), hAlign="LEFT")

    story = []
    for kind, text in _paragraph_blocks(report):
        if kind == "title":
            story.append(Paragraph(escape(text), title))
        elif kind == "h":
            story.append(Paragraph(escape(text), head))
        elif kind == "p":
            story.append(Paragraph(escape(text), body))
        else:
            rows, spans = table_grid(report, text)
            if not rows:
                continue
            if text == "t3" and split_t3_after in report.t3.rows:
                k = 3 + list(report.t3.rows).index(split_t3_after) + 1
                first = [(r0, c0, min(r1, k - 1), c1) for r0, c0, r1, c1 in spans if r0 < k]
                off = 3 if repeat_header else 0
                rest_rows = (rows[:3] if repeat_header else []) + [list(r) for r in rows[k:]]
                rest = [(max(r0, k) - k + off, c0, r1 - k + off, c1) for r0, c0, r1, c1 in spans if r1 >= k]
                rest += [sp for sp in spans if sp[2] < 3] if repeat_header else []
                # A merged label's text stays in the first part; its continuation cell is blank.
                story += [table(rows[:k], first, "t3"), PageBreak(), table(rest_rows, rest, "t3")]
            else:
                story.append(table(rows, spans, text))

    def decorate(canvas, doc):
        canvas.saveState()
        canvas.setFont("STSong-Light", 9)
        canvas.drawCentredString(A4[0] / 2, A4[1] - 1.2 * cm, PDF_HEADER)
        canvas.drawCentredString(A4[0] / 2, 1.0 * cm, f"- {doc.page} -")
        canvas.restoreState()

    doc = SimpleDocTemplate(str(path), pagesize=A4, leftMargin=2 * cm, rightMargin=2 * cm, topMargin=2.2 * cm,
                            bottomMargin=2 * cm, title=report.title or "", author="auditor fixtures",
                            creator="auditor fixtures", invariant=1)
    doc.build(story, onFirstPage=decorate, onLaterPages=decorate, **({"canvasmaker": canvasmaker} if canvasmaker else {}))
    return path


def write_pdf_pages(path: Path, pages: list[str | None], password: str | None = None) -> Path:
    """A PDF with one page per entry: text drawn in the CID font, or (None) only drawn shapes —
    a page as a scan would give, without a text layer. `password` encrypts it (user password)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    encrypt = None
    if password:
        from reportlab.lib.pdfencrypt import StandardEncryption

        encrypt = StandardEncryption(password, ownerPassword=password + "-owner")
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1, encrypt=encrypt)
    for text in pages:
        if text is None:
            for i in range(40):  # grey bars standing in for a scanned image of text
                c.setFillGray(0.3 + (i % 3) * 0.1)
                c.rect(60, 780 - i * 18, 420 - (i * 37) % 150, 9, stroke=0, fill=1)
        else:
            c.setFont("STSong-Light", 11)
            for i, line in enumerate(text.split("\n")):
                c.drawString(60, 780 - i * 18, line)
        c.showPage()
    c.save()
    return path


def write_encodings(seed: Path, outdir: Path) -> tuple[Path, Path]:
    text = seed.read_text(encoding="utf-8")
    gb = outdir / (seed.stem + ".gb18030.txt")
    gb.write_bytes(text.encode("gb18030"))
    bom = outdir / (seed.stem + ".bom.txt")
    bom.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    return gb, bom


def main(outdir: str) -> None:
    from auditor.api import parse_file

    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    for seed in SEEDS:
        rep = parse_file(seed)
        write_docx(rep, out / (seed.stem + ".docx"))
        write_html(rep, out / (seed.stem + ".html"))
        write_pdf(rep, out / (seed.stem + ".pdf"))
        write_encodings(seed, out)
        if rep.template == "2021" and BLANK_2021.exists():
            fill_official_template(rep, out / (seed.stem + ".official.docx"))
    from tools.variants import write_all

    write_all(out / "variants")
    print(f"fixtures written to {out}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "out/fixtures")
