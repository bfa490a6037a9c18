"""Run the selected rules over one report, isolating rules that crash."""
from __future__ import annotations

import traceback

from ..config import Config, ignored_for_file, severity_for
from ..findings import Finding, NotAssessable
from ..model import Report
from .rules import RuleContext


def audit(report: Report, rules: list, cfg: Config) -> tuple[list[Finding], list[NotAssessable]]:
    findings: list[Finding] = []
    skipped: list[NotAssessable] = []
    for rule in rules:
        if ignored_for_file(rule, cfg, report.source):
            continue
        reason = rule.applies(report)
        if reason is not None:
            skipped.append(NotAssessable(rule.id, rule.pack, f"不适用：{reason}"))
            continue
        ctx = RuleContext(rule, severity_for(rule, cfg))
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
    findings.sort(key=Finding.sort_key)
    return findings, skipped
