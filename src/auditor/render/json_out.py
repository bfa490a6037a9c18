"""JSON output of `auditor check` (schemas/findings.schema.json)."""
from __future__ import annotations

import json

from .. import __version__
from ..model import SCHEMA_VERSION
from .record import report_record


def to_document(results: list, show_skipped: bool, with_cross: bool = False) -> dict:
    reports = [report_record(res, show_skipped, with_cross=with_cross) for res in results]
    summary = {s: sum(1 for res in results for f in res.findings if f.severity == s)
               for s in ("error", "warning", "info")}
    summary["reports"] = len(results)
    summary["unreadable"] = sum(1 for res in results if res.error)
    return {"schema_version": SCHEMA_VERSION, "tool": {"name": "auditor", "version": __version__},
            "reports": reports, "summary": summary}


def dumps(doc: dict) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=2)
