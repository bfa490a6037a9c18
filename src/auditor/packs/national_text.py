"""National pack, narrative checks: numbers in the text versus the tables, and in-text arithmetic.

The claims are extracted at parse time (auditor.parse.claims); these rules only compare. Simple
one-claim-one-cell comparisons are declarative (`claim_table` in rules/national/text.toml); the
rules here combine several claims or cells.
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from itertools import groupby

from ..engine.declarative import cell_evidence, claim_evidence, fmt_number, row_name
from ..engine.readings import evaluate
from ..model import Rate, Report

CHANNEL_NAMES = {"online": "网上", "email": "电子邮件", "letter": "信函", "in_person": "当面", "fax": "传真",
                 "phone": "电话"}


def channels(report: Report, ctx):
    t3 = report.t3
    listed = [c for c in report.narrative.claims if c.metric == "app.channel"]
    for _key, group in groupby(listed, key=lambda c: (c.line, c.sentence)):
        group = list(group)
        loc = {"line": group[0].line, "table": "t3", "row": "new", "column": "total"}
        if not all(c.comparable for c in group):
            continue
        if not t3.found:
            yield ctx.skip("未找到表三", loc)
            continue
        total = sum(c.value for c in group)
        several = len({c.detail.get("channel") for c in group}) > 1
        cells = [("new", "total"), ("carried", "total")]

        def consistent(v, total=total, several=several):
            accepted = (v[("new", "total")], v[("new", "total")] + v[("carried", "total")])
            # One channel alone may be a partial listing: only more than the total contradicts.
            return total in accepted if several else total <= max(accepted)
        out = evaluate(t3, cells, consistent)
        if out.verdict == "unknown":
            yield ctx.skip("表三新收申请总计无法确定", loc)
        elif out.verdict == "fail":
            parts = " + ".join(f"{CHANNEL_NAMES.get(c.detail.get('channel'), '')}{fmt_number(c.value)}" for c in group)
            ev = [claim_evidence(report, c) for c in group[:1]]
            ev += [cell_evidence(report, t3, r, col, out.values[(r, col)]) for r, col in cells]
            yield ctx.fail(location=loc, expected=fmt_number(out.values[("new", "total")]), actual=fmt_number(total),
                           evidence=ev, parts=parts, sum=fmt_number(total), table="表三",
                           value=fmt_number(out.values[("new", "total")]))


_LIT_CELLS = {"review": [("review", "total")],
              "suit": [("suit_direct", "total"), ("suit_after_review", "total")]}


def litigation_none(report: Report, ctx):
    t4 = report.t4
    for claim in report.narrative.claims:
        if claim.metric != "lit.none":
            continue
        loc = {"line": claim.line, "table": "t4"}
        if not claim.comparable:
            continue
        if not t4.found:
            yield ctx.skip("未找到表四", loc)
            continue
        cells = [cell for what in claim.detail.get("covers", []) for cell in _LIT_CELLS[what]]
        if not cells:
            continue
        out = evaluate(t4, cells, lambda v: all(v[c] == 0 for c in cells))
        if out.verdict == "unknown":
            yield ctx.skip("表四相关单元格无法确定", loc)
        elif out.verdict == "fail":
            nonzero = [c for c in cells if out.values[c]]
            names = "、".join(f"{row_name('t4', r)}总计（{fmt_number(out.values[(r, col)])}）" for r, col in nonzero)
            loc.update({"row": nonzero[0][0], "column": "total"})
            ev = [claim_evidence(report, claim)]
            ev += [cell_evidence(report, t4, r, col, out.values[(r, col)]) for r, col in cells]
            yield ctx.fail(location=loc, expected=0, actual={f"{r}.{col}": out.values[(r, col)] for r, col in cells},
                           evidence=ev, phrase=claim.phrase, cells=names)


def done_rate_full(report: Report, ctx):
    t3 = report.t3
    for rate in report.narrative.rates:
        if rate.value != 100 or not rate.application or not any(w in rate.phrase for w in ("办结", "答复")):
            continue
        loc = {"line": rate.line, "table": "t3", "row": "carried_forward", "column": "total"}
        if not t3.found:
            yield ctx.skip("未找到表三", loc)
            continue
        cell = ("carried_forward", "total")
        out = evaluate(t3, [cell], lambda v: v[cell] == 0)
        if out.verdict == "unknown":
            yield ctx.skip("表三“结转下年度继续办理”总计无法确定", loc)
        elif out.verdict == "fail":
            ev = [claim_evidence(report, rate), cell_evidence(report, t3, *cell, out.values[cell])]
            yield ctx.fail(location=loc, expected=0, actual=fmt_number(out.values[cell]), evidence=ev,
                           phrase=rate.phrase, value=fmt_number(out.values[cell]))


def _rate_deviation(rate: Rate) -> tuple[Decimal, Decimal, Decimal] | None:
    """(exact rate, |printed − exact|, one unit of the last printed digit), or None if not checkable."""
    num, den = rate.numerator, rate.denominator
    if num is None or den is None or not den.value or num.value > den.value:
        return None
    exact = Decimal(num.value) * 100 / Decimal(den.value)
    unit = Decimal(1).scaleb(-rate.decimals)
    return exact, abs(Decimal(str(rate.value)) - exact), unit


def _rate_finding(report: Report, ctx, rate: Rate, exact: Decimal):
    shown = exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) if exact % 1 else exact.quantize(Decimal(1))
    ev = [claim_evidence(report, rate)]
    return ctx.fail(location={"line": rate.line}, expected=f"{shown}%", actual=f"{fmt_number(rate.value)}%",
                    evidence=ev, phrase=rate.phrase.strip(), num=fmt_number(rate.numerator.value),
                    den=fmt_number(rate.denominator.value), exact=shown)


def rate_wrong(report: Report, ctx):
    for rate in report.narrative.rates:
        dev = _rate_deviation(rate)
        if dev and dev[1] > dev[2]:
            yield _rate_finding(report, ctx, rate, dev[0])


def rate_rounding(report: Report, ctx):
    for rate in report.narrative.rates:
        dev = _rate_deviation(rate)
        if dev and dev[2] / 2 < dev[1] <= dev[2]:
            yield _rate_finding(report, ctx, rate, dev[0])


def _breakdown_findings(report: Report, ctx, over: bool):
    for b in report.narrative.breakdowns:
        total = b.total.value
        parts_sum = sum(p.value for p in b.parts)
        if (over and parts_sum > total) or (not over and len(b.parts) >= 2 and parts_sum < total):
            ev = [{"line": b.line, "ref": report.ref(b.line), "text": b.sentence[:200]}]
            yield ctx.fail(location={"line": b.line}, expected=fmt_number(total), actual=fmt_number(parts_sum), evidence=ev,
                           parts=" + ".join(fmt_number(p.value) for p in b.parts), sum=fmt_number(parts_sum),
                           total=fmt_number(total), total_phrase=b.total.phrase)


def breakdown_over(report: Report, ctx):
    yield from _breakdown_findings(report, ctx, over=True)


def breakdown_short(report: Report, ctx):
    yield from _breakdown_findings(report, ctx, over=False)

