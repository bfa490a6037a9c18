"""Typed report model. `Report.to_dict()` is the stable data contract (architecture.md §4)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator

SCHEMA_VERSION = "1.1"

Number = int | float


def rests_on_ocr(ocr: dict | None, cited) -> bool:
    """Whether something citing lines `cited` of a report rests on its OCR'd text; `ocr` is the
    report's `Report.ocr_info` (None: nothing was OCR'd). A citation of no line at all (an absence,
    "缺少某部分") may be OCR's doing too."""
    if not ocr:
        return False
    cited = [ln for ln in cited if isinstance(ln, int)]
    return bool(ocr.get("whole")) or not cited or bool(set(cited) & set(ocr.get("lines") or ()))


@dataclass(slots=True)  # (many per report: one per table cell)
class Cell:
    value: Number | None  # None when blank, non-numeric or not determined by the source
    raw: str | None  # the text as printed; None when no text can be tied to this cell
    line: int | None
    source: str | None = None  # "ocr" when the cell was read from text recognized by OCR

    def to_dict(self) -> dict:
        d = {"value": self.value, "raw": self.raw, "line": self.line}
        if self.source:
            d["source"] = self.source
        return d


@dataclass(slots=True)
class Row:
    key: str
    label: str  # label as printed (joined if wrapped)
    line: int | None
    columns: list[str]
    cells: dict[str, Cell]
    raw_values: list[str] = field(default_factory=list)
    # Alternative complete readings of an ambiguous row (each a value per column, None = unknown).
    # A determinate row has exactly one reading.
    readings: list[tuple[Number | None, ...]] = field(default_factory=list)
    ambiguous: bool = False

    def value(self, col: str) -> Number | None:
        c = self.cells.get(col)
        return None if c is None else c.value

    def to_dict(self) -> dict:
        return {
            "label": self.label,
            "line": self.line,
            "cells": {c: self.cells[c].to_dict() for c in self.columns if c in self.cells},
            "raw_values": self.raw_values,
            "ambiguous": self.ambiguous,
            "readings": len(self.readings),
        }


@dataclass
class Table:
    name: str  # "t2" | "t3" | "t4"
    template: str | None = None  # "2019" | "2021" | None when the table tells nothing
    line: int | None = None
    rows: dict[str, Row] = field(default_factory=dict)
    found: bool = False

    def row(self, key: str) -> Row | None:
        return self.rows.get(key)

    def value(self, key: str, col: str) -> Number | None:
        r = self.rows.get(key)
        return None if r is None else r.value(col)

    def to_dict(self) -> dict:
        return {
            "found": self.found,
            "template": self.template,
            "line": self.line,
            "rows": {k: r.to_dict() for k, r in self.rows.items()},
        }


@dataclass
class Paragraph:
    text: str
    line: int
    # (offset in text, line number) for each source line the paragraph was joined from
    spans: list[tuple[int, int]] = field(default_factory=list)

    def line_at(self, offset: int) -> int:
        ln = self.line
        for off, line in self.spans:
            if off <= offset:
                ln = line
            else:
                break
        return ln


@dataclass
class Section:
    number: int  # 1..6 for the standard sections, 0 for an unrecognised extra heading
    title: str
    line: int
    numeral: str  # the numeral as printed ("一"), for order checks
    paragraphs: list[Paragraph] = field(default_factory=list)
    end_line: int | None = None

    @property
    def text(self) -> str:
        return "\n".join(p.text for p in self.paragraphs)

    def to_dict(self) -> dict:
        return {"number": self.number, "title": self.title, "line": self.line,
                "numeral": self.numeral, "end_line": self.end_line}


@dataclass
class ParseNote:
    code: str  # machine-readable, e.g. "t3.cell_count"
    message: str  # Chinese, user-facing
    line: int | None = None
    table: str | None = None
    row: str | None = None

    def to_dict(self) -> dict:
        return {"code": self.code, "message": self.message, "line": self.line,
                "table": self.table, "row": self.row}


@dataclass
class Claim:
    """A number the narrative states, and what it is understood to count.

    `metric` is None for a quantity no counting word could be tied to (it still takes part in
    in-text arithmetic). `comparable` is False when the sentence is about something other than this
    organ's own tables (a jurisdiction-wide figure, a hotline, another organ, an approximation);
    `scope` then says why, in Chinese.
    """
    metric: str | None  # e.g. "app.received", "lit.review", "docs.issued", "lit.none"
    value: Number | None
    unit: str | None
    approx: bool
    phrase: str  # the words as printed, from the counting word to the number
    sentence: str
    line: int
    comparable: bool = True
    scope: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)
    start: int = 0  # offset of the quantity in the sentence (orders claims within a sentence)

    def to_dict(self) -> dict:
        return {"metric": self.metric, "value": self.value, "unit": self.unit, "approx": self.approx,
                "phrase": self.phrase, "line": self.line, "comparable": self.comparable,
                "scope": self.scope, "detail": self.detail}


@dataclass
class Rate:
    """A printed completion rate ("办结率99.6%") with the counts of its sentence, when found."""
    value: float
    decimals: int
    phrase: str
    sentence: str
    line: int
    numerator: Claim | None = None
    denominator: Claim | None = None
    application: bool = False  # the sentence is about this organ's information-disclosure applications

    def to_dict(self) -> dict:
        return {"value": self.value, "phrase": self.phrase, "line": self.line,
                "numerator": self.numerator.value if self.numerator else None,
                "denominator": self.denominator.value if self.denominator else None}


@dataclass
class Breakdown:
    """"共X条，其中A条、B条" or "X件（A件、B件）": a total and the parts listed under it."""
    total: Claim
    parts: list[Claim]
    sentence: str
    line: int
    explicit: bool  # introduced by 其中/分别为/包括 rather than only by parentheses

    def to_dict(self) -> dict:
        return {"total": self.total.value, "parts": [p.value for p in self.parts], "line": self.line,
                "explicit": self.explicit}


@dataclass
class Narrative:
    claims: list[Claim] = field(default_factory=list)
    rates: list[Rate] = field(default_factory=list)
    breakdowns: list[Breakdown] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"claims": [c.to_dict() for c in self.claims], "rates": [r.to_dict() for r in self.rates],
                "breakdowns": [b.to_dict() for b in self.breakdowns]}


@dataclass
class Report:
    source: str
    kind: str
    lines: list[str]  # original text lines (1-based line N is lines[N-1])
    refs: list[str] | None = None
    encoding: str | None = None
    title: str | None = None
    title_line: int | None = None
    organ: str | None = None
    organ_kind: str | None = None  # gov_county_plus | gov_office | department | township | other
    region: str | None = None  # province code, e.g. "ningxia", "gansu"
    region_basis: str | None = None  # why (Chinese): "机关名称或标题含“固原”", "由用户指定"
    year: int | None = None
    template: str | None = None  # "2019" | "2021" | "mixed" | None
    preamble: list[Paragraph] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    tables: dict[str, Table] = field(default_factory=dict)
    parse_notes: list[ParseNote] = field(default_factory=list)
    date_line: tuple[str, int] | None = None  # (YYYY-MM-DD, line) of a closing date, if any
    narrative: Narrative = field(default_factory=Narrative)
    # "flattened": the text had no usable line structure and was cut into virtual lines
    # (parse/flattened.py); `lines`/`refs` are then the virtual lines and their source positions.
    layout: str | None = None
    # Headings or tables could not be located because the text has no usable line structure:
    # section/table presence checks are not assessable rather than "missing".
    structure_unreadable: bool = False
    # Pages read by OCR (PDF pages without a text layer) and the line numbers that came from them.
    ocr_pages: list[int] = field(default_factory=list)
    ocr_lines: frozenset[int] = frozenset()

    @property
    def ocr_info(self) -> dict | None:
        """{"pages", "lines", "whole"} when some pages were read by OCR, else None: what the
        report's record (and the cross-report view of it) says about its OCR'd text."""
        if not self.ocr_pages:
            return None
        return {"pages": self.ocr_pages, "lines": sorted(self.ocr_lines),
                "whole": len(self.ocr_lines) >= len(self.lines)}

    def mark_ocr(self, pages: list[int], lines) -> None:
        """Record that `lines` (1-based) came from OCR of `pages`; their table cells say so."""
        self.ocr_pages, self.ocr_lines = list(pages), frozenset(lines)
        for table in self.tables.values():
            for row in table.rows.values():
                for cell in row.cells.values():
                    if cell.line in self.ocr_lines:
                        cell.source = "ocr"

    def section(self, number: int) -> Section | None:
        for s in self.sections:
            if s.number == number:
                return s
        return None

    @property
    def t2(self) -> Table:
        return self.tables["t2"]

    @property
    def t3(self) -> Table:
        return self.tables["t3"]

    @property
    def t4(self) -> Table:
        return self.tables["t4"]

    def ref(self, line: int | None) -> str | None:
        """Human-readable origin of a line: the line number, or the DOCX/HTML position."""
        if line is None:
            return None
        if self.refs and 1 <= line <= len(self.refs):
            return self.refs[line - 1]
        return f"第{line}行"

    def line_text(self, line: int | None) -> str:
        if line is None or not 1 <= line <= len(self.lines):
            return ""
        return self.lines[line - 1].strip()

    def paragraphs(self) -> Iterator[tuple[Section | None, Paragraph]]:
        for p in self.preamble:
            yield None, p
        for s in self.sections:
            for p in s.paragraphs:
                yield s, p

    def to_dict(self) -> dict[str, Any]:
        out = {
            "schema_version": SCHEMA_VERSION,
            "source": self.source,
            "format": self.kind,
            "encoding": self.encoding,
            "title": self.title,
            "organ": self.organ,
            "organ_kind": self.organ_kind,
            "region": self.region,
            "region_basis": self.region_basis,
            "year": self.year,
            "template": self.template,
            "sections": [s.to_dict() for s in self.sections],
            "tables": {k: t.to_dict() for k, t in self.tables.items()},
            "parse_notes": [n.to_dict() for n in self.parse_notes],
            "narrative": self.narrative.to_dict(),
        }
        if self.ocr_pages:
            out["ocr"] = {"pages": self.ocr_pages, "lines": len(self.ocr_lines)}
        if self.layout is not None:
            out["layout"] = self.layout
            out["structure_unreadable"] = self.structure_unreadable
        return out
