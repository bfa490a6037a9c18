"""Checks across reports: one organ over several years, the organs of one batch, a region and its parts.

    outcomes = crossreport.run(results, rules, cfg, history=None)
    # {source: [Finding | NotAssessable, …]} for every report of the batch that a rule spoke about

`results` are `batch.AuditResult`s or report records (`render.record.report_record(res,
with_cross=True)`, or the entries of last year's `auditor check --format json --with-tables`).
`rules` may hold every resolved rule: only the batch rules (registered through the
`auditor_batch_rules` hook) run here. `history` is a folder of last year's reports, a JSON output
file, or a list of results/records: those reports are only the other side of a comparison —
never audited themselves, never compared with each other.

A batch rule is a function `(batch: Batch, ctx: BatchContext)` yielding `(source, outcome)` pairs,
built with `ctx.fail(doc, …, related=[…])` and `ctx.skip(doc, reason)`.
"""
from __future__ import annotations

import json
import traceback
from pathlib import Path
from typing import Any

from ..config import Config, ignored_for_file, severity_for
from ..errors import InputError
from ..findings import Finding, NotAssessable
from ..engine.rules import RuleContext
from .doc import CrossDoc, to_cross_data
from .identity import match, organ_key

__all__ = ["Batch", "BatchContext", "CrossDoc", "load_history", "run", "to_cross_data"]

DEFAULTS = {"copy-threshold": 0.8, "identical-threshold": 0.9, "min-chars": 80, "years-back": 3}


class Batch:
    """The reports of one cross-report run, indexed by organ and year."""

    def __init__(self, docs: list[CrossDoc], settings: dict | None = None):
        self.docs = docs
        self.settings = {**DEFAULTS, **(settings or {})}
        self.current = [d for d in docs if not d.history]
        self.by_key: dict[str, list[CrossDoc]] = {}
        for d in docs:
            d.key = organ_key(d.organ)
            if d.key:
                self.by_key.setdefault(d.key, []).append(d)
        self._series: dict[str, tuple[list[CrossDoc], str | None]] = {}

    def series(self, doc: CrossDoc) -> tuple[list[CrossDoc], str | None]:
        """All reports of doc's organ (doc included), or ([], why they cannot be found)."""
        if doc.source not in self._series:
            if not doc.key:
                self._series[doc.source] = ([], match(None, {})[1])
            else:
                others = {k: v for k, v in self.by_key.items() if k != doc.key}
                near, reason = match(doc.key, others)
                self._series[doc.source] = (self.by_key[doc.key] + near, reason)
        return self._series[doc.source]

    def earlier(self, doc: CrossDoc, years_back: int = 1) -> tuple[CrossDoc | None, str | None]:
        """The report of doc's organ for year − years_back: (doc, None) or (None, the reason)."""
        if doc.year is None:
            return None, "报告年度未知，无法与其他年度的报告对应"
        docs, reason = self.series(doc)
        year = doc.year - years_back
        found = [d for d in docs if d.year == year and d is not doc]
        exact = [d for d in found if d.key == doc.key]
        found = exact or found
        if not found:
            return None, reason or f"批次和历史报告中没有该机关 {year} 年度的报告"
        if len(found) > 1:
            names = "、".join(Path(d.source).name for d in found[:3])
            return None, f"该机关 {year} 年度有 {len(found)} 份报告（{names}），无法确定与哪一份比较"
        return found[0], None

    def peers(self, doc: CrossDoc) -> list[CrossDoc]:
        return [d for d in self.docs if d is not doc]


class BatchContext(RuleContext):
    """A RuleContext whose findings name the report they belong to and the reports they point at."""

    def fail(self, doc: CrossDoc, related: list[dict] | None = None, **kwargs) -> tuple[str, Finding]:
        f = super().fail(**kwargs)
        f.related = related or []
        if f.location.get("line") and "ref" not in f.location:
            f.location["ref"] = doc.ref(f.location["line"])
        return doc.source, f

    def skip(self, doc: CrossDoc, reason: str, location: dict | None = None) -> tuple[str, NotAssessable]:
        return doc.source, super().skip(reason, location)


def _doc(item: Any, history: bool) -> CrossDoc | None:
    if isinstance(item, CrossDoc):
        return item
    report = getattr(item, "report", None)
    if report is not None:
        return CrossDoc.from_report(report, history)
    if isinstance(item, dict) and isinstance(item.get("cross"), dict):
        return CrossDoc.from_data(item.get("source", ""), item["cross"], history)
    return None  # unreadable report, or a record without cross data


def load_history(path: str | Path, plugins=None) -> tuple[list[CrossDoc], list[str]]:
    """Last year's reports from a folder (parsed, not audited) or a JSON output file.

    Returns the documents and Chinese messages about what could not be used (the run goes on)."""
    from ..batch import expand

    path = Path(path)
    problems: list[str] = []
    if path.is_file() and path.suffix.lower() == ".json":
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise InputError(str(path), f"不是有效的 JSON 输出文件（{exc}）") from None
        reports = data.get("reports") if isinstance(data, dict) else None
        if not isinstance(reports, list):
            raise InputError(str(path), "不是 auditor check --format json 的输出（缺少 reports）")
        docs = []
        lacking = broken = 0
        for rec in reports:
            try:
                d = _doc(rec, True) if isinstance(rec, dict) else None
            except (AttributeError, TypeError, ValueError, KeyError, IndexError):  # hand-edited or foreign JSON
                broken += 1
                continue
            if d is None:
                lacking += 1 if isinstance(rec, dict) and not rec.get("error") else 0
                continue
            docs.append(d)
        if broken:
            problems.append(f"{path}: {broken} 份报告的表格和正文数据格式无效，未用于跨报告比较")
        if lacking:
            problems.append(f"{path}: {lacking} 份报告缺少表格和正文数据（生成时请加 --with-tables），未用于跨报告比较")
        return docs, problems
    if not path.exists():
        raise InputError(str(path), "历史报告目录或文件不存在")
    from ..api import parse_file

    files, errors = expand([str(path)])
    problems.extend(f"{e.source}: {e.error}" for e in errors)
    docs = []
    for f in files:
        try:
            docs.append(CrossDoc.from_report(parse_file(f, plugins), history=True))
        except InputError as exc:
            problems.append(f"{f}: {exc.reason}（历史报告，已跳过）")
        except Exception as exc:  # a parser defect in one history file must not end the run
            problems.append(f"{f}: 解析时发生内部错误（{type(exc).__name__}: {exc}），历史报告已跳过")
    return docs, problems


def run(results: list, rules: list, cfg: Config, history: Any = None, plugins=None,
        problems: list[str] | None = None) -> dict[str, list[Finding | NotAssessable]]:
    """Run the batch rules among `rules` over `results` (+ `history`); see the module doc.

    `problems` (if given) receives Chinese messages about history that could not be used."""
    batch_rules = [r for r in rules if getattr(r, "scope", "report") == "batch"]
    out: dict[str, list] = {}
    if not batch_rules:
        return out
    docs = [d for d in (_doc(x, False) for x in results) if d is not None]
    current = {Path(d.source).resolve().as_posix() for d in docs}
    hist_docs: list[CrossDoc] = []
    if isinstance(history, (str, Path)):
        hist_docs, msgs = load_history(history, plugins)
        if problems is not None:
            problems.extend(msgs)
    elif history:
        hist_docs = [d for d in (_doc(x, True) for x in history) if d is not None]
    # A history folder that overlaps the batch must not compare the batch with itself.
    hist_docs = [d for d in hist_docs if Path(d.source).resolve().as_posix() not in current]
    for d in hist_docs:
        d.history = True
    batch = Batch(docs + hist_docs, getattr(cfg, "cross", None))
    if not batch.current:
        return out
    own = {d.source for d in batch.current}
    for rule in batch_rules:
        ctx = BatchContext(rule, severity_for(rule, cfg))
        try:
            for source, outcome in rule.check(batch, ctx) or ():
                if source in own and not ignored_for_file(rule, cfg, source):
                    out.setdefault(source, []).append(outcome)
        except Exception as exc:  # a broken batch rule must not hide the others' findings
            tb = traceback.extract_tb(exc.__traceback__)[-1]
            first = batch.current[0].source
            out.setdefault(first, []).append(Finding(
                rule="AUDITOR-RULE-CRASH", pack="core", severity="warning", category="parse",
                message=f"跨报告规则 {rule.id} 执行出错，已跳过：{type(exc).__name__}: {exc}",
                location={}, evidence=[{"rule": rule.id, "where": f"{tb.filename}:{tb.lineno}"}],
                basis="（内部错误，请向规则包作者报告）"))
    for items in out.values():
        items.sort(key=lambda o: Finding.sort_key(o) if isinstance(o, Finding) else (9, 0, o.rule))
    return out


def merge(results: list, outcomes: dict[str, list]) -> None:
    """Add the outcomes of `run` to the AuditResults they belong to (findings stay sorted)."""
    for res in results:
        extra = outcomes.get(res.source)
        if not extra:
            continue
        res.findings.extend(o for o in extra if isinstance(o, Finding))
        res.skipped.extend(o for o in extra if isinstance(o, NotAssessable))
        res.findings.sort(key=Finding.sort_key)
