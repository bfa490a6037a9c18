"""JSON output of `auditor check` (schemas/findings.schema.json)."""
from __future__ import annotations

import json

from .. import __version__
from ..model import SCHEMA_VERSION


def to_document(results: list, show_skipped: bool) -> dict:
    reports = []
    for res in results:
        entry = {"source": res.source, "error": res.error, "packs": res.packs}
        if res.report is not None:
            r = res.report
            entry["profile"] = {"title": r.title, "organ": r.organ, "organ_kind": r.organ_kind, "region": r.region,
                                "year": r.year, "template": r.template, "format": r.kind}
            entry["findings"] = [f.to_dict() for f in res.findings]
            if show_skipped:
                entry["not_assessable"] = [s.to_dict() for s in res.skipped]
        else:
            entry["profile"] = None
            entry["findings"] = []
        reports.append(entry)
    summary = {s: sum(1 for res in results for f in res.findings if f.severity == s)
               for s in ("error", "warning", "info")}
    summary["reports"] = len(results)
    summary["unreadable"] = sum(1 for res in results if res.error)
    return {"schema_version": SCHEMA_VERSION, "tool": {"name": "auditor", "version": __version__},
            "reports": reports, "summary": summary}


def dumps(doc: dict) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=2)
