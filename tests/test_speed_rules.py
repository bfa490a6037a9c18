"""The rule engine's shortcuts (issue 13) give what the straightforward computations give."""
from __future__ import annotations

import dataclasses
import re

import pytest

from auditor.config import Config, resolve
from auditor.engine import run
from auditor.plugins import default_plugins


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
def test_audit_with_packs_equals_audit_and_packs_applied(loaded_plugins, parsed_samples, cfg):
    rules = resolve(loaded_plugins.rules, cfg)
    # a batch rule standing in for a report rule counts for the packs, not for the report run
    batch_rule = next(r for r in loaded_plugins.rules if r.scope == "batch")
    stand_in = dataclasses.replace(batch_rule, id="X-BATCH", pack="xpack", replaces=("NAT-SEC-ORDER",))
    for rs in (rules, rules + [stand_in]):
        for report in parsed_samples:
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


def test_severity_and_per_file_ignores_still_apply(loaded_plugins, parsed_samples):
    report = parsed_samples[3]  # the one with most findings
    cfg = Config(severity={"NAT-T3": "info"}, per_file_ignores={report.source: ["NAT-T3-COL"]})
    rules = resolve(loaded_plugins.rules, cfg)
    findings, skipped = run.audit(report, rules, cfg)
    assert (findings, skipped) == _plain_audit(report, rules, cfg)
    assert not any(f.rule == "NAT-T3-COL" for f in findings)
    t3 = [f for f in findings if f.rule.startswith("NAT-T3")]
    assert t3 and all(f.severity == "info" for f in t3)


# ---------------------------------------------------------------- readings

from hypothesis import given, settings, strategies as st  # noqa: E402

from auditor.engine import readings  # noqa: E402
from auditor.model import Row, Table  # noqa: E402
from rules_reference import plain_all_counts as _plain_all_counts  # noqa: E402
from rules_reference import plain_known_columns as _plain_known_columns  # noqa: E402
from rules_reference import plain_known_rows as _plain_known_rows  # noqa: E402

_VALUES = st.one_of(st.none(), st.integers(-3, 5), st.sampled_from([1.5, 0.0, 10 ** 12 - 1, 10 ** 12, -10 ** 12,
                                                                    10 ** 400, 1e300, -2.5]))


@given(st.lists(_VALUES, max_size=12))
def test_all_counts_is_the_plain_definition(values):
    assert readings._all_counts(values) == _plain_all_counts(values)


COLS = ["a", "b", "total", "c"]


@st.composite
def _tables(draw):
    shared = draw(st.booleans())  # rows sharing one column list (as parsed tables do), or each its own
    rows = {}
    for i in range(draw(st.integers(0, 5))):
        cols = COLS if shared else draw(st.permutations(COLS))
        n = draw(st.sampled_from([1, 1, 1, 2, 0]))
        rows[f"r{i}"] = Row(f"r{i}", "", 1, cols, {}, readings=[tuple(draw(_VALUES) for _c in cols) for _k in range(n)])
    table = Table("t3", rows=rows)
    keys = draw(st.lists(st.sampled_from([*rows, "missing"]), max_size=6))
    want = draw(st.lists(st.sampled_from(COLS), max_size=4))  # none, one (a bare itemgetter value), several
    return table, keys, want


@settings(max_examples=500)
@given(_tables())
def test_known_columns_and_rows_are_the_plain_lookups(case):
    table, keys, want = case
    assert readings.known_columns(table, keys, want) == _plain_known_columns(table, keys, want)
    assert readings.known_rows(table, keys, want) == _plain_known_rows(table, keys, want)
    if want:  # (with no cells, known_values gives [] even for a missing row)
        assert readings.known_rows(table, keys, want) == [readings.known_values(table, [(r, c) for c in want])
                                                          for r in keys]


# ---------------------------------------------------------------- values shared by the rules of one audit

from auditor.engine import shared  # noqa: E402
from auditor.packs import national  # noqa: E402


def test_once_per_audit_is_computed_once_for_the_audited_report_only(parsed_samples):
    calls = []

    @shared.once_per_audit
    def value(report):
        calls.append(report)
        return len(calls)

    a, b = parsed_samples[0], parsed_samples[1]
    assert (value(a), value(a)) == (1, 2)  # outside an audit: every call computes
    token = shared.begin(a)
    try:
        assert (value(a), value(a)) == (3, 3)
        assert (value(b), value(b)) == (4, 5)  # another report: not from the memo
        inner = shared.begin(b)  # (an audit inside a rule) has its own memo
        assert (value(b), value(b), value(a)) == (6, 6, 7)
        shared.end(inner)
        assert value(a) == 3
    finally:
        shared.end(token)
    assert value(a) == 8  # the audit is over: nothing kept


def test_audit_shares_values_only_during_the_audit(loaded_plugins, parsed_samples, monkeypatch):
    seen = []
    plain = national._all_text.__wrapped__

    def counting(report):
        seen.append(report)
        return plain(report)

    monkeypatch.setattr(national, "_all_text", shared.once_per_audit(counting))
    cfg = Config()
    rules = resolve(loaded_plugins.rules, cfg)
    for report in parsed_samples:
        run.audit(report, rules, cfg)
    assert seen and len({id(r) for r in seen}) == len(seen)  # up to four rules, one computation each
    first = parsed_samples[0]
    text = national._all_text(first)
    first.preamble[0].text += "（改）"  # a report changed after its audit is read afresh
    try:
        assert national._all_text(first) != text
    finally:
        first.preamble[0].text = first.preamble[0].text[:-len("（改）")]


def _texts():
    words = st.sampled_from(["考核", "考评", "评议", "满意度", "问责", "结果", "优秀", "。", "；", "\n", "工作", "得分",
                             "90分", "未发生", "责任追究", "社会评议", "统计", "数据统计", "2020年1月1日至12月31日",
                             "2021年1月1日到2021年12月31日", "31", "12月", "本年度", " "])
    return st.lists(words, max_size=30).map("".join)


@settings(max_examples=300)
@given(_texts())
def test_assess_topics_missing_are_those_without_a_match(text):
    """gov_assess takes the topics gov_assess_weak finds: no sentence ⇔ no match of the topic."""
    for words in national._ASSESS_TOPICS.values():
        assert bool(national._topic_sentences(text, words)) == bool(re.search("|".join(words), text))


def test_gov_assess_rules_give_what_they_gave_alone(loaded_plugins, parsed_samples):
    """Each of the two rules on its own (no audit: no shared value) = within the audit."""
    from auditor.engine.rules import RuleContext

    cfg = Config()
    rules = resolve(loaded_plugins.rules, cfg)
    for report in parsed_samples:
        findings, _skipped = run.audit(report, rules, cfg)
        for rule in run.applicable(report, rules, cfg):
            if rule.applies(report) is None and rule.check in (national.gov_assess, national.gov_assess_weak, national.period_year,
                              national.period_missing, national.fee_statement, national.sec6_gov_extra):
                alone = list(rule.check(report, RuleContext(rule, rule.severity)))
                assert alone == [f for f in findings if f.rule == rule.id]


@settings(max_examples=300)
@given(_texts())
def test_statistical_period_matches_only_texts_holding_31(text):
    """_period_statements skips paragraphs without "31": the pattern cannot match them."""
    if national.STATISTICAL_PERIOD.search(text):
        assert "31" in text


def test_period_statements_are_those_of_the_plain_scan(parsed_samples):
    found = 0
    for report in parsed_samples:
        plain = [(para, m.group(0)) for sec, para in report.paragraphs()
                 for m in national.STATISTICAL_PERIOD.finditer(para.text)
                 if national._PERIOD_WORDS.search(para.text[max(0, m.start() - 40):m.start()]) or sec is None]
        assert [(para, m.group(0)) for para, m in national._period_statements(report)] == plain
        found += len(plain)
    assert found


def _year_plan_plain(report):
    sec = report.section(5)
    y = report.year
    pat = re.compile(rf"(?<!\d){y}\s*年\s*(?:度\s*)?(?:政务公开|政府信息公开)?(?:工作)?(?:计划|打算|工作思路|工作安排|工作要点)"
                     r"(?!\s*(?:完成|落实|执行)情况)")
    return [(para.line_at(m.start()), m.group(0)) for para in sec.paragraphs for m in pat.finditer(para.text)]


@settings(max_examples=200)
@given(st.lists(st.lists(st.sampled_from(["2020", "2021", "2020年", "年度", "工作计划", "计划", "工作要点", "完成情况",
                                          "打算", "12020", " ", "。", "政务公开"]), max_size=12).map("".join),
                min_size=1, max_size=4),
       st.sampled_from([2020, 2021]))
def test_year_plan_scans_only_paragraphs_with_the_year_yet_finds_every_match(texts, year):
    from auditor.engine.rules import RuleContext
    from auditor.model import Paragraph, Report, Section

    sec = Section(5, "五、存在的主要问题及改进情况", 1, "五", [Paragraph(t, i + 2) for i, t in enumerate(texts)])
    report = Report("x.txt", "txt", ["x"] * 10, year=year, sections=[sec])
    rule = next(r for r in default_plugins().rules if r.check is national.year_plan)
    found = [(f.location["line"], f.actual) for f in rule.check(report, RuleContext(rule, rule.severity))]
    assert found == _year_plan_plain(report)


_RAWS = st.sampled_from([None, "", "0", "12", "１２", "1.5", "-3", "3件", "约5", "二", "5 "])
_CELL_VALUES = st.sampled_from([None, 0, 3, 12, -3, 1.5, 2.0, -0.0, True, 10 ** 13])


def _counts_integer_plain(report, ctx):
    for name in ("t3", "t4"):
        t = report.tables[name]
        for key, row in t.rows.items():
            for col in row.columns:
                c = row.cells[col]
                if c.value is None:
                    continue
                bad = c.value < 0 or (isinstance(c.value, float) and not c.value.is_integer()) or (
                    c.raw is not None and not c.raw.isdecimal())
                if bad:
                    yield (name, key, col, c.raw)


@settings(max_examples=300)
@given(st.lists(st.tuples(_CELL_VALUES, _RAWS), min_size=1, max_size=14))
def test_counts_integer_fast_path_flags_what_the_full_check_flags(cells):
    from auditor.engine.rules import RuleContext
    from auditor.model import Cell, Report

    cols = ["a", "b"]
    rows = {}
    for i in range(0, len(cells), 2):
        part = cells[i:i + 2]
        rows[f"r{i}"] = Row(f"r{i}", "", 3, cols[:len(part)],
                            {c: Cell(v, raw, 3) for c, (v, raw) in zip(cols, part)})
    report = Report("x.txt", "txt", ["x"] * 5, tables={"t3": Table("t3", rows=rows, found=True), "t4": Table("t4")})
    rule = next(r for r in default_plugins().rules if r.check is national.counts_integer)
    ctx = RuleContext(rule, rule.severity)
    found = [(f.location["table"], f.location["row"], f.location["column"], f.actual) for f in rule.check(report, ctx)]
    assert found == list(_counts_integer_plain(report, ctx))


# ---------------------------------------------------------------- limits

@pytest.mark.skipif(not hasattr(__import__("signal"), "setitimer"), reason="POSIX timers")
def test_time_limit_restores_whatever_alarm_handler_was_there():
    import signal
    import time

    from auditor.limits import Limits, TimeLimitExceeded, guarded, time_limit

    def mine(_signum, _frame):
        pass

    before = signal.getsignal(signal.SIGALRM)
    try:
        for previous in (signal.SIG_DFL, signal.SIG_IGN, mine):
            signal.signal(signal.SIGALRM, previous)
            with time_limit(30):
                assert signal.getsignal(signal.SIGALRM) not in (signal.SIG_DFL, signal.SIG_IGN, mine)
            assert signal.getsignal(signal.SIGALRM) == previous
            assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
            with pytest.raises(TimeLimitExceeded):
                with time_limit(0.05):
                    time.sleep(2)
            assert signal.getsignal(signal.SIGALRM) == previous
            with pytest.raises(Exception, match="处理超时"):
                with guarded("slow.txt", Limits(max_seconds=0.05)):
                    time.sleep(2)
            assert signal.getsignal(signal.SIGALRM) == previous
    finally:
        signal.signal(signal.SIGALRM, before)
