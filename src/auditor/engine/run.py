"""Run the selected rules over one report, isolating rules that crash."""
from __future__ import annotations

import traceback

from ..config import Config, ignored_for_file, is_broad_selector, selector_matches, severity_for
from ..findings import Finding, NotAssessable
from ..model import Report
from ..stdio import plugin_prints_to_stderr
from . import shared
from .rules import RuleContext


def explicitly_selected(rule, cfg: Config) -> bool:
    """Named on purpose by pack, id or id prefix (not merely by ALL, a category or a status)."""
    return any(selector_matches(s, rule, cfg.rule_ids) for s in _naming_selectors(cfg))


def _naming_selectors(cfg: Config) -> list[str]:
    sels = (cfg.select or []) + cfg.extend_select
    return [s for s in sels if not is_broad_selector(s)]


def _chosen(report: Report, rules: list, cfg: Config) -> list:
    """A regional pack's rules only for reports of its region, unless selected explicitly."""
    named = _naming_selectors(cfg)  # once, not per regional rule (usually none)
    return [r for r in rules if r.regions is None or report.region in r.regions
            or (named and any(selector_matches(s, r, cfg.rule_ids) for s in named))]


def _not_replaced(report: Report, chosen: list) -> list:
    """Rules replaced by an applicable rule of `chosen` drop out."""
    replaced = {old for r in chosen if r.replaces and r.applies(report) is None for old in r.replaces}
    return [r for r in chosen if r.id not in replaced] if replaced else chosen


def applicable(report: Report, rules: list, cfg: Config) -> list:
    """The rules that apply to this report: a regional pack's rules only for reports of its
    region, unless selected explicitly; rules replaced by an applicable regional rule drop out."""
    return _not_replaced(report, _chosen(report, rules, cfg))


def _packs_of(rules: list) -> list[str]:
    return sorted({r.pack for r in rules}, key=lambda p: (p != "national", p))


def packs_applied(report: Report, rules: list, cfg: Config) -> list[str]:
    return _packs_of(applicable(report, rules, cfg))


def audit(report: Report, rules: list, cfg: Config) -> tuple[list[Finding], list[NotAssessable]]:
    findings, skipped, _packs = audit_with_packs(report, rules, cfg)
    return findings, skipped


def audit_with_packs(report: Report, rules: list, cfg: Config) -> tuple[list[Finding], list[NotAssessable], list[str]]:
    """`audit`, and `packs_applied` of the same rules (their selection found once)."""
    findings: list[Finding] = []
    skipped: list[NotAssessable] = []
    chosen = _chosen(report, rules, cfg)
    # Batch rules run in auditor.crossreport: only report rules run (and replace) here, but the
    # packs applied count every applicable rule, as packs_applied does.
    in_report = [r for r in chosen if r.scope == "report"]
    active = _not_replaced(report, in_report)
    packs = _packs_of(active if len(in_report) == len(chosen) else _not_replaced(report, chosen))
    rules = [r for r in rules if r.scope == "report"]
    # By identity: `rule in active` would compare Rule dataclasses field by field, for every rule.
    active_ids = {id(r) for r in active}
    stand_ins = {old: r.id for r in reversed(active) for old in r.replaces}  # the first one wins
    memo = shared.begin(report)  # what several rules derive from the report, found once
    try:
        with plugin_prints_to_stderr():  # a rule that prints must not corrupt --format json
            for rule in rules:
                _run_rule(rule, report, cfg, stand_ins, active_ids, findings, skipped)
    finally:
        shared.end(memo)
    findings.sort(key=Finding.sort_key)
    return findings, skipped, packs


def _run_rule(rule, report: Report, cfg: Config, stand_ins: dict, active_ids: set, findings: list,
              skipped: list) -> None:
    if id(rule) not in active_ids:
        stand_in = stand_ins.get(rule.id)
        if stand_in:
            skipped.append(NotAssessable(rule.id, rule.pack, f"由地区规则 {stand_in} 代替"))
        return
    if cfg.per_file_ignores and ignored_for_file(rule, cfg, report.source):  # (usually none)
        return
    reason = rule.applies(report)
    if reason is not None:
        skipped.append(NotAssessable(rule.id, rule.pack, f"不适用：{reason}"))
        return
    ctx = RuleContext(rule, severity_for(rule, cfg) if cfg.severity else rule.severity)
    try:
        for out in rule.check(report, ctx) or ():
            (findings if isinstance(out, Finding) else skipped).append(out)
    except Exception as exc:  # one broken rule must not hide the others' findings
        tb = traceback.extract_tb(exc.__traceback__)[-1]
        findings.append(Finding(
            rule="AUDITOR-RULE-CRASH", pack="core", severity="warning", category="parse",
            message=f"规则 {rule.id} 执行出错，已跳过：{type(exc).__name__}: {exc}",
            location={}, evidence=[{"rule": rule.id, "where": f"{tb.filename}:{tb.lineno}"}],
            basis="（内部错误，请向规则包作者报告）"))
