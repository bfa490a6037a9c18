"""One serializable record per audited report: what every renderer and the batch pool exchange.

`to_document` (JSON output) is built from these records; the batch workers send them back to the
parent process, the JSONL stream writes one per line, and the XLSX/HTML renderers read them, so
memory does not hold whole `Report` objects for a large batch.
"""
from __future__ import annotations


OCR_NOTICE = "本报告由文字识别（OCR）读取"  # = ingest.ocr.NOTICE (not imported: the extra stays unloaded)
OCR_MARK = "〔据文字识别（OCR）结果，请与原件核对〕"


def cited_lines(f: dict) -> list:
    """The line numbers a finding dict cites: its location and every evidence item."""
    lines = [(f.get("location") or {}).get("line")]
    lines += [ev.get("line") for ev in f.get("evidence") or [] if isinstance(ev, dict)]
    return [ln for ln in lines if isinstance(ln, int)]


def mark_ocr(entry: dict, f: dict) -> dict:
    """Set `"ocr": true` on finding dict `f` when it rests on OCR'd text of its report record
    `entry` (every finding of a report read wholly by OCR, else one citing an OCR'd line or no
    line at all), or on OCR'd text of another report (a cross-report finding whose `related`
    entry is marked, crossreport.doc.CrossDoc.related)."""
    from ..model import rests_on_ocr

    if rests_on_ocr(entry.get("ocr"), cited_lines(f)) or any(
            isinstance(rel, dict) and rel.get("ocr") for rel in f.get("related") or ()):
        f["ocr"] = True
    return f


def report_record(res, show_skipped: bool = False, with_tables: bool = False, with_cross: bool = False) -> dict:
    """The JSON-output entry of one AuditResult; `with_tables` adds the parsed tables, sections and
    parse notes (the shape of `auditor parse --format json`) for renderers that show them;
    `with_cross` adds what cross-report checks read (`crossreport.doc.to_cross_data`: tables with
    every reading, narrative paragraphs with line numbers), so this record can serve as next
    year's --history."""
    entry = {"source": res.source, "error": res.error, "packs": res.packs}
    if show_skipped and getattr(res, "packs_skipped", None):
        entry["packs_skipped"] = res.packs_skipped
    if res.report is not None:
        r = res.report
        entry["profile"] = {"title": r.title, "organ": r.organ, "organ_kind": r.organ_kind, "region": r.region,
                            "year": r.year, "template": r.template, "format": r.kind}
        entry["findings"] = [f.to_dict() for f in res.findings]
        if r.ocr_pages:
            entry["ocr"] = {"notice": OCR_NOTICE, **r.ocr_info}
        for d in entry["findings"]:  # also a cross-report finding on another report's OCR'd text
            mark_ocr(entry, d)
        if show_skipped:
            entry["not_assessable"] = [s.to_dict() for s in res.skipped]
        if with_tables:
            d = r.to_dict()
            entry["tables"] = d.get("tables", {})
            entry["sections"] = d.get("sections", [])
            entry["parse_notes"] = d.get("parse_notes", [])
        if with_cross:
            from ..crossreport.doc import to_cross_data

            entry["cross"] = to_cross_data(r)
    else:
        entry["profile"] = None
        entry["findings"] = []
    return entry


def load_problems(records) -> list[str]:
    """Every plugin or pack load problem the records carry (`load_problems`), each once, in order:
    the one list every renderer shows in its header or summary."""
    seen: dict[str, None] = {}
    for rec in records:
        for p in rec.get("load_problems") or ():
            seen.setdefault(p, None)
    return list(seen)
