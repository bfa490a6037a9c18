"""The rule engine's shortcuts of speed round 3 (issue 13) give what the plain computations give."""
from __future__ import annotations

import dataclasses

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from auditor.config import Config, ignored_for_file, resolve, severity_for
from auditor.engine import run
from auditor.engine.rules import RuleContext
from auditor.findings import Finding, NotAssessable


# ---------------------------------------------------------------- rule selection and run, one pass

def _plain_audit_with_packs(report, rules, cfg):
    """audit_with_packs as first written: applicable() for the packs, then every report rule by
    identity in the active list, stand-ins from the active rules in reverse."""
    chosen = [r for r in rules if r.regions is None or report.region in r.regions or run.explicitly_selected(r, cfg)]
    not_replaced = run._not_replaced(report, chosen)
    packs = sorted({r.pack for r in not_replaced}, key=lambda p: (p != "national", p))
    active = run._not_replaced(report, [r for r in chosen if r.scope == "report"])
    stand_ins = {old: r.id for r in reversed(active) for old in r.replaces}
    findings, skipped = [], []
    for rule in (r for r in rules if r.scope == "report"):
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
        try:
            for out in rule.check(report, RuleContext(rule, severity_for(rule, cfg))) or ():
                (findings if isinstance(out, Finding) else skipped).append(out)
        except Exception as exc:
            findings.append(run._crash_finding(rule, exc))
    findings.sort(key=Finding.sort_key)
    return findings, skipped, packs


def _stub(rule, ctx):
    """A cheap check: a finding and a skip naming the rule, or a crash for rules named *-X."""
    if ctx.rule.id.endswith("-X"):
        raise ValueError("boom")
    yield ctx.fail(location={"line": len(ctx.rule.id)})
    yield ctx.skip("stub")


_CFGS = [Config(), Config(select=["gansu"]), Config(extend_select=["NX-APP"]), Config(region="gansu"),
         Config(severity={"NAT-T3": "info"}), Config(per_file_ignores={"*.txt": ["NAT-SEC"]})]


_IDS = ["NAT-A", "NAT-B", "GS-A", "NX-A", "NX-B-X"]  # (*-X: a crashing rule)


@st.composite
def _rule_sets(draw, base):
    """Rules with stub checks, few ids and packs (so that stand-ins, duplicates and packs meet):
    other scopes, regions, years, stand-ins for present, absent and batch rules."""
    rules = []
    for _ in range(draw(st.integers(1, 8))):
        rules.append(dataclasses.replace(
            draw(st.sampled_from(base)), check=_stub, id=draw(st.sampled_from(_IDS)),
            pack=draw(st.sampled_from(["national", "gansu", "ningxia", "xpack"])),
            replaces=tuple(draw(st.lists(st.sampled_from(_IDS + ["NAT-NOPE"]), max_size=2))),
            scope=draw(st.sampled_from(["report", "report", "batch"])),
            regions=draw(st.sampled_from([None, None, ("gansu",), ("ningxia",), ("gansu", "ningxia")])),
            years=draw(st.sampled_from([(None, None), (None, None), (2021, None), (None, 2020), (2019, 2019)]))))
    return rules


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_audit_with_packs_equals_the_plain_selection(loaded_plugins, parsed_samples, data):
    rules = data.draw(_rule_sets(loaded_plugins.rules))
    cfg = data.draw(st.sampled_from(_CFGS))
    cfg.rule_ids = frozenset(r.id for r in rules)
    report = data.draw(st.sampled_from(parsed_samples))
    assert run.audit_with_packs(report, rules, cfg) == _plain_audit_with_packs(report, rules, cfg)


@pytest.mark.parametrize("cfg", _CFGS[:4], ids=lambda c: f"select={c.select},extend={c.extend_select},region={c.region}")
def test_audit_with_packs_of_the_installed_rules(loaded_plugins, parsed_samples, cfg):
    rules = resolve(loaded_plugins.rules, cfg)
    for report in parsed_samples:
        assert run.audit_with_packs(report, rules, cfg) == _plain_audit_with_packs(report, rules, cfg)
