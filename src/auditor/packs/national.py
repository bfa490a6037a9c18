"""National rule pack: 《政府信息公开条例》 art. 49–50 and the 2019/2021 national report formats.

Rule metadata (ids, severities, Chinese summaries, docs, legal basis) is in rules/national/*.toml;
this module holds the Python implementations those files name, and registers the pack.
"""
from __future__ import annotations

import re
from datetime import date

from ..engine.declarative import TABLE_NAMES, cell_evidence, column_name, row_name
from ..engine.shared import once_per_audit
from ..hookspecs import hookimpl
from ..model import Report
from ..parse.document import STANDARD_TITLES, _numeral_value
from ..resources import data_dir


@hookimpl
def auditor_rule_packs():
    return sorted(p for p in (data_dir("rules") / "national").glob("*.toml") if p.name != "cross.toml")


from .national_cross import auditor_batch_rules  # noqa: E402,F401  cross-report rules (rules/national/cross.toml)


def _ev_line(report: Report, line: int | None, text: str | None = None) -> dict:
    shown = text if text is not None else report.line_text(line)
    # Table rows from tab-separated extractions: show the cell boundaries readably.
    shown = " | ".join(part.strip() for part in shown.split("\t") if part.strip()) if "\t" in shown else shown
    return {"line": line, "ref": report.ref(line), "text": shown[:200]}


# ---------------------------------------------------------------- sections

def _unstructured(report: Report, ctx):
    """Not assessable when headings/tables could not be located for want of line structure."""
    if getattr(report, "structure_unreadable", False):
        yield ctx.skip("原文没有可用的行结构（整篇报告挤在少数几行中），无法定位各部分标题和表格")
        return True
    return False


def sections_missing(report: Report, ctx):
    if (yield from _unstructured(report, ctx)):
        return
    for n in range(1, 7):
        if report.section(n) is None:
            yield ctx.fail(location={"section": n}, expected=STANDARD_TITLES[n], actual=None,
                           title=STANDARD_TITLES[n])


def sections_order(report: Report, ctx):
    found = [s for s in report.sections if s.number]
    numbers = [s.number for s in found]
    if numbers != sorted(numbers):
        first_bad = next(s for prev, s in zip(found, found[1:]) if s.number < prev.number)
        yield ctx.fail(location={"section": first_bad.number, "line": first_bad.line},
                       expected="一至六依次排列", actual="、".join(str(n) for n in numbers),
                       evidence=[_ev_line(report, s.line) for s in found],
                       order="→".join(s.numeral + "、" for s in found))
    for s in found:
        if s.numeral and _numeral_value(s.numeral) != s.number:
            yield ctx.fail(location={"section": s.number, "line": s.line},
                           expected=STANDARD_TITLES[s.number][:2], actual=s.numeral + "、",
                           evidence=[_ev_line(report, s.line)],
                           order=f"“{s.title}”的序号应为“{STANDARD_TITLES[s.number][:2]}”")


def sections_extra(report: Report, ctx):
    for s in report.sections:
        if s.number == 0:
            yield ctx.fail(location={"line": s.line}, actual=s.title, evidence=[_ev_line(report, s.line)],
                           title=s.title)


# ---------------------------------------------------------------- template and year

def template_old(report: Report, ctx):
    for name in ("t2", "t3"):
        t = report.tables[name]
        if t.template in ("2019", "mixed"):
            ev = _template_evidence(report, name, "2019")
            yield ctx.fail(location={"table": name, "line": t.line}, expected="2021", actual=t.template,
                           evidence=ev, table=TABLE_NAMES[name], year=report.year)


def template_anachronism(report: Report, ctx):
    for name in ("t2", "t3"):
        t = report.tables[name]
        if t.template in ("2021", "mixed"):
            yield ctx.fail(location={"table": name, "line": t.line}, expected="2019", actual=t.template,
                           evidence=_template_evidence(report, name, "2021"), table=TABLE_NAMES[name],
                           year=report.year)


def template_mixed(report: Report, ctx):
    t2, t3 = report.t2.template, report.t3.template
    if t2 == "mixed" or (t2 and t3 and t2 != t3):
        yield ctx.fail(location={"line": report.t2.line}, actual={"t2": t2, "t3": t3},
                       evidence=_template_evidence(report, "t2", None) + _template_evidence(report, "t3", None),
                       t2=t2, t3=t3)


def _template_evidence(report: Report, table: str, version: str | None) -> list[dict]:
    t = report.tables[table]
    ev = []
    if table == "t3":
        keys = {"2019": ["other"], "2021": ["other_1", "other_2", "other_3"], None: ["other", "other_1"]}[version]
        for k in keys:
            if k in t.rows:
                ev.append(_ev_line(report, t.rows[k].line))
    else:
        for k, row in t.rows.items():
            cols = set(row.columns)
            is19 = bool(cols & {"made", "published", "prev", "delta", "count"})
            if version is None or (version == "2019") == is19:
                ev.append(_ev_line(report, row.line))
            if len(ev) >= 3:
                break
    return ev


def year_missing(report: Report, ctx):
    if report.title is None or not re.search(r"(19|20)\d{2}", report.title or ""):
        yield ctx.fail(location={"line": report.title_line}, actual=report.title,
                       inferred=f"，按正文推断为 {report.year} 年" if report.year else "，也无法从正文推断")


def year_unsupported(report: Report, ctx):
    if report.year is not None and report.year < 2019:
        yield ctx.fail(location={"line": report.title_line}, actual=report.year, year=report.year)


STATISTICAL_PERIOD = re.compile(r"((?:19|20)\d{2})\s*年\s*(?:度\s*)?1\s*月\s*1\s*日\s*(?:起\s*)?(?:至|到|—|－|-|~|～)\s*"
                     r"(?:((?:19|20)\d{2})\s*年\s*)?12\s*月\s*31\s*日")
_PERIOD_WORDS = re.compile(r"统计(?:期限|时限|期间|区间|周期|时段|数据)|数据统计|所列数据")


@once_per_audit  # (two rules)
def _period_statements(report: Report) -> tuple:
    found = []
    for sec, para in report.paragraphs():
        if "31" not in para.text:  # every match holds "12月31日": skip the regex scan
            continue
        for m in STATISTICAL_PERIOD.finditer(para.text):
            window = para.text[max(0, m.start() - 40):m.start()]
            if _PERIOD_WORDS.search(window) or sec is None:
                found.append((para, m))
    return tuple(found)


def period_missing(report: Report, ctx):
    if not _period_statements(report):
        yield ctx.fail(location={"line": report.title_line}, year=report.year)


def period_year(report: Report, ctx):
    for para, m in _period_statements(report):
        start = int(m.group(1))
        end = int(m.group(2)) if m.group(2) else start
        if start != report.year or end != report.year:
            line = para.line_at(m.start())
            yield ctx.fail(location={"line": line}, expected=f"{report.year}年1月1日至12月31日",
                           actual=m.group(0), evidence=[_ev_line(report, line, m.group(0))],
                           stated=m.group(0), year=report.year)


def year_plan(report: Report, ctx):
    sec = report.section(5)
    if sec is None:
        yield ctx.skip("未找到第五部分")
        return
    y = report.year
    pat = re.compile(rf"(?<!\d){y}\s*年\s*(?:度\s*)?(?:政务公开|政府信息公开)?(?:工作)?(?:计划|打算|工作思路|工作安排|工作要点)"
                     r"(?!\s*(?:完成|落实|执行)情况)")
    year = str(y)
    for para in sec.paragraphs:
        if year not in para.text:  # every match starts with the year: skip the regex scan
            continue
        for m in pat.finditer(para.text):
            line = para.line_at(m.start())
            yield ctx.fail(location={"section": 5, "line": line}, expected=f"{y + 1}年", actual=m.group(0),
                           evidence=[_ev_line(report, line)], phrase=m.group(0), next_year=y + 1)


_TITLE_REF = re.compile(r"((?:19|20)\d{2})\s*年\s*度?\s*(?:政府)?信息公开(?:工作)?\s*年度?\s*报告")


def title_year(report: Report, ctx):
    for para in report.preamble:
        for m in _TITLE_REF.finditer(para.text):
            if int(m.group(1)) != report.year:
                line = para.line_at(m.start())
                yield ctx.fail(location={"line": line}, expected=report.year, actual=int(m.group(1)),
                               evidence=[_ev_line(report, line, m.group(0))], stated=m.group(0), year=report.year)


def deadline(report: Report, ctx):
    if report.date_line is None:
        yield ctx.skip("报告中未找到落款日期（发布日期无法判断）")
        return
    iso, line = report.date_line
    y = report.year
    if report.organ_kind in ("department", "gov_office"):
        limit, who = date(y + 1, 1, 31), "县级以上人民政府部门（含政府办公室）应于1月31日前公布"
    elif report.organ_kind == "gov_county_plus":
        limit, who = date(y + 1, 3, 31), "县级以上人民政府的年度报告应于3月31日前公布"
    else:
        yield ctx.skip("乡镇、街道及其他机关的公布时限由地方规定，条例未规定")
        return
    signed = _calendar_date(iso)
    if signed is None:
        yield ctx.skip(f"落款日期“{_printed_date(iso)}”不存在，无法判断是否逾期（见 NAT-DATE-INVALID）",
                       {"line": line})
        return
    if signed > limit:
        yield ctx.fail(location={"line": line}, expected=f"不晚于 {limit.isoformat()}", actual=iso,
                       evidence=[_ev_line(report, line)], date=iso, limit=limit.isoformat(), who=who)


def _calendar_date(iso: str) -> date | None:
    try:
        return date.fromisoformat(iso)
    except ValueError:
        return None


def _printed_date(iso: str) -> str:
    y, mo, d = iso.split("-")
    return f"{int(y)}年{int(mo)}月{int(d)}日"


def date_invalid(report: Report, ctx):
    if report.date_line is None:
        yield ctx.skip("报告中未找到落款日期")
        return
    iso, line = report.date_line
    if _calendar_date(iso) is None:
        yield ctx.fail(location={"line": line}, actual=_printed_date(iso),
                       evidence=[_ev_line(report, line)], date=_printed_date(iso))


# ---------------------------------------------------------------- tables

def table_missing(report: Report, ctx):
    if (yield from _unstructured(report, ctx)):
        return
    for name, section in (("t2", 2), ("t3", 3), ("t4", 4)):
        if not report.tables[name].found:
            yield ctx.fail(location={"table": name, "section": section}, table=TABLE_NAMES[name])


def table_rows(report: Report, ctx):
    if (yield from _unstructured(report, ctx)):
        return
    for note in report.parse_notes:
        if note.code == "table.missing_row" and report.tables[note.table].found:
            yield ctx.fail(location={"table": note.table, "row": note.row},
                           table=TABLE_NAMES[note.table], row=row_name(note.table, note.row)
                           if note.table != "t2" else note.row, detail=note.message)


def table_nonnumeric(report: Report, ctx):
    for name in ("t2", "t3", "t4"):
        t = report.tables[name]
        for key, row in t.rows.items():
            for col in row.columns:
                c = row.cells[col]
                if c.value is None and c.raw is not None:
                    shown = c.raw if c.raw else "空白"
                    yield ctx.fail(location={"table": name, "row": key, "column": col, "line": c.line},
                                   expected="数字（无数据应填 0）", actual=c.raw,
                                   evidence=[cell_evidence(report, t, key, col)],
                                   table=TABLE_NAMES[name], row=_label(name, key, row),
                                   column=column_name(name, col, key), content=shown)


def _label(table: str, key: str, row) -> str:
    return row_name(table, key) if table != "t2" else row.label


def counts_integer(report: Report, ctx):
    for name in ("t3", "t4"):
        t = report.tables[name]
        for key, row in t.rows.items():
            cells = row.cells
            for col in row.columns:
                c = cells[col]
                v = c.value
                # The usual case first: a count printed as digits (type(v) is int: never a bool).
                if v is None or (type(v) is int and v >= 0 and (c.raw is None or c.raw.isdecimal())):
                    continue
                # isdecimal() is exactly re's \d+ (Unicode Nd) on a whole non-empty string.
                bad = c.value < 0 or (isinstance(c.value, float) and not c.value.is_integer()) or (
                    c.raw is not None and not c.raw.isdecimal())
                if bad:
                    yield ctx.fail(location={"table": name, "row": key, "column": col, "line": c.line},
                                   expected="非负整数", actual=c.raw, evidence=[cell_evidence(report, t, key, col)],
                                   table=TABLE_NAMES[name], row=row_name(name, key),
                                   column=column_name(name, col), content=c.raw)


def t4_plausible(report: Report, ctx):
    t = report.t4
    if not t.found:
        yield ctx.skip("未找到表四")
        return
    after = t.value("suit_after_review", "total")
    review = t.value("review", "total")
    if after is None or review is None:
        yield ctx.skip("表四相关单元格无法确定")
        return
    if after > review:
        yield ctx.fail(location={"table": "t4", "line": t.line}, expected=f"≤ {review}", actual=after,
                       evidence=[cell_evidence(report, t, "suit_after_review", "total"),
                                 cell_evidence(report, t, "review", "total")],
                       after=after, review=review)


def _t2_rows(report: Report, keys):
    t = report.t2
    for k in keys:
        row = t.rows.get(k)
        if row is not None:
            yield k, row


def t2_2019_published(report: Report, ctx):
    t = report.t2
    for k, row in _t2_rows(report, ("art20_1.rules", "art20_1.normative")):
        if "total_public" not in row.cells:
            continue
        total = row.value("total_public")
        for col in ("made", "published"):
            v = row.value(col)
            if v is not None and total is not None and v > total:
                yield ctx.fail(location={"table": "t2", "row": k, "column": col, "line": row.line},
                               expected=f"≤ {total}", actual=v,
                               evidence=[cell_evidence(report, t, k, col), cell_evidence(report, t, k, "total_public")],
                               row=row.label, column={"made": "本年新制作数量", "published": "本年新公开数量"}[col],
                               value=v, total=total)


def t2_2019_delta(report: Report, ctx):
    t = report.t2
    for k, row in _t2_rows(report, ("art20_5.license", "art20_5.other_services", "art20_6.penalty",
                                    "art20_6.enforcement", "art20_8.fees")):
        if "delta" not in row.cells:
            continue
        prev, delta = row.value("prev"), row.value("delta")
        if prev is not None and delta is not None and prev + delta < 0:
            yield ctx.fail(location={"table": "t2", "row": k, "line": row.line}, expected="≥ 0",
                           actual=prev + delta,
                           evidence=[cell_evidence(report, t, k, "prev"), cell_evidence(report, t, k, "delta")],
                           row=row.label, prev=prev, delta=row.cells["delta"].raw, result=prev + delta)


def t2_2021_issued(report: Report, ctx):
    t = report.t2
    for k, row in _t2_rows(report, ("art20_1.rules", "art20_1.normative")):
        if "issued" not in row.cells:
            continue
        issued, repealed, valid = row.value("issued"), row.value("repealed"), row.value("valid")
        if None in (issued, repealed, valid):
            continue
        if issued > valid + repealed:
            yield ctx.fail(location={"table": "t2", "row": k, "line": row.line},
                           expected=f"≤ {valid + repealed}", actual=issued,
                           evidence=[cell_evidence(report, t, k, c) for c in ("issued", "repealed", "valid")],
                           row=row.label, issued=issued, valid=valid, repealed=repealed)


_COUNTY_LEVEL = re.compile(r"(县|旗|区|镇|乡|街道)(人民政府)?$")


def t2_guizhang(report: Report, ctx):
    kind = report.organ_kind
    organ = re.sub(r"\s+", "", report.organ or "")
    county_gov = kind == "gov_county_plus" and _COUNTY_LEVEL.search(organ)
    if not (kind in ("township", "department") or county_gov):
        yield ctx.skip("设区的市级以上人民政府及其办公室可能有规章制定权，不作判断")
        return
    row = report.t2.rows.get("art20_1.rules")
    if row is None:
        return
    for col in ("made", "issued", "published"):
        v = row.value(col) if col in row.cells else None
        if v:
            yield ctx.fail(location={"table": "t2", "row": "art20_1.rules", "column": col, "line": row.line},
                           expected=0, actual=v, evidence=[cell_evidence(report, report.t2, "art20_1.rules", col)],
                           organ=report.organ, value=v)


def t2_2021_fee_unit(report: Report, ctx):
    row = report.t2.rows.get("art20_8.fees")
    if row is None or "amount" not in row.cells:
        return
    c = row.cells["amount"]
    in_yuan = c.raw is not None and "元" in c.raw and "万" not in c.raw
    if in_yuan or (c.value is not None and c.value >= 10000):
        yield ctx.fail(location={"table": "t2", "row": "art20_8.fees", "column": "amount", "line": c.line},
                       expected="以万元为单位", actual=c.raw,
                       evidence=[cell_evidence(report, report.t2, "art20_8.fees", "amount")], content=c.raw)


# ---------------------------------------------------------------- content

@once_per_audit  # (four rules)
def _all_text(report: Report) -> str:
    return "\n".join(p.text for _s, p in report.paragraphs())


def fee_statement(report: Report, ctx):
    text = _all_text(report)
    if "信息处理费" not in text:
        sec = report.section(6)
        yield ctx.fail(location={"section": 6, "line": sec.line if sec else None})


_ASSESS_TOPICS = {  # each topic's words (none holds a sentence break)
    "工作考核": ("考核", "考评", "绩效评估", "绩效考评", "目标管理"),
    "社会评议": ("社会评议", "群众评议", "满意度", "评议", "测评"),
    "责任追究": ("责任追究", "问责", "追责"),
}
_RESULT_WORDS = re.compile(r"结果|未发生|没有发生|无.{0,6}(?:追究|问责|追责)|未.{0,4}(?:追究|问责|追责)|"
                           r"优秀|良好|合格|第[一二三四五六七八九十\d]+名|得分|\d+\s*分|等次|满意率|满意度(?:为|达)")


_BREAKS = "。；;\n"  # what ends a sentence here


def _topic_sentences(text: str, words: tuple[str, ...]) -> list[str]:
    """The sentences of `text` (split at each of _BREAKS) holding one of `words`, in order. No
    word holds a break, so each occurrence lies in one sentence: the words are found in the whole
    text with str.find, each sentence once (a search per sentence cost ~60 µs a report, and a
    regex alternation of the words scanned the text at ~10 ns a character, ~30 µs per topic)."""
    spans: dict[int, int] = {}  # sentence start -> end
    for w in words:
        at = text.find(w)
        while at >= 0:
            start = max(text.rfind(ch, 0, at) for ch in _BREAKS) + 1
            ends = [i for i in (text.find(ch, at) for ch in _BREAKS) if i >= 0]
            end = spans[start] = min(ends) if ends else len(text)
            at = text.find(w, end)  # (the next sentence: this one is found)
    return [text[a:spans[a]] for a in sorted(spans)]


@once_per_audit  # (two rules)
def _assess_sentences(report: Report) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Each of _ASSESS_TOPICS with the sentences that speak of it (none: the topic is missing)."""
    text = _all_text(report)
    return tuple((name, tuple(_topic_sentences(text, words))) for name, words in _ASSESS_TOPICS.items())


def gov_assess(report: Report, ctx):
    missing = [name for name, sentences in _assess_sentences(report) if not sentences]
    if missing:
        sec = report.section(1)
        yield ctx.fail(location={"section": 1, "line": sec.line if sec else None}, expected="考核、评议、追责结果", actual=None,
                       topics="、".join(missing))


def gov_assess_weak(report: Report, ctx):
    weak = []
    evidence = []
    for name, sentences in _assess_sentences(report):
        if sentences and not any(_RESULT_WORDS.search(s) for s in sentences):
            weak.append(name)
            evidence.append({"text": sentences[0][:120]})
    if weak:
        sec = report.section(1)
        yield ctx.fail(location={"section": 1, "line": sec.line if sec else None}, evidence=evidence, topics="、".join(weak))


# Each topic is covered when one of its words occurs (plain substring tests: a regex alternation
# of literals scanned the whole section once per topic at regex speed).
_SEC1_TOPICS = {
    "主动公开": ("主动公开",),
    "依申请公开": ("依申请公开", "公开申请", "政府信息公开申请"),
    "政府信息管理": ("信息管理", "政府信息管理", "文件管理", "规范性文件", "公开属性", "发布审核", "保密审查"),
    "政府信息公开平台建设": ("平台", "网站", "新媒体", "公报", "公开专区", "专栏"),
    "监督保障": ("监督保障", "监督", "考核", "培训", "保障"),
}


def _sec1_coverage(report: Report, ctx):
    sec = report.section(1)
    if sec is None:
        yield ctx.skip("未找到第一部分")
        return
    text = sec.text
    missing = [name for name, words in _SEC1_TOPICS.items() if not any(w in text for w in words)]
    if missing:
        yield ctx.fail(location={"section": 1, "line": sec.line}, actual=None, topics="、".join(missing))


sec1_coverage = _sec1_coverage
sec1_coverage_2019 = _sec1_coverage

_PROBLEM = re.compile(r"问题|不足|短板|差距|薄弱|有待|不够|欠缺")
_IMPROVE = re.compile(r"改进|整改|下一步|今后|将|措施|计划|加强|提升|推进")


def sec5_content(report: Report, ctx):
    sec = report.section(5)
    if sec is None:
        yield ctx.skip("未找到第五部分")
        return
    text = sec.text
    missing = []
    if not _PROBLEM.search(text):
        missing.append("存在的主要问题")
    if not _IMPROVE.search(text):
        missing.append("改进情况")
    if missing:
        yield ctx.fail(location={"section": 5, "line": sec.line}, parts="、".join(missing))


def sec6_gov_extra(report: Report, ctx):
    text = _all_text(report)
    missing = []
    if not re.search(r"要点.{0,6}落实|落实.{0,10}要点", text):
        missing.append("政务公开工作要点落实情况")
    if not re.search(r"建议.{0,4}提案|提案.{0,4}建议|人大代表建议|政协委员提案|议案", text):
        missing.append("人大代表建议和政协提案办理结果公开情况")
    if missing:
        sec = report.section(6)
        yield ctx.fail(location={"section": 6, "line": sec.line if sec else None}, items="、".join(missing))


_UNSURE_CODES = {"table.cell_count", "table.stray_values", "table.duplicate_row", "table.no_values",
                 "t2.columns_unknown", "profile.year"}


def parse_unsure(report: Report, ctx):
    for note in report.parse_notes:
        if note.code in _UNSURE_CODES:
            yield ctx.fail(location={"table": note.table, "row": note.row, "line": note.line},
                           evidence=[_ev_row_read(report, note)] if note.line else [], detail=note.message)


def _ev_row_read(report: Report, note) -> dict:
    """A table row as the parser read it — its label and its values — rather than the raw line."""
    row = report.tables[note.table].rows.get(note.row) if note.table in report.tables and note.row else None
    if row is None:
        return _ev_line(report, note.line)
    name = TABLE_NAMES.get(note.table, note.table)
    values = "、".join(row.raw_values) if row.raw_values else "无"
    text = f"{name}行“{row_name(note.table, row.key)}”：读到 {len(row.raw_values)} 个数值 {values}"
    if len(row.raw_values) != len(row.columns):  # the count is the doubt only when it differs
        text += f"，表格应有 {len(row.columns)} 列"
    return {"line": note.line, "ref": report.ref(note.line), "text": text}
