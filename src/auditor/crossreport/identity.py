"""Organ identity across reports: the same organ under the names different years print.

`organ_key` normalizes a printed organ name: drops a year, "关于…的", bracketed parts, the
report-title tail, spaces and punctuation, and maps aliases (办公厅 → 办公室, 人民政府 → 政府).
`match` pairs a report with the reports of the same organ: an exact key wins; otherwise a key
that ends with the other (one year prints "银川市兴庆区掌政镇", another "兴庆区掌政镇") matches
when it is the only candidate. Anything else is ambiguous and not compared, with the reason.
"""
from __future__ import annotations

import re

_YEAR = re.compile(r"(19|20)\d{2}\s*年(度)?")
_BRACKETS = re.compile(r"[（(〔【\[][^）)〕】\]]*[）)〕】\]]")
_ABOUT = re.compile(r"^关于(.*?)的?$")
_TAIL = re.compile(r"(政府信息公开工作)?(年度)?报告$|政务公开工作年度报告$")
_PUNCT = re.compile(r"[\s·•,，。:：;；、\"“”'‘’《》<>]")
_ALIASES = (("办公厅", "办公室"), ("人民政府", "政府"), ("街道办事处", "街道"))
# The last administrative unit of a name: where a short mention of the organ ends.
_UNIT = re.compile(r"(省|自治区|市|州|盟|县|区|旗|镇|乡|街道)")


def organ_key(name: str | None) -> str | None:
    if not name:
        return None
    s = _PUNCT.sub("", name)
    s = _YEAR.sub("", s)
    s = _BRACKETS.sub("", s)
    m = _ABOUT.match(s)
    if m:
        s = m.group(1)
    s = _TAIL.sub("", s)
    for old, new in _ALIASES:
        s = s.replace(old, new)
    return s or None


def place_name(name: str | None) -> str | None:
    """The organ's own place, for spotting its name in other reports: "银川市兴庆区掌政镇人民政府"
    → "掌政镇"; None for departments and offices (their short names, "财政局", are not distinctive)."""
    key = organ_key(name)
    if not key:
        return None
    place = key[: -len("政府")] if key.endswith("政府") else key  # "景泰县" is printed without 人民政府
    units = [m.end() for m in _UNIT.finditer(place)]
    if not units or units[-1] != len(place):
        return None
    start = units[-2] if len(units) > 1 else 0
    short = place[start:]
    return short if len(short) >= 3 else None


def match(key: str | None, candidates: dict[str, list]) -> tuple[list, str | None]:
    """The reports of organ `key` among `candidates` ({key: [docs]}): (docs, None), or ([], reason)."""
    if key is None:
        return [], "机关名称未识别，无法与其他年度的报告对应"
    if key in candidates:
        return candidates[key], None
    near = [k for k in candidates if _suffix_of(k, key) or _suffix_of(key, k)]
    if len(near) == 1:
        return candidates[near[0]], None
    if len(near) > 1:
        return [], f"机关名称“{key}”可对应多个机关（{'、'.join(sorted(near)[:4])}），未比较"
    return [], None


def _suffix_of(short: str, long: str) -> bool:
    """`long` is `short` with more of the place hierarchy in front, and `short` still names a place."""
    return (len(short) >= 5 and long.endswith(short) and long != short
            and bool(_UNIT.search(short[:-2] if short.endswith("政府") else short)))
