"""Text view of a parsed report (`auditor parse`)."""
from __future__ import annotations

from ..engine.declarative import column_name, row_name
from ..parse.claims import METRIC_LABELS


_KIND = {"txt": "文本文件", "docx": "Word 文件（docx）", "html": "网页文件（html）", "pdf": "PDF 文件"}


def render_report(rep, out) -> None:
    from ..findings import ORGAN_KIND_LABEL, TEMPLATE_LABEL
    from ..regions import known_regions
    from .html import _table_layout
    from .text import printable

    def w(s: str) -> None:  # text from the report is escaped before it reaches a terminal
        out.write(printable(s))
    # Codes (organ kind, region, template, t2 columns) are shown by their Chinese names.
    region = (f"{known_regions().get(rep.region, rep.region)}（{rep.region_basis}）" if rep.region_basis
              else known_regions().get(rep.region, rep.region)) if rep.region else "未识别"
    kind = ORGAN_KIND_LABEL.get(rep.organ_kind, "机关类型未识别") if rep.organ_kind else "机关类型未识别"
    w(f"文件：{rep.source}（{_KIND.get(rep.kind, rep.kind)}{'，' + rep.encoding + ' 编码' if rep.encoding else ''}）\n")
    w(f"标题：{rep.title or '未识别'}\n机关：{rep.organ or '未识别'}（{kind}）  地区：{region}  "
      f"年度：{rep.year or '未识别'}  格式：{TEMPLATE_LABEL.get(rep.template, '未识别') if rep.template else '未识别'}\n")
    t2_cols = _table_layout()["t2_cols"]
    w("章节：\n")
    for s in rep.sections:
        w(f"  {rep.ref(s.line)}  {s.title}\n")
    for name in ("t2", "t3", "t4"):
        t = rep.tables[name]
        w(f"{ {'t2': '表二', 't3': '表三', 't4': '表四'}[name]}：{'已找到' if t.found else '未找到'}"
          f"{'，' + TEMPLATE_LABEL.get(t.template, t.template) if t.template else ''}\n")
        for key, row in t.rows.items():
            label = row_name(name, key) if name != "t2" else row.label
            heads = t2_cols.get((t.template or "", key), {}) if name == "t2" else {}
            cells = "  ".join(f"{column_name(name, c) if name != 't2' else heads.get(c, c)}={_v(row.cells[c])}"
                              for c in row.columns)
            w(f"  {key:<24}{label}：{cells}{'  （多种读法）' if row.ambiguous else ''}\n")
    nar = rep.narrative
    if nar.claims or nar.rates or nar.breakdowns:
        w("正文数字：\n")
        for c in nar.claims:
            scope = f"  （不与表格比较：{c.scope}）" if not c.comparable else ""
            value = "无" if c.metric == "lit.none" else f"{c.value}{c.unit or ''}"
            w(f"  {rep.ref(c.line)}  {METRIC_LABELS.get(c.metric, c.metric)} = {value}  “{c.phrase}”{scope}\n")
        for r in nar.rates:
            counts = f"  （同句：{r.numerator.value}/{r.denominator.value}）" if r.numerator and r.denominator else ""
            w(f"  {rep.ref(r.line)}  比率 “{r.phrase.strip()}”{counts}\n")
        for b in nar.breakdowns:
            w(f"  {rep.ref(b.line)}  分项 {b.total.value} ⟵ {' + '.join(str(p.value) for p in b.parts)}\n")
    if rep.parse_notes:
        w("解析说明：\n")
        for n in rep.parse_notes:
            w(f"  {rep.ref(n.line) or ''} {n.message}\n")


def _v(cell) -> str:
    if cell.value is None:
        return "空白" if cell.raw == "" else ("?" if cell.raw is None else f"“{cell.raw}”")
    return str(cell.value)
