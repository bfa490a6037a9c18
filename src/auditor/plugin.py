"""The API for rule-pack plugins: everything a pack's Python rules and hooks need, in one place.

    from auditor.plugin import hookimpl, Gazetteer, RegionEvidence

A plugin is a module registered in the `auditor` entry-point group. It implements
`auditor_rule_packs()` (paths of its TOML packs) and optionally `auditor_detect_region(report)`.
A Python rule is a function `(report, ctx)` that yields `ctx.fail(...)` findings or `ctx.skip(reason)`
when it cannot assess; see docs/plugins.md.
"""
from __future__ import annotations

from .engine.declarative import (TABLE_NAMES, cell_evidence, claim_evidence, column_name, fmt_number,
                                 row_name)
from .engine.readings import evaluate
from .engine.rules import RuleContext
from .hookspecs import hookimpl
from .model import Claim, Paragraph, Report, Section, Table
from .packs.national import STATISTICAL_PERIOD  # "Y年1月1日至12月31日" (groups: start, end year)
from .regions import DOCUMENT_CITATION, ORGAN_NAME, TEXT_MENTION, Gazetteer, RegionEvidence
from .resources import read_toml_file


def line_evidence(report: Report, line: int | None, text: str | None = None) -> dict:
    """Evidence pointing at one line of the report (its text, or `text`)."""
    shown = text if text is not None else report.line_text(line)
    return {"line": line, "ref": report.ref(line), "text": shown[:200]}


def section_text(report: Report, number: int) -> str | None:
    """The text of standard section `number` (1–6), or None if the report lacks it."""
    sec = report.section(number)
    return None if sec is None else sec.text


def preamble_text(report: Report) -> str:
    return "\n".join(p.text for p in report.preamble)


def preamble_line(report: Report) -> int | None:
    """Where the preamble starts (the title line when there is no separate preamble)."""
    return report.preamble[0].line if report.preamble else report.title_line


def section_line(report: Report, number: int) -> int | None:
    """The heading line of standard section `number`, or None if the report lacks it."""
    sec = report.section(number)
    return sec.line if sec else None


__all__ = ["DOCUMENT_CITATION", "ORGAN_NAME", "STATISTICAL_PERIOD", "TABLE_NAMES", "TEXT_MENTION", "Claim",
           "Gazetteer", "Paragraph", "RegionEvidence", "Report", "RuleContext", "Section", "Table", "cell_evidence",
           "claim_evidence", "column_name", "evaluate", "fmt_number", "hookimpl", "line_evidence", "preamble_line",
           "preamble_text", "read_toml_file", "row_name", "section_line", "section_text"]
