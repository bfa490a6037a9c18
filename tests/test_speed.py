"""The fast paths give the results of the straightforward ones; numbers too long to be counts
never crash a rule (issue 11); caches are safe (issue 13)."""
from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from auditor.batch import audit_file
from auditor.config import Config
from auditor.parse import claims
from auditor.plugins import default_plugins

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "sample_reports" / "000_4514475f3fb3965f.txt"
HUGE = "9" * 400  # beyond a float (1.8e308): summed with a decimal it overflowed


def _audit(tmp_path: Path, text: str):
    path = tmp_path / "report.txt"
    path.write_text(text, encoding="utf-8")
    loaded = default_plugins()
    return audit_file(path, loaded.rules, Config(), loaded)


def _with_cell(text: str, label: str, value: str) -> str:
    """The seed with the first cell of the 表三 row `label` replaced by `value`."""
    lines = text.split("\n")
    i = next(i for i, ln in enumerate(lines) if label in ln and "\t" in ln)
    head, sep, rest = lines[i].partition(label)
    cells = rest.split("\t")
    j = next(k for k, c in enumerate(cells) if c.strip())
    cells[j] = value
    lines[i] = head + sep + "\t".join(cells)
    return "\n".join(lines)


def test_huge_number_in_a_breakdown_is_not_a_count(tmp_path):
    # Before: OverflowError in NAT-TXT-SUM (a 300-digit int plus a decimal), reported as a crash.
    text = SEED.read_text(encoding="utf-8").replace(
        "共受理政府信息公开申请6件，", f"共受理政府信息公开申请3件（其中：信函申请{HUGE}件，网上申请1.5件），")
    result = _audit(tmp_path, text)
    assert result.error is None
    rules = {f.rule for f in result.findings}
    assert "AUDITOR-RULE-CRASH" not in rules
    assert not {"NAT-TXT-SUM", "NAT-TXT-SUM-SHORT"} & rules
    huge = [c for c in result.report.narrative.claims if c.value is not None and c.value > 10 ** 12]
    assert huge and all(not c.comparable and c.scope == claims.NOT_A_COUNT for c in huge)
    assert not any(b for b in result.report.narrative.breakdowns if b.total.value == 3)


def test_huge_number_as_a_claim_is_not_compared(tmp_path):
    text = SEED.read_text(encoding="utf-8").replace("共受理政府信息公开申请6件，", f"共受理政府信息公开申请{HUGE}件，")
    result = _audit(tmp_path, text)
    assert "NAT-TXT-RECEIVED" not in {f.rule for f in result.findings}
    assert "AUDITOR-RULE-CRASH" not in {f.rule for f in result.findings}


def test_huge_cell_next_to_a_decimal_makes_the_column_not_assessable(tmp_path):
    # Before: OverflowError in NAT-T3-SUM (the results column sums a 300-digit cell and 0.5).
    text = _with_cell(SEED.read_text(encoding="utf-8"), "4. 保护第三方合法权益", HUGE)
    text = _with_cell(text, "5. 属于三类内部事务信息", "0.5")
    result = _audit(tmp_path, text)
    assert result.error is None
    by_rule = {f.rule for f in result.findings}
    assert "AUDITOR-RULE-CRASH" not in by_rule
    skipped = [s for s in result.skipped if s.rule == "NAT-T3-SUM" and s.location.get("column") == "natural"]
    assert skipped, "the 自然人 column of NAT-T3-SUM should be not assessable"
    assert not [f for f in result.findings if f.rule == "NAT-T3-SUM" and f.location.get("column") == "natural"]
