"""Python rules of the Gansu pack (metadata in rules.toml)."""
from __future__ import annotations

import re

from auditor.plugin import line_evidence, preamble_line, preamble_text, section_line, section_text

from . import REGION

_PROV_NOTICE = re.compile(r"甘肃省人民政府信息公开办公室[^》]{0,40}年度报告[^》]{0,20}通知")
_SIX_PARTS = re.compile(r"六个部分|六部分|六个方面|总体情况.{0,80}其他需要报告的事项")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_WUWEI = tuple(REGION["wuwei"]["places"])


def provincial_notice(report, ctx):
    if not _PROV_NOTICE.search(preamble_text(report)):
        yield ctx.fail(location={"line": preamble_line(report)}, year=report.year)


def six_parts(report, ctx):
    if not _SIX_PARTS.search(preamble_text(report)):
        yield ctx.fail(location={"line": preamble_line(report)})


def is_wuwei(report) -> bool:
    return any(p in (report.organ or "") for p in _WUWEI)


def overview_length(report, ctx):
    """params.wuwei: true = only 武威 organs (bound by the notice), false = every other organ."""
    if is_wuwei(report) != ctx.params["wuwei"]:
        return
    text = section_text(report, 1)
    if text is None:
        yield ctx.skip("未找到“一、总体情况”")
        return
    count = len(_HAN.findall(text))
    if count > ctx.params["limit"]:
        yield ctx.fail(location={"section": 1, "line": section_line(report, 1)}, expected=f"≤{ctx.params['limit']}",
                       actual=count, count=count, limit=ctx.params["limit"])


_N = r"\d+\s*(?:条|篇|件|次|期|个|家)"


def _missing_items(text: str, items: list[tuple[str, str]]) -> list[str]:
    return [name for name, pattern in items if not re.search(pattern, text)]


_COUNTS = [("各平台发布信息条数", rf"(?:网站|新媒体|公报|公示栏|微信|微博|客户端)[^。；]{{0,20}}{_N}"),
           ("政策解读数量", rf"解读[^。；]{{0,20}}{_N}|{_N}[^。；]{{0,6}}解读"),
           ("回应关切数量", rf"回应[^。；]{{0,20}}{_N}|{_N}[^。；]{{0,6}}回应")]
_DOCS = [("规章、行政规范性文件的制发、废止和现行有效件数",
          rf"(?:规章|规范性文件)[^。；]{{0,30}}{_N}|{_N}[^。；]{{0,10}}(?:规章|规范性文件)")]
_PLATFORM = [("政府信息公开平台数量", rf"平台[^。；]{{0,10}}{_N}|{_N}[^。；]{{0,10}}平台"),
             ("政务公开专区数量", rf"专区[^。；]{{0,10}}{_N}|{_N}[^。；]{{0,10}}专区"),
             ("政府公报期数", rf"公报[^。；]{{0,10}}\d+\s*期|\d+\s*期[^。；]{{0,6}}公报")]
ITEMS = {"counts": _COUNTS, "docs": _DOCS, "platform": _PLATFORM}


def overview_items(report, ctx):
    """params.items: "counts" | "docs" | "platform" — what 总体情况 must quantify (WUWEI25 items 2–4)."""
    text = section_text(report, 1)
    if text is None:
        yield ctx.skip("未找到“一、总体情况”")
        return
    missing = _missing_items(text, ITEMS[ctx.params["items"]])
    if missing:
        yield ctx.fail(location={"section": 1, "line": section_line(report, 1)}, actual=missing,
                       evidence=[line_evidence(report, section_line(report, 1))], items="、".join(missing))
