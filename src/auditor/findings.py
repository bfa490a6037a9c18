"""Findings and not-assessable outcomes: what rules yield (data contract, architecture.md §4)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SEVERITIES = ("error", "warning", "info")
# How sure we are of a rule's basis: the pack's status code → the tag users see.
#   verified  已核实 – the legal text or the official template says it
#   practice  据实践 – seen in real reports or corroborated by several regional notices
#   inferred  推定   – inferred from the template's structure or recalled, not verified
STATUS_TAG = {"V": "verified", "V-seed": "practice", "C": "practice", "R": "inferred", "I": "inferred"}
STATUS_LABEL = {"verified": "已核实", "practice": "据实践", "inferred": "推定"}
SEVERITY_RANK = {"info": 1, "warning": 2, "error": 3}
# Chinese names of the codes users would otherwise read (text, parse, explain, skip reasons).
SEVERITY_LABEL = {"error": "错误", "warning": "警告", "info": "提示"}
CATEGORY_LABEL = {"section": "章节", "template": "格式版本", "table": "表格", "totals": "表格合计",
                  "text-table": "正文与表格", "text": "正文", "date": "日期", "content": "内容",
                  "parse": "解析", "cross-report": "跨报告"}
ORGAN_KIND_LABEL = {"township": "乡镇、街道", "gov_office": "政府办公室（厅）", "gov_county_plus": "县级以上人民政府",
                    "department": "政府部门", "other": "其他机关"}
TEMPLATE_LABEL = {"2019": "2019 年版格式", "2021": "2021 年版格式", "mixed": "新旧格式混用"}
CATEGORIES = ("section", "template", "table", "totals", "text-table", "text", "date", "content", "parse",
              "cross-report")


@dataclass
class Finding:
    rule: str
    pack: str
    severity: str
    category: str
    message: str
    location: dict[str, Any] = field(default_factory=dict)
    expected: Any = None
    actual: Any = None
    evidence: list[dict[str, Any]] = field(default_factory=list)
    basis: str = ""
    formula: str | None = None
    # Cross-report findings: the other reports involved, each {"source", "organ", "year", "line",
    # "ref", "excerpt", "cells"}; `location` is the place in this finding's own report.
    related: list[dict[str, Any]] = field(default_factory=list)
    status: str | None = None  # STATUS_TAG value of the rule's basis

    def to_dict(self) -> dict:
        d = {"rule": self.rule, "pack": self.pack, "severity": self.severity, "category": self.category,
             "message": self.message, "location": self.location, "expected": self.expected,
             "actual": self.actual, "evidence": self.evidence, "basis": self.basis}
        if self.formula:
            d["formula"] = self.formula
        if self.related:
            d["related"] = self.related
        if self.status:
            d["status"] = self.status
        return d

    def sort_key(self):
        return (-SEVERITY_RANK[self.severity], self.location.get("line") or 0, self.rule)


@dataclass
class NotAssessable:
    rule: str
    pack: str
    reason: str  # Chinese
    location: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"rule": self.rule, "pack": self.pack, "reason": self.reason, "location": self.location}
