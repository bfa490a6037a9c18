"""The rule engine's shortcuts (issue 13) give what the straightforward computations give."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from auditor.api import parse_file
from auditor.config import Config, resolve
from auditor.engine import run
from auditor.plugins import default_plugins

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = sorted((ROOT / "sample_reports").glob("*.txt"))


@pytest.fixture(scope="module")
def loaded():
    return default_plugins()


@pytest.fixture(scope="module")
def reports(loaded):
    return [parse_file(p, loaded) for p in SAMPLES]


# ---------------------------------------------------------------- rule selection

CONFIGS = [
    Config(),
    Config(select=["gansu"]),  # a regional pack named on purpose runs on every report
    Config(select=["ALL"]),  # broad: regional packs still only for their region
    Config(extend_select=["NX-APP-PROCESS"]),
    Config(ignore=["NX-PREAMBLE-PERIOD", "GS-PERIOD"]),  # no stand-ins
    Config(select=["national"]),
    Config(region="gansu"),
]


@pytest.mark.parametrize("cfg", CONFIGS, ids=lambda c: f"select={c.select},extend={c.extend_select},ignore={c.ignore}")
def test_audit_with_packs_equals_audit_and_packs_applied(loaded, reports, cfg):
    rules = resolve(loaded.rules, cfg)
    # a batch rule standing in for a report rule counts for the packs, not for the report run
    stand_in = dataclasses.replace(next(r for r in loaded.rules if r.scope == "batch"), id="X-BATCH", pack="xpack",
                                   replaces=("NAT-SEC-ORDER",))
    for rs in (rules, rules + [stand_in]):
        for report in reports:
            findings, skipped, packs = run.audit_with_packs(report, rs, cfg)
            assert packs == run.packs_applied(report, rs, cfg)
            assert (findings, skipped) == run.audit(report, rs, cfg)
            assert (findings, skipped) == _plain_audit(report, rs, cfg)


def _plain_audit(report, rules, cfg):
    """audit() as first written: the applicable rules by explicitly_selected, one rule at a time."""
    from auditor.config import ignored_for_file, severity_for
    from auditor.engine.rules import RuleContext
    from auditor.findings import Finding, NotAssessable

    rules = [r for r in rules if r.scope == "report"]
    chosen = [r for r in rules if r.regions is None or report.region in r.regions or run.explicitly_selected(r, cfg)]
    replaced = {old for r in chosen if r.replaces and r.applies(report) is None for old in r.replaces}
    active = [r for r in chosen if r.id not in replaced]
    stand_ins = {old: r.id for r in reversed(active) for old in r.replaces}
    findings, skipped = [], []
    for rule in rules:
        if not any(rule is a for a in active):
            if stand_ins.get(rule.id):
                skipped.append(NotAssessable(rule.id, rule.pack, f"由地区规则 {stand_ins[rule.id]} 代替"))
            continue
        if ignored_for_file(rule, cfg, report.source):
            continue
        reason = rule.applies(report)
        if reason is not None:
            skipped.append(NotAssessable(rule.id, rule.pack, f"不适用：{reason}"))
            continue
        for out in rule.check(report, RuleContext(rule, severity_for(rule, cfg))) or ():
            (findings if isinstance(out, Finding) else skipped).append(out)
    findings.sort(key=Finding.sort_key)
    return findings, skipped


def test_severity_and_per_file_ignores_still_apply(loaded, reports):
    report = reports[3]  # the one with most findings
    cfg = Config(severity={"NAT-T3": "info"}, per_file_ignores={report.source: ["NAT-T3-COL"]})
    rules = resolve(loaded.rules, cfg)
    findings, skipped = run.audit(report, rules, cfg)
    assert (findings, skipped) == _plain_audit(report, rules, cfg)
    assert not any(f.rule == "NAT-T3-COL" for f in findings)
    t3 = [f for f in findings if f.rule.startswith("NAT-T3")]
    assert t3 and all(f.severity == "info" for f in t3)
