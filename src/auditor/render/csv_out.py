"""CSV output: one row per finding, UTF-8 with a BOM so that Excel opens the Chinese text."""
from __future__ import annotations

import csv
import json

from .text import SEV_LABEL

HEADER = ["报告文件", "机关", "年度", "规则", "级别", "类别", "问题描述", "位置", "表格", "行", "列", "原文行号",
          "期望", "实际", "法律依据", "规则包", "另一份报告", "文字识别"]


def location_text(loc: dict) -> str:
    if loc.get("ref"):
        return loc["ref"]
    return f"第{loc['line']}行" if loc.get("line") else ""


def cell_value(v):
    if v is None or isinstance(v, (int, float)):
        return v
    return no_formula(v if isinstance(v, str) else json.dumps(v, ensure_ascii=False))


def no_formula(s):
    """Text from a report must never become a spreadsheet formula (CSV/XLSX injection)."""
    return "'" + s if isinstance(s, str) and s[:1] in ("=", "+", "@", "\t", "\r") else s


def finding_row(record: dict, f: dict) -> list:
    prof = record.get("profile") or {}
    loc = f.get("location") or {}
    row = [record["source"], prof.get("organ"), prof.get("year"), f["rule"], SEV_LABEL.get(f["severity"], f["severity"]),
           f["category"], f["message"], location_text(loc), loc.get("table"), loc.get("row"), loc.get("column"),
           loc.get("line"), cell_value(f.get("expected")), cell_value(f.get("actual")), f.get("basis"), f["pack"],
           related_text(f.get("related") or []), ocr_text(record, f)]
    return [no_formula(v) for v in row]


def ocr_text(record: dict, f: dict) -> str:
    """The OCR mark of a finding row: empty unless the report was (partly) read by OCR."""
    if f.get("ocr"):
        return "是：据文字识别（OCR）结果，请与原件核对"
    return "否（报告部分页面由文字识别读取）" if record.get("ocr") else ""


def related_text(related: list[dict]) -> str:
    """The other side(s) of a cross-report finding: "文件（机关 年度）位置"; empty otherwise."""
    parts = []
    for rel in related:
        where = rel.get("ref") or (f"第{rel['line']}行" if rel.get("line") else "")
        parts.append(f"{rel.get('source')}（{rel.get('organ') or '机关未识别'} {rel.get('year') or ''}）{where}")
    return "；".join(parts)


class CsvWriter:
    def __init__(self, fh, bom: bool = True):
        if bom:
            fh.write("\ufeff")
        self.csv = csv.writer(fh)
        self.csv.writerow(HEADER)

    def write(self, record: dict) -> None:
        for f in record.get("findings") or []:
            self.csv.writerow(["" if v is None else v for v in finding_row(record, f)])
