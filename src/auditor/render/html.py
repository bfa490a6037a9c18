"""The one HTML renderer: a self-contained batch file (`auditor check --format html`) and the
single-report page of the web app (`auditor serve`) are built from the same templates.

Input is `report_record(res, show_skipped=True, with_tables=True)` dicts. Everything taken from
a report goes through Jinja2 autoescaping; only our own CSS/JS is inserted verbatim.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

_HERE = Path(__file__).resolve().parent / "templates"

SEVERITY_LABELS = {"error": "错误", "warning": "警告", "info": "提示"}
TABLE_CAPTIONS = {"t2": "表二 主动公开政府信息情况", "t3": "表三 收到和处理政府信息公开申请情况",
                  "t4": "表四 政府信息公开行政复议、行政诉讼情况"}
SECTION_NAMES = {1: "一、总体情况", 2: "二、主动公开政府信息情况", 3: "三、收到和处理政府信息公开申请情况",
                 4: "四、政府信息公开行政复议、行政诉讼情况", 5: "五、存在的主要问题及改进情况",
                 6: "六、其他需要报告的事项"}
TABLE_SECTION = {"t2": 2, "t3": 3, "t4": 4}
DOC_KEYS = ("问题", "依据", "正例")


@lru_cache(maxsize=1)
def _env():
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(_HERE)), autoescape=True,
                             undefined=jinja2.ChainableUndefined, trim_blocks=True, lstrip_blocks=True)
    env.globals["SEVERITY_LABELS"] = SEVERITY_LABELS
    from ..ingest import SUPPORTED  # the file chooser offers what the readers read

    env.globals["ACCEPT"] = ",".join(SUPPORTED)
    env.globals["EXTENSIONS"] = " ".join(SUPPORTED)
    from .record import OCR_MARK

    env.globals["OCR_MARK"] = OCR_MARK
    return env


@lru_cache(maxsize=None)
def asset(name: str) -> str:
    """Our own stylesheet/script (inlined in the batch file, served as /static/… by the web app)."""
    return (_HERE / name).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def _table_layout() -> dict:
    from ..resources import load_toml

    spec = load_toml("templates/tables.toml")
    t2_cols: dict[tuple[str, str], dict[str, str]] = {}  # (template, row key) -> column -> label
    t2_labels: dict[str, str] = {}
    for row in spec["t2"]["rows"]:
        t2_labels[row["key"]] = row["label"]
        for tpl, cols in row.get("columns", {}).items():
            t2_cols[(tpl, row["key"])] = dict(zip(cols, row.get("column_labels", {}).get(tpl, cols)))
    return {
        "t3_cols": list(zip(spec["t3"]["columns"], spec["t3"]["column_labels"])),
        "t4_cols": list(zip(spec["t4"]["columns"], spec["t4"]["column_labels"])),
        "t4_groups": dict(zip(spec["t4"]["groups"], spec["t4"]["group_labels"])),
        "t2_cols": t2_cols, "t2_labels": t2_labels,
    }


def rule_docs(rules: Iterable | None = None) -> dict[str, dict]:
    """Rule id -> {name, summary, doc, basis} for explanations; the installed rules by default."""
    if rules is None:
        try:
            from ..plugins import default_plugins

            rules = default_plugins().rules
        except Exception:  # explanations are a help, not a reason to fail a rendering
            rules = []
    return {r.id: {"name": r.name, "doc": {k: r.doc.get(k, "") for k in DOC_KEYS}, "basis": r.basis}
            for r in rules}


def _fmt(v: Any) -> str:
    if v is None:
        return "—"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _mark_segments(text: str, phrases: list[str]) -> list[tuple[str, bool]]:
    """Split `text` into (piece, highlighted) so the template escapes every piece itself."""
    spans = []
    for ph in sorted({p for p in phrases if p}, key=len, reverse=True):
        start = text.find(ph)
        while start >= 0:
            end = start + len(ph)
            if not any(s < end and start < e for s, e in spans):
                spans.append((start, end))
            start = text.find(ph, end)
    spans.sort()
    out, pos = [], 0
    for s, e in spans:
        if s > pos:
            out.append((text[pos:s], False))
        out.append((text[s:e], True))
        pos = e
    if pos < len(text):
        out.append((text[pos:], False))
    return out


def verdict(record: dict) -> dict:
    """The one-line verdict at the top of a report: kind (ok|errors|review|unreadable) and text."""
    if record.get("error"):
        return {"kind": "unreadable", "text": "无法读取此报告", "detail": record["error"]}
    counts = severity_counts(record)
    if counts["error"]:
        return {"kind": "errors", "text": f"有 {counts['error']} 个错误需要改正", "detail": ""}
    doubtful = [s for s in record.get("not_assessable", []) if (s.get("location") or {}).get("table")
                or (s.get("location") or {}).get("line")]
    notes = record.get("parse_notes") or []
    if counts["warning"] or doubtful or notes:
        parts = []
        if counts["warning"]:
            parts.append(f"{counts['warning']} 个警告")
        if doubtful:
            parts.append(f"{len(doubtful)} 项检查因表格读不准无法判断")
        if notes:
            parts.append(f"{len(notes)} 条解析说明")
        return {"kind": "review", "text": "需要人工核对", "detail": "，".join(parts)}
    return {"kind": "ok", "text": "可以发布", "detail": "未发现错误或需要核对的问题"}


def severity_counts(record: dict) -> dict[str, int]:
    counts = {"error": 0, "warning": 0, "info": 0}
    for f in record.get("findings", []):
        counts[f["severity"]] = counts.get(f["severity"], 0) + 1
    return counts


def _cell_id(n: int, table: str, row: str, col: str) -> str:
    return f"r{n}-{table}-{row}-{col}".replace(".", "_")


def _section_of(f: dict) -> int | None:
    loc = f.get("location") or {}
    if loc.get("section"):
        return loc["section"]
    return TABLE_SECTION.get(loc.get("table"))


def report_view(record: dict, n: int = 0, docs: dict | None = None) -> dict:
    """Everything the report template shows, computed once; `n` makes element ids unique."""
    docs = docs if docs is not None else {}
    layout = _table_layout()
    cells: dict[tuple, list[int]] = {}
    sentences: dict[tuple, dict] = {}
    findings = []
    for i, f in enumerate(record.get("findings", [])):
        fid = f"r{n}-f{i}"
        loc = f.get("location") or {}
        target = None
        for ev in f.get("evidence") or []:
            if ev.get("table") and ev.get("row") and ev.get("column"):
                key = (ev["table"], ev["row"], ev["column"])
                cells.setdefault(key, [])
                if i not in cells[key]:
                    cells[key].append(i)
                target = target or _cell_id(n, *key)
            elif ev.get("text") and ev.get("claim"):
                skey = (ev.get("line"), ev["text"])
                s = sentences.setdefault(skey, {"line": ev.get("line"), "ref": ev.get("ref"), "text": ev["text"],
                                                 "phrases": [], "findings": [], "id": f"r{n}-s{len(sentences)}"})
                s["phrases"].append(ev["claim"].get("phrase") or "")
                if i not in s["findings"]:
                    s["findings"].append(i)
                target = target or s["id"]
        if loc.get("table") and loc.get("row") and loc.get("column"):
            key = (loc["table"], loc["row"], loc["column"])
            cells.setdefault(key, [])
            if i not in cells[key]:
                cells[key].append(i)
        excerpts = [ev["text"] for ev in f.get("evidence") or [] if ev.get("text") and not ev.get("claim")]
        findings.append({
            "id": fid, "i": i, "rule": f["rule"], "pack": f.get("pack"), "severity": f["severity"],
            "category": f.get("category"), "message": f["message"], "ref": loc.get("ref") or (
                f"第{loc['line']}行" if loc.get("line") else ""), "line": loc.get("line"),
            "expected": f.get("expected"), "actual": f.get("actual"), "formula": f.get("formula"),
            "basis": f.get("basis") or "", "doc": (docs.get(f["rule"]) or {}).get("doc"), "ocr": bool(f.get("ocr")),
            "name": (docs.get(f["rule"]) or {}).get("name"), "target": target, "excerpts": excerpts,
            "related": f.get("related") or [], "section": _section_of(f),
        })
    for s in sentences.values():
        s["segments"] = _mark_segments(s["text"], s["phrases"])
        s["severity"] = max((findings[i]["severity"] for i in s["findings"]),
                            key=lambda v: {"info": 1, "warning": 2, "error": 3}[v])
    section_titles = {s["number"]: s["title"] for s in record.get("sections", []) if s.get("number")}
    groups: dict[Any, list] = {}
    for f in findings:
        groups.setdefault(f["section"], []).append(f)
    grouped = []
    for sec in sorted(groups, key=lambda s: (s is None, s or 0)):
        title = (section_titles.get(sec) or SECTION_NAMES.get(sec, f"第{sec}部分")) if sec else "全文"
        grouped.append({"title": title, "findings": groups[sec]})
    profile = record.get("profile") or {}
    return {
        "n": n, "record": record, "region_name": _region_names().get(profile.get("region"), profile.get("region")), "profile": record.get("profile") or {}, "verdict": verdict(record),
        "counts": severity_counts(record), "findings": findings, "grouped": grouped,
        "tables": _tables(record.get("tables") or {}, n, cells, findings, layout),
        "sentences": list(sentences.values()), "packs": record.get("packs") or [],
        "parse_notes": record.get("parse_notes") or [],
        "not_assessable": [s for s in record.get("not_assessable", [])
                           if not s.get("reason", "").startswith(("不适用", "由地区规则"))],
        "rules": sorted({f["rule"] for f in findings}),
    }


@lru_cache(maxsize=1)
def _region_names() -> dict[str, str]:
    try:
        from ..regions import known_regions

        return dict(known_regions())
    except Exception:  # a name is a nicety; the code is shown instead
        return {}


def _cell(n, table, row_key, col, cell, cells, findings) -> dict:
    hits = cells.get((table, row_key, col), [])
    sev = max((findings[i]["severity"] for i in hits), key=lambda v: {"info": 1, "warning": 2, "error": 3}[v],
              default=None)
    tip = "\n".join(f"{findings[i]['rule']}：{findings[i]['message']}" for i in hits)
    raw = (cell or {}).get("raw")
    value = (cell or {}).get("value")
    return {"id": _cell_id(n, table, row_key, col), "text": _fmt(value) if value is not None else (raw or "—"),
            "blank": value is None, "findings": [findings[i]["id"] for i in hits], "severity": sev, "tip": tip,
            "line": (cell or {}).get("line")}


def _tables(tables: dict, n: int, cells: dict, findings: list, layout: dict) -> list[dict]:
    out = []
    t2 = tables.get("t2") or {}
    if t2.get("found") and t2.get("rows"):
        rows = []
        for key, row in t2["rows"].items():
            labels = layout["t2_cols"].get((t2.get("template") or "", key)) or next(
                (v for (_tpl, k), v in layout["t2_cols"].items() if k == key and set(row.get("cells", {})) <= set(v)), {})
            rows.append({"label": row.get("label") or layout["t2_labels"].get(key, key), "line": row.get("line"),
                         "cells": [dict(_cell(n, "t2", key, c, cell, cells, findings), head=labels.get(c, c))
                                   for c, cell in row.get("cells", {}).items()]})
        out.append({"name": "t2", "caption": TABLE_CAPTIONS["t2"], "kind": "t2", "rows": rows,
                    "template": t2.get("template")})
    for name, cols_key in (("t3", "t3_cols"), ("t4", "t4_cols")):
        t = tables.get(name) or {}
        if not (t.get("found") and t.get("rows")):
            continue
        cols = layout[cols_key]
        rows = []
        for key, row in t["rows"].items():
            label = row.get("label") or key
            if name == "t4":
                label = layout["t4_groups"].get(key, label)
            rows.append({"label": label, "line": row.get("line"), "ambiguous": row.get("ambiguous"),
                         "cells": [_cell(n, name, key, c, row.get("cells", {}).get(c), cells, findings)
                                   for c, _lab in cols]})
        out.append({"name": name, "caption": TABLE_CAPTIONS[name], "kind": "grid", "columns": [lab for _c, lab in cols],
                    "rows": rows, "template": t.get("template")})
    return out


def render_report_page(record: dict, *, title: str = "年度报告自查结果", lines: list[str] | None = None,
                       nonce: str | None = None, downloads: list[dict] | None = None, docs: dict | None = None,
                       regions: dict[str, str] | None = None, region_form: dict | None = None,
                       static_prefix: str | None = None) -> str:
    """One report as a full page (the web app's result). With `static_prefix` the page links its
    stylesheet and script (for a strict Content-Security-Policy); otherwise they are inlined."""
    view = report_view(record, 0, docs if docs is not None else rule_docs())
    return _env().get_template("page.html.j2").render(
        title=title, view=view, lines=lines, nonce=nonce, downloads=downloads or [],
        regions=regions or {}, region_form=region_form, static_prefix=static_prefix,
        css=asset("report.css") if static_prefix is None else "",
        js=asset("report.js") if static_prefix is None else "")


def render_batch(records: list[dict], *, title: str, docs: dict | None = None) -> str:
    docs = docs if docs is not None else rule_docs()
    views = [report_view(r, n, docs) for n, r in enumerate(records)]
    per_rule: dict[str, dict] = {}
    for v in views:
        for f in v["findings"]:
            e = per_rule.setdefault(f["rule"], {"rule": f["rule"], "name": f.get("name") or "", "severity": f["severity"],
                                                "reports": set(), "findings": 0})
            e["reports"].add(v["n"])
            e["findings"] += 1
    rules = sorted(({**e, "reports": len(e["reports"])} for e in per_rule.values()),
                   key=lambda e: (-e["reports"], e["rule"]))
    totals = {k: sum(v["counts"][k] for v in views) for k in ("error", "warning", "info")}
    totals["reports"] = len(views)
    totals["unreadable"] = sum(1 for v in views if v["verdict"]["kind"] == "unreadable")
    from .record import load_problems

    return _env().get_template("batch.html.j2").render(
        title=title, views=views, rules=rules, totals=totals, load_problems=load_problems(records),
        css=asset("report.css"), js=asset("report.js"))


def write_html(records: list[dict], fh, *, title: str) -> None:
    """Write one self-contained offline HTML file for a batch of report records to text stream `fh`."""
    fh.write(render_batch(records, title=title))


def render_message_page(title: str, message: str, *, nonce: str | None = None, detail: str = "",
                        static_prefix: str | None = None, status_kind: str = "error") -> str:
    """A plain Chinese message page (upload errors, limits) in the same look."""
    return _env().get_template("message.html.j2").render(
        title=title, message=message, detail=detail, nonce=nonce, static_prefix=static_prefix,
        css=asset("report.css") if static_prefix is None else "", kind=status_kind)
