"""XLSX output for supervisors (openpyxl, write-only so a large batch streams to disk).

Sheets: 汇总 (one row per report), 问题清单 (one row per finding, filters and frozen header),
规则统计 (per rule: findings and reports failing it), 表三数据 (every report's 表三 cells as read,
one row per report and table row), 无法读取 (unreadable files and the reason).
"""
from __future__ import annotations

from collections import Counter

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from .csv_out import HEADER as FINDING_HEADER
from .csv_out import finding_row, no_formula
from ..findings import TEMPLATE_LABEL
from .text import ORGAN_KIND, SEV_LABEL

T3_COLUMNS = ["natural", "commercial", "research", "social", "legal", "other", "total"]
T3_COLUMN_LABELS = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]

SUMMARY_HEADER = ["报告文件", "机关", "机关类型", "年度", "地区", "格式", "规则包", "错误", "警告", "提示",
                  "无法读取", "无法评估项", "问题清单", "未能加载的插件或规则包", "文字识别"]
T3_HEADER = ["报告文件", "机关", "年度", "行键", "行标签", *T3_COLUMN_LABELS, "原文行号"]
RULES_HEADER = ["规则", "级别", "类别", "规则包", "问题数", "涉及报告数"]
UNREADABLE_HEADER = ["报告文件", "原因"]

SEV_FILL = {"error": PatternFill("solid", fgColor="F8CBAD"), "warning": PatternFill("solid", fgColor="FFE699"),
            "info": PatternFill("solid", fgColor="DDEBF7")}
HEAD_FILL = PatternFill("solid", fgColor="D9D9D9")
WIDTHS = {"报告文件": 40, "机关": 24, "问题描述": 60, "法律依据": 40, "位置": 22, "行标签": 36, "原因": 50,
          "问题清单": 12, "规则": 22, "机关类型": 14, "未能加载的插件或规则包": 50}


class XlsxWriter:
    def __init__(self):
        self.wb = Workbook(write_only=True)
        self.summary = self._sheet("汇总", SUMMARY_HEADER)
        self.findings = self._sheet("问题清单", FINDING_HEADER)
        self.rules = self._sheet("规则统计", RULES_HEADER)
        self.t3 = self._sheet("表三数据", T3_HEADER)
        self.unreadable = self._sheet("无法读取", UNREADABLE_HEADER)
        self.finding_rows = 1
        self.counts: dict[str, int] = {"汇总": 1, "表三数据": 1, "无法读取": 1}
        self.rule_findings: Counter = Counter()
        self.rule_reports: Counter = Counter()
        self.rule_meta: dict = {}

    def _sheet(self, title: str, header: list[str]):
        ws = self.wb.create_sheet(title)
        for i, h in enumerate(header, 1):
            ws.column_dimensions[get_column_letter(i)].width = WIDTHS.get(h, max(8, 2 * len(h) + 2))
        ws.freeze_panes = "A2"
        row = []
        for h in header:
            c = WriteOnlyCell(ws, value=h)
            c.font, c.fill = Font(bold=True), HEAD_FILL
            c.alignment = Alignment(vertical="center")
            row.append(c)
        ws.append(row)
        ws._auditor_width = len(header)
        return ws

    def write(self, record: dict) -> None:
        prof = record.get("profile") or {}
        findings = record.get("findings") or []
        if record.get("error"):
            self.unreadable.append([no_formula(record["source"]), no_formula(record["error"])])
            self.counts["无法读取"] += 1
        counts = Counter(f["severity"] for f in findings)
        first_row = self.finding_rows + 1
        link = None
        if findings:
            # Write-only sheets drop cell hyperlinks; the HYPERLINK formula (built here, never from
            # report text) jumps to the report's first row in 问题清单.
            link = WriteOnlyCell(self.summary, value=f'=HYPERLINK("#\'问题清单\'!A{first_row}","第 {first_row} 行")')
            link.font = Font(color="0563C1", underline="single")
        dup = record.get("duplicate_of")
        self.summary.append([no_formula(record["source"]), no_formula(prof.get("organ")),
                             ORGAN_KIND.get(prof.get("organ_kind"), prof.get("organ_kind")) if prof else None,
                             prof.get("year"), _region_name(prof.get("region")),
                             TEMPLATE_LABEL.get(prof.get("template"), prof.get("template")),
                             "、".join(record.get("packs") or []) or (f"与 {dup} 相同" if dup else None),
                             counts["error"], counts["warning"], counts["info"],
                             "是" if record.get("error") else "否", len(record.get("not_assessable") or []), link,
                             no_formula("；".join(record.get("load_problems") or [])) or None,
                             (record["ocr"]["notice"] if record.get("ocr") else None)])
        self.counts["汇总"] += 1
        seen = set()
        for f in findings:
            row = []
            for v in finding_row(record, f):
                c = WriteOnlyCell(self.findings, value=v)
                row.append(c)
            row[4].fill = SEV_FILL.get(f["severity"], HEAD_FILL)
            self.findings.append(row)
            self.finding_rows += 1
            self.rule_findings[f["rule"]] += 1
            self.rule_meta.setdefault(f["rule"], (f["severity"], f["category"], f["pack"]))
            if f["rule"] not in seen:
                seen.add(f["rule"])
                self.rule_reports[f["rule"]] += 1
        t3 = (record.get("tables") or {}).get("t3") or {}
        for key, row in (t3.get("rows") or {}).items():
            cells = row.get("cells") or {}
            values = [(cells.get(col) or {}).get("value") for col in T3_COLUMNS]
            self.t3.append([no_formula(record["source"]), no_formula(prof.get("organ")), prof.get("year"), key,
                            no_formula(row.get("label")), *values, row.get("line")])
            self.counts["表三数据"] += 1

    def save(self, fh) -> None:
        for rule in sorted(self.rule_findings, key=lambda r: (-self.rule_reports[r], r)):
            sev, cat, pack = self.rule_meta[rule]
            c = WriteOnlyCell(self.rules, value=SEV_LABEL.get(sev, sev))
            c.fill = SEV_FILL.get(sev, HEAD_FILL)
            self.rules.append([rule, c, cat, pack, self.rule_findings[rule], self.rule_reports[rule]])
        for ws, n in ((self.summary, self.counts["汇总"]), (self.findings, self.finding_rows),
                      (self.rules, len(self.rule_findings) + 1), (self.t3, self.counts["表三数据"]),
                      (self.unreadable, self.counts["无法读取"])):
            ws.auto_filter.ref = f"A1:{get_column_letter(ws._auditor_width)}{max(n, 1)}"
        self.wb.save(fh)


def _region_name(code):
    from ..regions import known_regions

    return known_regions().get(code, code) if code else None
