"""Generate test fixtures from the seed reports: DOCX and HTML renderings, re-encoded copies, and
faulty variants. Run `python -m tools.fixtures OUTDIR` to write them all; the tests call the
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
        if report.title_line and p.line <= report.title_line:
            continue
        blocks.append(("p", p.text))
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


def write_docx(report, path: Path) -> Path:
    import docx

    d = docx.Document()
    for kind, text in _paragraph_blocks(report):
        if kind == "table":
            {"t2": _docx_t2, "t3": _docx_t3, "t4": _docx_t4}[text](d, report)
        else:
            d.add_paragraph(text)
    d.save(path)
    return path


def _docx_t2(d, report):
    rows = list(report.t2.rows.values())
    if not rows:
        return
    tbl = d.add_table(rows=0, cols=4)
    block = None
    for row in rows:
        spec = _t2_spec(row.key)
        if spec["block"] != block:
            block = spec["block"]
            cap = tbl.add_row().cells
            cap[0].merge(cap[3]).text = block
            hdr = tbl.add_row().cells
            hdr[0].text = "信息内容"
            labels = _t2_column_labels(report, spec)
            for i, lab in enumerate(labels):
                hdr[1 + i].text = lab
            if len(labels) == 1:
                hdr[1].merge(hdr[3])
        cells = tbl.add_row().cells
        cells[0].text = row.label
        for i, col in enumerate(row.columns):
            cells[1 + i].text = _cell_text(row.cells[col])
        if len(row.columns) == 1:
            cells[1].merge(cells[3])


def _docx_t3(d, report):
    if not report.t3.rows:
        return
    from auditor.engine.declarative import _table_meta

    meta = _table_meta("t3")
    tbl = d.add_table(rows=3, cols=10)
    h = tbl.rows
    h[0].cells[0].merge(h[2].cells[2]).text = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
    h[0].cells[3].merge(h[0].cells[9]).text = "申请人情况"
    h[1].cells[3].merge(h[2].cells[3]).text = "自然人"
    h[1].cells[4].merge(h[1].cells[8]).text = "法人或其他组织"
    h[1].cells[9].merge(h[2].cells[9]).text = "总计"
    for i, lab in enumerate(meta["column_labels"][1:6]):
        h[2].cells[4 + i].text = lab
    layout = _t3_layout(report)
    start_results = None
    group_start = {}
    for spec, key in layout:
        r = tbl.add_row()
        idx = len(tbl.rows) - 1
        cells = r.cells
        if spec[0] == "span3":
            cells[0].merge(cells[2]).text = spec[1]
        elif spec[0] == "span2":
            cells[1].merge(cells[2]).text = spec[1]
        else:
            group = spec[1]
            if group not in group_start:
                group_start[group] = idx
                cells[1].text = group
            cells[2].text = spec[2]
        if key not in ("new", "carried", "carried_forward") and start_results is None:
            start_results = idx
            cells[0].text = "三、本年度办理结果"
        row = report.t3.rows[key]
        for i, col in enumerate(row.columns):
            cells[3 + i].text = _cell_text(row.cells[col])
    # Vertical merges of the group label columns, as in the official template.
    end_results = len(tbl.rows) - 2 if layout and layout[-1][1] == "carried_forward" else len(tbl.rows) - 1
    if start_results is not None and end_results > start_results:
        top = tbl.cell(start_results, 0)
        text = top.text
        top.merge(tbl.cell(end_results, 0)).text = text
    for group, first in group_start.items():
        last = first
        while last + 1 < len(tbl.rows) and tbl.cell(last + 1, 1).text == "" and \
                any(tbl.cell(last + 1, 2).text.startswith(str(n)) for n in range(1, 9)):
            last += 1
        if last > first:
            text = tbl.cell(first, 1).text
            tbl.cell(first, 1).merge(tbl.cell(last, 1)).text = text


def _docx_t4(d, report):
    t = report.t4
    if not t.rows:
        return
    tbl = d.add_table(rows=4, cols=15)
    r = tbl.rows
    r[0].cells[0].merge(r[0].cells[4]).text = "行政复议"
    r[0].cells[5].merge(r[0].cells[14]).text = "行政诉讼"
    labels = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    for i, lab in enumerate(labels):
        r[1].cells[i].merge(r[2].cells[i]).text = lab
        r[2].cells[5 + i].text = lab
        r[2].cells[10 + i].text = lab
    r[1].cells[5].merge(r[1].cells[9]).text = "未经复议直接起诉"
    r[1].cells[10].merge(r[1].cells[14]).text = "复议后起诉"
    for gi, g in enumerate(("review", "suit_direct", "suit_after_review")):
        row = t.rows[g]
        for i, col in enumerate(row.columns):
            r[3].cells[gi * 5 + i].text = _cell_text(row.cells[col])


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
            parts.append(_html_table(report, text))
    parts.append("</div><footer>主办单位：示例 &nbsp; 网站标识码 1234</footer></body></html>")
    path.write_text("".join(parts), encoding="utf-8")
    return path


def _html_table(report, name: str) -> str:
    import html

    e = html.escape
    rows = []
    if name == "t2":
        block = None
        for r in report.t2.rows.values():
            spec = _t2_spec(r.key)
            if spec["block"] != block:
                block = spec["block"]
                rows.append(f"<tr><td colspan='4'>{e(block)}</td></tr>")
                labels = _t2_column_labels(report, spec)
                span = " colspan='3'" if len(labels) == 1 else ""
                rows.append("<tr><td>信息内容</td>" + "".join(f"<td{span}>{e(x)}</td>" for x in labels) + "</tr>")
            span = " colspan='3'" if len(r.columns) == 1 else ""
            rows.append(f"<tr><td>{e(r.label)}</td>" + "".join(
                f"<td{span}>{e(_cell_text(r.cells[c]))}</td>" for c in r.columns) + "</tr>")
    elif name == "t3":
        rows.append("<tr><td colspan='3' rowspan='3'>（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）</td>"
                    "<td colspan='7'>申请人情况</td></tr>")
        rows.append("<tr><td rowspan='2'>自然人</td><td colspan='5'>法人或其他组织</td><td rowspan='2'>总计</td></tr>")
        rows.append("<tr><td>商业企业</td><td>科研机构</td><td>社会公益组织</td><td>法律服务机构</td><td>其他</td></tr>")
        layout = _t3_layout(report)
        n_results = sum(1 for _s, k in layout if k not in ("new", "carried", "carried_forward"))
        first_result = True
        group_sizes = {}
        for spec, _k in layout:
            if spec[0] == "group":
                group_sizes[spec[1]] = group_sizes.get(spec[1], 0) + 1
        seen_groups = set()
        for spec, key in layout:
            tds = []
            if key not in ("new", "carried", "carried_forward") and first_result:
                tds.append(f"<td rowspan='{n_results}'>三、本年度办理结果</td>")
                first_result = False
            if spec[0] == "span3":
                tds.append(f"<td colspan='3'>{e(spec[1])}</td>")
            elif spec[0] == "span2":
                tds.append(f"<td colspan='2'>{e(spec[1])}</td>")
            else:
                if spec[1] not in seen_groups:
                    seen_groups.add(spec[1])
                    tds.append(f"<td rowspan='{group_sizes[spec[1]]}'>{e(spec[1])}</td>")
                tds.append(f"<td>{e(spec[2])}</td>")
            row = report.t3.rows[key]
            tds += [f"<td>{e(_cell_text(row.cells[c]))}</td>" for c in row.columns]
            rows.append("<tr>" + "".join(tds) + "</tr>")
    else:
        t = report.t4
        labels = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
        rows.append("<tr><td colspan='5'>行政复议</td><td colspan='10'>行政诉讼</td></tr>")
        rows.append("<tr>" + "".join(f"<td rowspan='2'>{x}</td>" for x in labels)
                    + "<td colspan='5'>未经复议直接起诉</td><td colspan='5'>复议后起诉</td></tr>")
        rows.append("<tr>" + "".join(f"<td>{x}</td>" for x in labels * 2) + "</tr>")
        vals = []
        for g in ("review", "suit_direct", "suit_after_review"):
            vals += [_cell_text(t.rows[g].cells[c]) for c in t.rows[g].columns]
        rows.append("<tr>" + "".join(f"<td>{e(v)}</td>" for v in vals) + "</tr>")
    return "<table>" + "".join(rows) + "</table>"


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
        write_encodings(seed, out)
        if rep.template == "2021" and BLANK_2021.exists():
            fill_official_template(rep, out / (seed.stem + ".official.docx"))
    from tools.variants import write_all

    write_all(out / "variants")
    print(f"fixtures written to {out}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "out/fixtures")
