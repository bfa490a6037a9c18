"""JSON output of `auditor check` (schemas/findings.schema.json)."""
from __future__ import annotations

import json

from .. import __version__
from ..model import SCHEMA_VERSION
from .record import report_record


# Keys a batch record carries beyond the JSON-output entry (report_record(..., with_tables=True)).
_BATCH_ONLY = ("tables", "sections", "sha256", "plugin_errors")


def json_entry(record: dict, show_skipped: bool) -> dict:
    """The JSON-output entry of a batch record: the report_record shape without tables."""
    entry = {k: v for k, v in record.items() if k not in _BATCH_ONLY}
    if not show_skipped:
        entry.pop("not_assessable", None)
    return entry


def to_document(results: list, show_skipped: bool) -> dict:
    """`results`: AuditResults or report records (dicts)."""
    reports = [json_entry(r, show_skipped) if isinstance(r, dict) else report_record(r, show_skipped)
               for r in results]
    summary = {s: sum(1 for res in reports for f in res["findings"] if f["severity"] == s)
               for s in ("error", "warning", "info")}
    summary["reports"] = len(reports)
    summary["unreadable"] = sum(1 for res in reports if res["error"])
    duplicates = sum(1 for res in reports if res.get("duplicate_of"))
    if duplicates:
        summary["duplicates"] = duplicates
    return {"schema_version": SCHEMA_VERSION, "tool": {"name": "auditor", "version": __version__},
            "reports": reports, "summary": summary}


def dumps(doc: dict) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=2)
