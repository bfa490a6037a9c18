"""Shortcuts of the rule stage (issue 13, second round) give what the plain computations give."""
from __future__ import annotations

import itertools

from hypothesis import given, settings, strategies as st

from auditor.engine import readings, shared
from auditor.model import Report, Row, Table
from rules_reference import plain_known_columns as _plain_known_columns
from rules_reference import plain_known_rows as _plain_known_rows

# mostly counts (a table whose rows all read as counts is the usual case), some blanks and non-counts
_VALUES = st.one_of(st.integers(-3, 5), st.integers(0, 9), st.integers(0, 2), st.none(),
                    st.sampled_from([1.5, 0.0, 10 ** 12 - 1, 10 ** 12, -10 ** 12, 10 ** 400, 1e300, -2.5, True]))
COLS = ["a", "b", "total", "c"]


def _countable(v) -> bool:
    return v is not None and -readings._LIMIT < v < readings._LIMIT


def _plain_evaluate(table, cells, check):
    """evaluate as it was before the per-audit counted rows (every row's readings looked at)."""
    rows = table.rows
    by_row: dict = {}
    for r, c in cells:
        by_row.setdefault(r, []).append(c)
    fixed: dict = {}
    varying: list = []
    for r, cols in by_row.items():
        row = rows.get(r)
        if row is None:
            return readings.Outcome("unknown")
        idx = [row.columns.index(c) for c in cols]
        options = list(dict.fromkeys(tuple(rd[i] for i in idx) for rd in row.readings))
        if not options or not all(_countable(v) for opt in options for v in opt):
            return readings.Outcome("unknown")
        keys = [(r, c) for c in cols]
        if len(options) == 1:
            fixed.update(zip(keys, options[0]))
        else:
            varying.append([dict(zip(keys, opt)) for opt in options])
    total = 1
    for opts in varying:
        total *= len(opts)
    if total > readings.MAX_COMBINATIONS:
        return readings.Outcome("unknown")
    verdicts: set = set()
    first_fail = None
    varies = False
    for combo in itertools.product(*varying):
        vals = dict(fixed)
        for part in combo:
            vals.update(part)
        ok = check(vals)
        if ok is None:
            return readings.Outcome("unknown")
        verdicts.add("pass" if ok else "fail")
        if len(verdicts) > 1:
            return readings.Outcome("unknown")
        if not ok:
            if first_fail is None:
                first_fail = vals
            elif vals != first_fail:
                varies = True
    return readings.Outcome(verdicts.pop() if verdicts else "unknown", first_fail, varies)


def _plain_known_values(table, cells):
    out = []
    for r, c in cells:
        row = table.rows.get(r)
        if row is None or len(row.readings) != 1:
            return None
        out.append(row.readings[0][row.columns.index(c)])
    return out if all(_countable(v) for v in out) else None


@st.composite
def _tables(draw):
    # rows sharing one column list (as parsed tables do), equal lists, a column named twice, or each its own
    layout = draw(st.sampled_from(["shared", "equal", "twice", "own"]))
    base = COLS + ["a"] if layout == "twice" else COLS
    rows = {}
    for i in range(draw(st.integers(0, 5))):
        cols = base if layout in ("shared", "twice") else list(base) if layout == "equal" else draw(st.permutations(COLS))
        n = draw(st.sampled_from([1, 1, 1, 2, 3, 0]))
        rows[f"r{i}"] = Row(f"r{i}", "", 1, cols, {}, readings=[tuple(draw(_VALUES) for _c in cols) for _k in range(n)])
    table = Table("t3", rows=rows)
    keys = draw(st.lists(st.sampled_from([*rows, "missing"]), max_size=6))
    want = draw(st.lists(st.sampled_from(COLS), max_size=4))
    cells = draw(st.lists(st.tuples(st.sampled_from([*rows, "missing"]), st.sampled_from(COLS)), max_size=6))
    return table, keys, want, cells


def _checks(cells):
    yield lambda v: sum(v[c] for c in cells[:1]) == sum(v[c] for c in cells[1:])
    yield lambda v: None if cells and v[cells[0]] == 0 else True


@settings(max_examples=600)
@given(_tables(), st.booleans())
def test_lookups_and_evaluate_equal_the_plain_ones_in_and_outside_an_audit(case, in_audit):
    table, keys, want, cells = case
    report = Report("x.txt", "txt", ["x"], tables={"t3": table})
    token = shared.begin(report) if in_audit else None  # in an audit the counted rows are found once
    try:
        for _twice in range(2):
            assert readings.known_rows(table, keys, want) == _plain_known_rows(table, keys, want)
            assert readings.known_columns(table, keys, want) == _plain_known_columns(table, keys, want)
            assert readings.known_values(table, cells) == _plain_known_values(table, cells)
            for check in _checks(cells):
                try:
                    fast = readings.evaluate(table, cells, check)
                except (ValueError, IndexError, KeyError) as exc:
                    fast = type(exc)
                try:
                    plain = _plain_evaluate(table, cells, check)
                except (ValueError, IndexError, KeyError) as exc:
                    plain = type(exc)
                assert fast == plain
    finally:
        if token is not None:
            shared.end(token)


def test_counted_rows_are_shared_only_for_the_audited_reports_tables():
    row = Row("new", "", 1, ["total"], {}, readings=[(3,)])
    table = Table("t3", rows={"new": row})
    report = Report("x.txt", "txt", ["x"], tables={"t3": table})
    other = Table("t3", rows={"new": Row("new", "", 1, ["total"], {}, readings=[(4,)])})
    token = shared.begin(report)
    try:
        assert readings.known_values(table, [("new", "total")]) == [3]
        assert readings.known_values(other, [("new", "total")]) == [4]  # not the audited report's table
    finally:
        shared.end(token)
    row.readings = [(5,)]  # the audit is over: nothing kept
    assert readings.known_values(table, [("new", "total")]) == [5]


# ---------------------------------------------------------------- Ningxia prefilters

import re  # noqa: E402

from auditor_ningxia import checks as nx  # noqa: E402


def _nx_texts():
    words = st.sampled_from(["政府信息公开申请办理规范", "政府信息公开申请", "办理规范", "宁政公开办发", "〔2020〕", "[2020]",
                             "（2020）", "23号", "23 号", " ", "\n", "2020", "23", "号", "宁政", "公开办发", "。", "；", ";",
                             "申请", "登记", "答复", "受理", "办理流程", "工作", "档案", "台账", "收到"])
    return st.lists(words, max_size=20).map("".join)


@settings(max_examples=500)
@given(_nx_texts())
def test_nxgf_literals_decide_as_the_regex(text):
    assert nx._cites_nxgf(text) == bool(nx._NXGF.search(text))


def _plain_describes_handling(report):
    """app_process's text test as first written."""
    texts = [p.text for s, p in report.paragraphs() if s is not None and s.number == 3]
    texts += [sent for _s, p in report.paragraphs() if "申请" in p.text
              for sent in re.split(r"[。；;]", p.text) if "申请" in sent]
    return any(nx._HANDLING.search(t) for t in texts)


@settings(max_examples=300)
@given(st.lists(st.tuples(st.sampled_from([None, 1, 3, 3, 5]), _nx_texts()), max_size=6))
def test_describes_handling_is_the_plain_test(parts):
    from auditor.model import Paragraph, Section

    preamble = [Paragraph(t, i + 1) for i, (n, t) in enumerate(parts) if n is None]
    sections = [Section(n, f"{n}、", i + 1, str(n), [Paragraph(t, i + 1)]) for i, (n, t) in enumerate(parts) if n is not None]
    report = Report("x.txt", "txt", ["x"] * 10, preamble=preamble, sections=sections)
    assert nx._describes_handling(report) == _plain_describes_handling(report)
