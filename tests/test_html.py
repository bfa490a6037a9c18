"""The one HTML renderer: the batch file and the single-report page, checked by parsing the HTML."""
from __future__ import annotations

import copy
import io

import lxml.html
import pytest

from auditor.render.html import render_report_page, verdict, write_html

from webutil import SCRIPT, records


@pytest.fixture(scope="module")
def recs():
    return records()


@pytest.fixture(scope="module")
def batch(recs):
    buf = io.StringIO()
    write_html(recs, buf, title="2020 年度报告批量审查")
    return buf.getvalue()


def _report(doc, source):
    return next(s for s in doc.xpath("//section[@class='report']") if source in s.text_content())


def test_batch_is_self_contained(batch):
    doc = lxml.html.fromstring(batch)
    assert not doc.xpath("//link") and not doc.xpath("//script[@src]") and not doc.xpath("//img")
    for el in doc.xpath("//*[@href]"):
        assert el.get("href").startswith("#"), el.get("href")
    assert len(doc.xpath("//style")) == 1 and len(doc.xpath("//script")) == 1
    assert "http://" not in batch and "https://" not in batch and "@import" not in batch


def test_batch_summary_counts_per_report_and_rule(batch, recs):
    doc = lxml.html.fromstring(batch)
    rows = doc.xpath("//table[@id='report-summary']/tbody/tr")
    assert len(rows) == 5
    for row, rec in zip(rows, recs):
        cells = [c.text_content().strip() for c in row.xpath("td")]
        errors = sum(1 for f in rec["findings"] if f["severity"] == "error")
        warnings = sum(1 for f in rec["findings"] if f["severity"] == "warning")
        assert cells[0] == rec["source"] and cells[5] == str(errors) and cells[6] == str(warnings)
    by_rule = {r.xpath("td")[0].text_content(): r.xpath("td")[3].text_content()
               for r in doc.xpath("//table[@id='rule-summary']/tbody/tr")}
    assert by_rule["NAT-T3-COL"] == "1"
    assert by_rule["NAT-GOV-ASSESS"] == str(sum(1 for r in recs for f in r["findings"] if f["rule"] == "NAT-GOV-ASSESS"))
    assert doc.xpath("//table[@id='report-summary']/thead//th[@data-type='num']")


def test_sample_003_totals_cells_highlighted_with_the_finding(batch):
    doc = lxml.html.fromstring(batch)
    rep = _report(doc, "003_c2bcf9dd95c89acf.txt")
    n = rep.get("id")
    assert "有 2 个错误需要改正" in rep.xpath(".//div[contains(@class,'verdict')]")[0].text_content()
    for row in ("new", "carried", "total_processed", "carried_forward"):
        td = doc.get_element_by_id(f"{n}-t3-{row}-total")
        assert "hit" in td.get("class") and "sev-error" in td.get("class")
        fids = td.get("data-findings").split()
        finding = doc.get_element_by_id(fids[0])
        assert "NAT-T3-COL" in finding.text_content() and "应为" in finding.text_content()
        assert "NAT-T3-COL" in td.get("title")
    # the row check highlights the whole 无法提供1 row; an untouched cell is not highlighted
    assert "hit" in doc.get_element_by_id(f"{n}-t3-unable_1-natural").get("class")
    assert doc.get_element_by_id(f"{n}-t3-deny_1-natural").get("class") in (None, "blank")
    # the jump of a totals finding goes to a highlighted cell
    jump = rep.xpath(".//li[@data-rule='NAT-T3-COL']//a[@class='jump']")[0]
    assert "hit" in doc.get_element_by_id(jump.get("href")[1:]).get("class")


def test_contradicting_sentence_highlighted(batch):
    doc = lxml.html.fromstring(batch)
    rep = _report(doc, "003_c2bcf9dd95c89acf.txt")
    sentences = rep.xpath(".//p[contains(@class,'sentence')]")
    marks = [m.text_content() for s in sentences for m in s.xpath(".//mark")]
    assert "办结3件" in marks and "本机关不掌握相关政府信息3件" in marks
    s = next(s for s in sentences if "办结3件" in s.text_content())
    assert s.get("data-findings") and "第23行" in s.text_content()


def test_clean_report_verdict_and_no_highlight(batch):
    doc = lxml.html.fromstring(batch)
    rep = _report(doc, "000_4514475f3fb3965f.txt")
    assert rep.get("data-verdict") == "ok"
    assert not rep.xpath(".//td[contains(@class,'hit')]")
    t2 = rep.xpath(".//table[contains(@class,'t2')]")[0]
    assert "本年新制作数量" in t2.text_content() and "本年制发件数" not in t2.text_content()


def test_report_text_is_escaped(recs):
    rec = copy.deepcopy(recs[3])
    rec["source"] = SCRIPT + ".txt"
    rec["profile"]["title"] = SCRIPT
    rec["profile"]["organ"] = "<img src=x onerror=alert(1)>"
    f = rec["findings"][0]
    f["message"] = SCRIPT
    f["evidence"][0]["label"] = SCRIPT
    rec["tables"]["t3"]["rows"]["new"]["label"] = SCRIPT
    page = render_report_page(rec, lines=[SCRIPT, "第二行"], docs={})
    buf = io.StringIO()
    write_html([rec], buf, title=SCRIPT)
    for html in (page, buf.getvalue()):
        assert SCRIPT not in html and "<img" not in html
        doc = lxml.html.fromstring(html)
        assert len(doc.xpath("//script")) == 1 and not doc.xpath("//img")
        assert SCRIPT in doc.text_content()


def test_cross_report_finding_shows_both_sides(recs):
    rec = copy.deepcopy(recs[3])
    rec["findings"].append({
        "rule": "NAT-CROSS-CARRIED", "pack": "national", "severity": "warning", "category": "cross-report",
        "message": "本年“上年结转”与上一年度报告的“结转下年度继续办理”不一致", "location": {"table": "t3", "row": "carried",
                                                                         "column": "total", "line": 71, "ref": "第71行"},
        "expected": 5, "actual": 0, "evidence": [{"table": "t3", "row": "carried", "column": "total", "value": 0, "line": 71}],
        "basis": "表三说明", "related": [{"source": "2019.docx", "organ": "兴庆区掌政镇", "year": 2019, "line": 94,
                                          "ref": "第94行", "excerpt": "四、结转下年度继续办理 5",
                                          "cells": [{"label": "结转下年度继续办理 / 总计", "value": 5}]}]})
    doc = lxml.html.fromstring(render_report_page(rec, docs={}))
    li = doc.xpath("//li[@data-rule='NAT-CROSS-CARRIED']")[0]
    text = li.text_content()
    assert "2019.docx" in text and "兴庆区掌政镇 2019 年" in text and "四、结转下年度继续办理 5" in text
    assert "结转下年度继续办理 / 总计：5" in text
    assert "hit" in doc.get_element_by_id("r0-t3-carried-total").get("class")


def test_page_with_static_prefix_has_no_inline_code(recs):
    html = render_report_page(recs[3], static_prefix="/static", lines=["a"], docs={})
    doc = lxml.html.fromstring(html)
    assert doc.xpath("//script/@src") == ["/static/report.js"] and not doc.xpath("//style")
    assert not doc.xpath("//*[@style]") and not [a for el in doc.iter() for a in el.attrib if a.startswith("on")]


def test_verdicts():
    base = {"source": "a.txt", "error": None, "profile": {}, "findings": [], "not_assessable": []}
    assert verdict(base)["text"] == "可以发布"
    warn = dict(base, findings=[{"severity": "warning"}])
    assert verdict(warn)["text"] == "需要人工核对"
    unsure = dict(base, not_assessable=[{"rule": "X", "reason": "“总计”列有单元格无法确定", "location": {"table": "t3"}}])
    assert verdict(unsure)["kind"] == "review"
    not_applicable = dict(base, not_assessable=[{"rule": "X", "reason": "不适用：仅适用于 2021 年", "location": {}}])
    assert verdict(not_applicable)["kind"] == "ok"
    errs = dict(base, findings=[{"severity": "error"}, {"severity": "error"}, {"severity": "info"}])
    assert verdict(errs)["text"] == "有 2 个错误需要改正"
    assert verdict(dict(base, error="文件为空"))["kind"] == "unreadable"


def test_unreadable_record_in_batch():
    rec = {"source": "bad.docx", "error": "不是有效的 DOCX 文件", "packs": [], "profile": None, "findings": []}
    buf = io.StringIO()
    write_html([rec], buf, title="批量")
    doc = lxml.html.fromstring(buf.getvalue())
    assert "不是有效的 DOCX 文件" in doc.text_content() and "无法读取 1 份" in doc.text_content()
