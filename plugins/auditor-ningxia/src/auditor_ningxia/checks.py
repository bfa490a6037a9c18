"""Python rules of the Ningxia pack (metadata in rules.toml)."""
from __future__ import annotations

import re

from auditor.plugin import (STATISTICAL_PERIOD, cell_evidence, evaluate, line_evidence, preamble_line,
                            preamble_text, section_line, section_text)

_CITE_2021 = re.compile(r"国办公开办函\s*[〔\[(（]\s*2021\s*[〕\])）]\s*30\s*号")
_CITE_2019 = re.compile(r"国办公开办函\s*[〔\[(（]\s*2019\s*[〕\])）]\s*60\s*号")
_TIAOLI = re.compile(r"政府信息公开条例|《条例》")
_NXGF = re.compile(r"政府信息公开申请办理规范|宁政公开办发\s*[〔\[(（]\s*2020\s*[〕\])）]\s*23\s*号")
# Words that describe how applications were handled ("审核/审查" are left out: "保密审查" is about
# publishing, not applications).
_HANDLING = re.compile(r"登记|答复|回复|归档|台账|档案|办理流程|工作流程|办理程序|处理程序|受理")
_WORKDAYS = re.compile(r"(\d+|[一二三四五六七八九十]+)\s*个\s*工作日")
_CN = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


def preamble_cite(report, ctx):
    if not _CITE_2021.search(preamble_text(report)):
        yield ctx.fail(location={"line": preamble_line(report)}, expected="国办公开办函〔2021〕30号",
                       evidence=[line_evidence(report, preamble_line(report))])


def preamble_old_cite(report, ctx):
    text = preamble_text(report)
    m = _CITE_2019.search(text)
    if m and not _CITE_2021.search(text):
        yield ctx.fail(location={"line": preamble_line(report)}, expected="国办公开办函〔2021〕30号",
                       actual=m.group(0), evidence=[line_evidence(report, preamble_line(report), m.group(0))],
                       cite=m.group(0))


def preamble_period(report, ctx):
    if not STATISTICAL_PERIOD.search(preamble_text(report)):
        yield ctx.fail(location={"line": preamble_line(report)}, expected=f"{report.year}年1月1日至12月31日",
                       year=report.year)


def preamble_tiaoli(report, ctx):
    if not _TIAOLI.search(preamble_text(report)):
        yield ctx.fail(location={"line": preamble_line(report)})


def gf_cite(report, ctx):
    if not any(_cites_nxgf(p.text) for _s, p in report.paragraphs()):
        yield ctx.fail(location={"section": 3, "line": section_line(report, 3)})


def _cites_nxgf(text: str) -> bool:
    """_NXGF.search(text), by its literals first: the title alone is a match, the number's match starts with its prefix."""
    return "政府信息公开申请办理规范" in text or ("宁政公开办发" in text and _NXGF.search(text) is not None)


def app_process(report, ctx):
    t3 = report.t3
    if not t3.found:
        yield ctx.skip("未找到表三")
        return
    cells = [("new", "total"), ("carried", "total")]
    received = evaluate(t3, cells, lambda v: v[cells[0]] + v[cells[1]] > 0)
    if received.verdict == "unknown":
        yield ctx.skip("表三收到申请数无法确定")
        return
    if received.verdict == "fail":  # nothing received: nothing to describe
        return
    if not _describes_handling(report):
        v = received.values
        yield ctx.fail(location={"section": 3, "line": section_line(report, 3)},
                       evidence=[cell_evidence(report, t3, r, c) for r, c in cells],
                       received=int(v[cells[0]] + v[cells[1]]) if v else "若干")


def _describes_handling(report) -> bool:
    """Whether section 三 itself, or a sentence elsewhere that speaks of applications, says how
    they were handled. A paragraph without a match of _HANDLING has no sentence with one."""
    paragraphs = list(report.paragraphs())
    if any(_HANDLING.search(p.text) for s, p in paragraphs if s is not None and s.number == 3):
        return True
    return any(_HANDLING.search(sent) for _s, p in paragraphs if "申请" in p.text and _HANDLING.search(p.text)
               for sent in re.split(r"[。；;]", p.text) if "申请" in sent)


def deadline_claims(report, ctx):
    for _sec, para in report.paragraphs():
        if "工作日" not in para.text:  # every match of _WORKDAYS holds it
            continue
        for sent in re.finditer(r"[^。；;]+", para.text):
            s = sent.group(0)
            if not re.search(r"答复|办结|延长", s):
                continue
            for m in _WORKDAYS.finditer(s):
                days = int(m.group(1)) if m.group(1).isdigit() else _CN.get(m.group(1))
                if days is None or days <= 20:
                    continue
                before = s[:m.start()]
                what = "延长答复期限" if "延长" in before[-12:] else "答复期限"
                line = para.line_at(sent.start() + m.start())
                yield ctx.fail(location={"line": line}, expected="不超过20个工作日", actual=m.group(0),
                               evidence=[line_evidence(report, line, s.strip())], what=what, printed=m.group(0))


def _missing(text, themes):
    return [name for name, pattern in themes if not re.search(pattern, text)]


_THEMES_2020 = [("基层政务公开标准化规范化", r"标准化规范化|宁政办发\s*[〔\[(（]\s*2020\s*[〕\])）]\s*15\s*号"),
                ("2020年政务公开工作要点", r"工作要点|宁政办发\s*[〔\[(（]\s*2020\s*[〕\])）]\s*32\s*号"),
                ("政务公开专区", r"专区"), ("政府开放日", r"开放日")]
_THEMES_LATER = [("政务公开专区", r"专区"), ("政府开放日", r"开放日")]


def themes_2020(report, ctx):
    yield from _themes(report, ctx, _THEMES_2020)


def themes_later(report, ctx):
    yield from _themes(report, ctx, _THEMES_LATER)


def _themes(report, ctx, themes):
    text = section_text(report, 1)
    if text is None:
        yield ctx.skip("未找到“一、总体情况”")
        return
    missing = _missing(text, themes)
    if missing:
        yield ctx.fail(location={"section": 1, "line": section_line(report, 1)}, actual=missing,
                       topics="、".join(missing))


def sec6_points(report, ctx):
    text = section_text(report, 6)
    if text is None:
        yield ctx.skip("未找到“六、其他需要报告的事项”")
        return
    if not re.search(r"要点.{0,6}落实|落实.{0,10}要点", text):
        yield ctx.fail(location={"section": 6, "line": section_line(report, 6)})
