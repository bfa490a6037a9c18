"""Profile detection: report year, title, organ, organ kind, closing date (the province: regions.py)."""
from __future__ import annotations

import re
from collections import Counter

from .document import SrcLine

_TITLE = re.compile(r"^(?P<organ>.*?)\s*(?P<year>(?:19|20)\d{2})\s*年\s*度?\s*(?:的)?\s*(?:政府)?信息公开(?:工作)?\s*年度?\s*报告")
_PERIOD_YEAR = re.compile(r"统计(?:期限|时限|期间|区间|数据)[^。]{0,30}?((?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_DATE = re.compile(r"^\s*((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*$")
# "二〇二一年五月十日": the year digit by digit, month and day as Chinese numbers.
_CN_DIGITS = "〇一二三四五六七八九"
_CN_DATE = re.compile(r"^\s*([〇零一二三四五六七八九]{4})\s*年\s*([一二三四五六七八九十]{1,3})\s*月"
                      r"\s*([一二三四五六七八九十]{1,4})\s*日\s*$")


def find_title(preamble: list[SrcLine]) -> tuple[str | None, str | None, int | None, int | None]:
    """(title, organ, year, line) from the first lines of the document."""
    nonblank = [ln for ln in preamble if ln.text.strip()][:12]
    for i, ln in enumerate(nonblank):
        if len(ln.text.strip()) > 60 or "。" in ln.text:  # a sentence quoting the title, not the title
            continue
        m = _TITLE.search(ln.text.strip())
        if not m:
            continue
        organ = m.group("organ").strip(" 《》“”\"") or None
        title = ln.text.strip()
        if organ and len(organ) > 40:  # the title is quoted inside a sentence
            organ = None
        if organ is None and i > 0:
            prev = nonblank[i - 1].text.strip()
            if len(prev) <= 40 and not prev.endswith(("。", "，", ",")):
                organ = prev
                title = prev + title
        # A sentence that quotes the title ends the cut at the closing quote.
        title = title.split("》")[0] if "《" not in title.split("》")[0] else title
        return title[:80], organ, int(m.group("year")), ln.line
    return None, None, None, None


def year_from_text(lines: list[str]) -> int | None:
    """Fallback: the statistical period's year, else the year mentioned most often."""
    text = "\n".join(lines)
    m = _PERIOD_YEAR.search(text)
    if m:
        return int(m.group(1))
    years = Counter(int(y) for y in _YEAR.findall(text) if 2008 <= int(y) <= 2100)
    return years.most_common(1)[0][0] if years else None


def organ_kind(organ: str | None) -> str | None:
    if not organ:
        return None
    o = re.sub(r"\s+", "", organ)
    if re.search(r"(镇|乡|街道|街道办事处|苏木)(人民政府|党政办公室|政府)?$", o):
        return "township"
    if re.search(r"(人民政府|政府)办公(室|厅)$", o) or o.endswith("政府办"):
        return "gov_office"
    if re.search(r"(开发区|管委会|管理委员会|园区|新区管委会)$", o):
        return "other"
    if re.search(r"人民政府$", o) or re.search(r"(省|市|县|区|州|盟|旗|自治区|自治州|自治县)$", o):
        return "gov_county_plus"
    if re.search(r"(局|委员会|委|厅|办公室|办|中心|院|署|所|站|处|会|队|馆|社|集团)$", o):
        return "department"
    return "other"


def _cn_small(s: str) -> int:
    """A Chinese number below 100 ("十", "十二", "二十一", "三十")."""
    import cn2an  # only reports dated in Chinese numerals pay for the import

    return int(cn2an.cn2an(s, "smart"))


def _date_parts(s: str) -> tuple[int, int, int] | None:
    m = _DATE.match(s)
    if m:
        y, mo, d = (int(g) for g in m.groups())
        return y, mo, d
    m = _CN_DATE.match(s)
    if m:
        y = int("".join(str(_CN_DIGITS.index(c)) for c in m.group(1).replace("零", "〇")))
        try:
            return y, _cn_small(m.group(2)), _cn_small(m.group(3))
        except ValueError:
            return None
    return None


def closing_date(lines: list[str]) -> tuple[str, int] | None:
    """A date alone on one of the last non-blank lines (signature date), as (YYYY-MM-DD, line).

    The date is kept as printed even when it does not exist ("2021年2月30日" → "2021-02-30"):
    that is the report's error to point out, not a reason to drop the date."""
    seen = 0
    for idx in range(len(lines) - 1, -1, -1):
        s = lines[idx].strip()
        if not s:
            continue
        seen += 1
        parts = _date_parts(s)
        if parts:
            y, mo, d = parts
            if 1 <= mo <= 99 and 1 <= d <= 99:
                return f"{y:04d}-{mo:02d}-{d:02d}", idx + 1
        if seen >= 4:
            break
    return None
