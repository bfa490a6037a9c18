"""JSON output of `auditor check` (schemas/findings.schema.json)."""
from __future__ import annotations

import json

from .. import __version__
from ..model import SCHEMA_VERSION
from .record import load_problems, report_record


# Keys a batch record carries beyond the JSON-output entry (report_record(..., with_tables=True)).
_BATCH_ONLY = ("tables", "sections", "parse_notes", "sha256", "plugin_errors", "cross")


def json_entry(record: dict, show_skipped: bool, with_cross: bool = False) -> dict:
    """The JSON-output entry of a batch record: the report_record shape without tables
    (`with_cross` keeps the cross-report data, so the output can serve as next year's --history)."""
    entry = {k: v for k, v in record.items() if k not in _BATCH_ONLY or (with_cross and k == "cross")}
    if not show_skipped:
        entry.pop("not_assessable", None)
        entry.pop("packs_skipped", None)
    return entry


def to_document(results: list, show_skipped: bool, with_cross: bool = False) -> dict:
    """`results`: AuditResults or report records (dicts)."""
    reports = [json_entry(r, show_skipped, with_cross) if isinstance(r, dict)
               else report_record(r, show_skipped, with_cross=with_cross) for r in results]
    summary = {s: sum(1 for res in reports for f in res["findings"] if f["severity"] == s)
               for s in ("error", "warning", "info")}
    summary["reports"] = len(reports)
    summary["unreadable"] = sum(1 for res in reports if res["error"])
    duplicates = sum(1 for res in reports if res.get("duplicate_of"))
    if duplicates:
        summary["duplicates"] = duplicates
    problems = load_problems(reports)
    summary["load_problems"] = len(problems)
    # Plugins or packs that failed to load: this audit ran without their rules.
    return {"schema_version": SCHEMA_VERSION, "tool": {"name": "auditor", "version": __version__},
            "load_problems": problems, "reports": reports, "summary": summary}


def dumps(doc: dict) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=2)
