"""The compact, serializable view of one report that cross-report rules read.

`to_cross_data(report)` is what `report_record(..., with_cross=True)` stores under "cross" (and
`auditor check --format json --with-tables` writes), so last year's JSON output can stand in for
last year's reports: tables with every reading of ambiguous rows, the narrative paragraphs with
their line numbers, and the region-wide "共收到申请N件" figures of the narrative.
`CrossDoc.from_data` rebuilds the typed tables so the readings engine evaluates them as usual.
A report read (partly) by OCR also carries its OCR'd lines ("ocr"), so a finding that cites them —
in this batch or from last year's JSON — says it rests on OCR.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..model import Cell, Report, Row, Table, rests_on_ocr

CROSS_DATA_VERSION = 1

# A region-wide figure: the scope word shortly before the received-applications phrase.
_REGION_WORD = re.compile(r"(全县|全区|全市|全旗|全州|全盟|全省|全自治区)")


def _table_data(t: Table) -> dict:
    return {"found": t.found, "template": t.template, "line": t.line,
            "rows": {k: {"label": r.label, "line": r.line, "columns": r.columns,
                         "cells": {c: [cell.value, cell.raw, cell.line] for c, cell in r.cells.items()},
                         "readings": [list(rd) for rd in r.readings], "ambiguous": r.ambiguous}
                     for k, r in t.rows.items()}}


def _table_from(name: str, d: dict) -> Table:
    rows = {}
    for k, r in d.get("rows", {}).items():
        cells = {c: Cell(v[0], v[1], v[2]) for c, v in r.get("cells", {}).items()}
        rows[k] = Row(k, r.get("label", ""), r.get("line"), list(r.get("columns", [])), cells,
                      readings=[tuple(rd) for rd in r.get("readings", [])], ambiguous=r.get("ambiguous", False))
    return Table(name, d.get("template"), d.get("line"), rows, d.get("found", False))


def _region_claims(report: Report) -> list[dict]:
    out = []
    for c in report.narrative.claims:
        if c.metric != "app.received" or c.value is None or c.approx:
            continue
        pos = c.sentence.find(c.phrase)
        if pos < 0:
            continue
        m = None
        for m_ in _REGION_WORD.finditer(c.sentence[:pos]):
            m = m_
        # the scope word must govern this very figure: close before it, in the same clause
        if m is None or pos - m.end() > 12 or re.search(r"[，,；;。]", c.sentence[m.end():pos]):
            continue
        out.append({"value": c.value, "line": c.line, "phrase": c.phrase, "scope": m.group(0),
                    "sentence": c.sentence[:200]})
    return out


def to_cross_data(report: Report) -> dict:
    """The "cross" field of a report record (JSON-serializable)."""
    sections = [{"number": s.number, "title": s.title, "line": s.line,
                 "paragraphs": [[p.line, p.text] for p in s.paragraphs]} for s in report.sections]
    data = {"version": CROSS_DATA_VERSION, "organ": report.organ, "organ_kind": report.organ_kind,
            "region": report.region, "year": report.year, "template": report.template,
            "title": report.title, "title_line": report.title_line,
            "preamble": [[p.line, p.text] for p in report.preamble], "sections": sections,
            "tables": {k: _table_data(t) for k, t in report.tables.items()},
            "region_claims": _region_claims(report), "refs": _refs(report)}
    if report.ocr_pages:  # only then: the records of text reports stay as they were
        data["ocr"] = report.ocr_info
    return data


def _refs(report: Report) -> dict | None:
    """DOCX/HTML positions of the lines the record names (text files need none)."""
    if not report.refs:
        return None
    lines = {report.title_line} | {p.line for p in report.preamble}
    for s in report.sections:
        lines.add(s.line)
        lines.update(p.line for p in s.paragraphs)
    for t in report.tables.values():
        for r in t.rows.values():
            lines.add(r.line)
            lines.update(c.line for c in r.cells.values())
    return {str(n): report.ref(n) for n in sorted(x for x in lines if x)}


@dataclass
class CrossDoc:
    source: str
    organ: str | None
    organ_kind: str | None
    region: str | None
    year: int | None
    template: str | None
    title: str | None
    title_line: int | None
    preamble: list[tuple[int, str]]
    sections: list[dict]
    tables: dict[str, Table]
    region_claims: list[dict]
    refs: dict | None = None
    ocr: dict | None = None  # Report.ocr_info: lines read by OCR, which a finding citing them must say
    history: bool = False  # from --history: the other side of a comparison, never audited itself
    key: str | None = None  # normalized organ identity (identity.organ_key)
    _shingles: dict = field(default_factory=dict, repr=False)

    @classmethod
    def from_data(cls, source: str, data: dict, history: bool = False) -> "CrossDoc":
        return cls(source=source, organ=data.get("organ"), organ_kind=data.get("organ_kind"),
                   region=data.get("region"), year=data.get("year"), template=data.get("template"),
                   title=data.get("title"), title_line=data.get("title_line"),
                   preamble=[tuple(p) for p in data.get("preamble", [])],
                   sections=[{**s, "paragraphs": [tuple(p) for p in s.get("paragraphs", [])]}
                             for s in data.get("sections", [])],
                   tables={k: _table_from(k, t) for k, t in data.get("tables", {}).items()},
                   region_claims=data.get("region_claims", []), refs=data.get("refs"), ocr=data.get("ocr"),
                   history=history)

    @classmethod
    def from_report(cls, report: Report, history: bool = False) -> "CrossDoc":
        """The same document as `from_data(to_cross_data(report))`, sharing the report's tables."""
        sections = [{"number": s.number, "title": s.title, "line": s.line,
                     "paragraphs": [(p.line, p.text) for p in s.paragraphs]} for s in report.sections]
        return cls(source=report.source, organ=report.organ, organ_kind=report.organ_kind, region=report.region,
                   year=report.year, template=report.template, title=report.title, title_line=report.title_line,
                   preamble=[(p.line, p.text) for p in report.preamble], sections=sections,
                   tables=dict(report.tables), region_claims=_region_claims(report), refs=_refs(report),
                   ocr=report.ocr_info, history=history)

    def ref(self, line: int | None) -> str | None:
        if line is None:
            return None
        if self.refs and str(line) in self.refs:
            return self.refs[str(line)]
        return f"第{line}行"

    def section(self, number: int) -> dict | None:
        return next((s for s in self.sections if s["number"] == number), None)

    def paragraphs(self, numbers=None) -> list[tuple[int, str]]:
        """(line, text) of the narrative: the preamble and the sections (all, or those numbered)."""
        out = list(self.preamble) if numbers is None else []
        for s in self.sections:
            if numbers is None or s["number"] in numbers:
                out.extend(s["paragraphs"])
        return out

    def label(self) -> str:
        return f"{self.organ or '机关未识别'} {self.year or '年度未知'}年度报告"

    def related(self, line: int | None = None, excerpt: str | None = None, cells: list | None = None) -> dict:
        """The `Finding.related` entry pointing at this report; `"ocr": true` when what it cites
        (its line, its cells' lines) was read by OCR — the finding then says so (render.record.mark_ocr)."""
        rel = {"source": self.source, "organ": self.organ, "year": self.year, "line": line,
               "ref": self.ref(line), "excerpt": excerpt, "cells": cells or []}
        if rests_on_ocr(self.ocr, [line, *(c.get("line") for c in cells or () if isinstance(c, dict))]):
            rel["ocr"] = True
        return rel
