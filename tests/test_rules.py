"""Every national rule has a failing and a passing case (faulty variants of the seeds), and a doc."""
import re

import pytest

from tools.variants import RULE_CASES, VARIANTS


def fired(audit_case, case):
    _rep, findings, _skipped = audit_case(case)
    return {f.rule for f in findings}


def evaluated(audit_case, case):
    _rep, _findings, skipped = audit_case(case)
    return {s.rule for s in skipped}


@pytest.mark.parametrize("rule_id", sorted(RULE_CASES))
def test_rule_fires_on_its_failing_cases(rule_id, audit_case):
    for case in RULE_CASES[rule_id][0]:
        assert rule_id in fired(audit_case, case), f"{rule_id} should fire on {case}"


@pytest.mark.parametrize("rule_id", sorted(RULE_CASES))
def test_rule_passes_on_its_passing_cases(rule_id, audit_case):
    for case in RULE_CASES[rule_id][1]:
        assert rule_id not in fired(audit_case, case), f"{rule_id} should not fire on {case}"
        assert rule_id not in evaluated(audit_case, case), f"{rule_id} was not assessed on {case}"


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_variant_produces_stated_findings(name, audit_case):
    got = fired(audit_case, name)
    for rule_id in VARIANTS[name]["expect"]:
        assert rule_id in got, f"variant {name} ({VARIANTS[name]['about']}) should produce {rule_id}"


def test_every_rule_has_cases_and_doc(rules):
    """Meta-test: a registered rule without a failing case, a passing case or a full doc fails here."""
    national = [r for r in rules if r.pack == "national" and r.scope == "report"]  # batch rules: test_crossreport
    assert len(national) >= 30
    for r in national:
        assert r.id in RULE_CASES, f"{r.id} has no test cases"
        fails, passes = RULE_CASES[r.id]
        assert fails and passes, f"{r.id} needs a failing and a passing case"
        for k in ("问题", "依据", "反例", "正例"):
            assert len(r.doc.get(k, "")) >= 2, f"{r.id} doc lacks {k}"
        assert r.basis and r.summary
        assert re.search(r"[\u4e00-\u9fff]", r.summary), f"{r.id} summary must be Chinese"
    assert set(RULE_CASES) <= {r.id for r in national}, "cases for rules that do not exist"


def test_every_shipped_rule_has_a_short_chinese_title(regional):
    for r in regional:
        assert r.title and len(r.title) <= 40 and "{" not in r.title, f"{r.id} needs a short title"
        assert re.search(r"[\u4e00-\u9fff]", r.title), f"{r.id} title must be Chinese"


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_variant_has_no_unstated_narrative_findings(name, audit_case):
    """Narrative checks must be precise: on a variant they raise exactly what the variant states."""
    narrative = {r for r in fired(audit_case, name) if r.startswith("NAT-TXT-")}
    seed_own = {r for r in fired(audit_case, "seed:" + VARIANTS[name]["seed"]) if r.startswith("NAT-TXT-")}
    assert narrative <= set(VARIANTS[name]["expect"]) | seed_own
