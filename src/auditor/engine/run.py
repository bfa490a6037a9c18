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


def _for_region(rule, region: str | None, named: list[str], cfg: Config) -> bool:
    """A regional pack's rule runs only for reports of its region, unless selected explicitly
    (`named`: `_naming_selectors(cfg)`)."""
    return rule.regions is None or region in rule.regions or bool(
        named and any(selector_matches(s, rule, cfg.rule_ids) for s in named))


def _chosen(report: Report, rules: list, cfg: Config) -> list:
    """A regional pack's rules only for reports of its region, unless selected explicitly."""
    named = _naming_selectors(cfg)  # once, not per regional rule (usually none)
    return [r for r in rules if _for_region(r, report.region, named, cfg)]


def _not_replaced(report: Report, chosen: list) -> list:
    """Rules replaced by an applicable rule of `chosen` drop out."""
    replaced = {old for r in chosen if r.replaces and r.applies(report) is None for old in r.replaces}
    return [r for r in chosen if r.id not in replaced] if replaced else chosen


def applicable(report: Report, rules: list, cfg: Config) -> list:
    """The rules that apply to this report: a regional pack's rules only for reports of its
    region, unless selected explicitly; rules replaced by an applicable regional rule drop out."""
    return _not_replaced(report, _chosen(report, rules, cfg))


def _packs_of(rules: list) -> list[str]:
    return sorted({r.pack for r in rules}, key=_pack_order)


def packs_applied(report: Report, rules: list, cfg: Config) -> list[str]:
    return _packs_of(applicable(report, rules, cfg))


def audit(report: Report, rules: list, cfg: Config) -> tuple[list[Finding], list[NotAssessable]]:
    findings, skipped, _packs = audit_with_packs(report, rules, cfg)
    return findings, skipped


def audit_with_packs(report: Report, rules: list, cfg: Config) -> tuple[list[Finding], list[NotAssessable], list[str]]:
    """`audit`, and `packs_applied` of the same rules: the selection is found in one pass over the
    rules that replace others (a few) and decided rule by rule in the pass that runs them."""
    region = report.region
    named = _naming_selectors(cfg)  # once, not per regional rule (usually none)
    # Rules replaced by an applicable chosen rule (as _not_replaced finds them): by a report rule
    # they do not run; by any rule (batch rules run in auditor.crossreport) they do not count for
    # the packs applied, as packs_applied counts them.
    replacers = [r for r in rules if r.replaces and _for_region(r, region, named, cfg)]
    replaced: set[str] = set()
    replaced_here: set[str] = set()  # by a report rule
    for r in replacers:
        if r.applies(report) is None:
            replaced.update(r.replaces)
            if r.scope == "report":
                replaced_here.update(r.replaces)
    stand_ins: dict[str, str] = {}  # replaced id -> the first active report rule naming it
    for r in replacers:
        if r.scope == "report" and r.id not in replaced_here:
            for old in r.replaces:
                stand_ins.setdefault(old, r.id)
    packs: set[str] = set()
    findings: list[Finding] = []
    skipped: list[NotAssessable] = []
    memo = shared.begin(report)  # what several rules derive from the report, found once
    try:
        with plugin_prints_to_stderr():  # a rule that prints must not corrupt --format json
            for rule in rules:
                # (`rule.regions is None` first: most rules are national, and need no call)
                if rule.regions is not None and not _for_region(rule, region, named, cfg) or rule.id in replaced_here:
                    if rule.scope == "report":
                        stand_in = stand_ins.get(rule.id)
                        if stand_in:
                            skipped.append(NotAssessable(rule.id, rule.pack, f"由地区规则 {stand_in} 代替"))
                    continue
                if rule.id not in replaced:
                    packs.add(rule.pack)
                if rule.scope != "report":
                    continue
                if cfg.per_file_ignores and ignored_for_file(rule, cfg, report.source):  # (usually none)
                    continue
                reason = rule.applies(report)
                if reason is not None:
                    skipped.append(NotAssessable(rule.id, rule.pack, f"不适用：{reason}"))
                    continue
                ctx = RuleContext(rule, severity_for(rule, cfg) if cfg.severity else rule.severity)
                try:
                    for out in rule.check(report, ctx) or ():
                        (findings if isinstance(out, Finding) else skipped).append(out)
                except Exception as exc:  # one broken rule must not hide the others' findings
                    findings.append(_crash_finding(rule, exc))
    finally:
        shared.end(memo)
    findings.sort(key=Finding.sort_key)
    return findings, skipped, sorted(packs, key=_pack_order)


def _pack_order(pack: str) -> tuple:
    return pack != "national", pack


def _crash_finding(rule, exc: Exception) -> Finding:
    tb = traceback.extract_tb(exc.__traceback__)[-1]
    return Finding(
        rule="AUDITOR-RULE-CRASH", pack="core", severity="warning", category="parse",
        message=f"规则 {rule.id} 执行出错，已跳过：{type(exc).__name__}: {exc}",
        location={}, evidence=[{"rule": rule.id, "where": f"{tb.filename}:{tb.lineno}"}],
        basis="（内部错误，请向规则包作者报告）")
