"""Which province a report belongs to: evidence from plugins and from the core gazetteer.

Each answer to the `auditor_detect_region` hook is a RegionEvidence. The strongest evidence wins:
the organ's name (or the title) naming a place of the province beats the body text citing the
province's documents, which beats the body text merely naming the province. Two provinces with
equally strong evidence leave the region undetermined, and the parse notes say so — a regional pack
is never applied on a guess. `--region` or the config's `region` overrides detection.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from .model import ParseNote, Report
from .resources import data_file, load_toml

# Evidence tiers, strongest last.
TEXT_MENTION, DOCUMENT_CITATION, ORGAN_NAME = 1, 2, 3


@dataclass(frozen=True)
class RegionEvidence:
    region: str  # province code, e.g. "ningxia"
    tier: int  # ORGAN_NAME, DOCUMENT_CITATION or TEXT_MENTION
    weight: int  # how many mentions (breaks ties within a tier)
    reason: str  # Chinese, e.g. "机关名称含“固原”"


@dataclass
class Gazetteer:
    """Names of a province, its cities and counties, and prefixes of its document numbers.

    `short_places` ("红寺堡" for 红寺堡区) are matched in the organ name and title only: short
    forms are common words too often ("安定" for 安定区) to count as mentions in the body."""
    region: str
    names: list[str]
    places: list[str]
    doc_prefixes: list[str]
    short_places: list[str] = field(default_factory=list)

    @classmethod
    def from_table(cls, region: str, table: dict) -> "Gazetteer":
        """`province_code` (GB/T 2260, e.g. "64") adds the province's divisions from
        rules/divisions.csv to the table's own `places`."""
        places, short = list(table.get("places", [])), []
        if table.get("province_code"):
            full, short = division_places(str(table["province_code"]))
            places += [p for p in full if p not in places]
        return cls(region, table.get("names", []), places, table.get("doc_prefixes", []), short)

    def evidence(self, report: Report) -> RegionEvidence | None:
        head = (report.organ or "") + (report.title or "")
        # The province's own name outweighs a place name, which may sit inside another word.
        for name in self.names:
            if name in head:
                return RegionEvidence(self.region, ORGAN_NAME, 2, f"机关名称或标题含“{name}”")
        for name in self.places + self.short_places:
            if name in head:
                return RegionEvidence(self.region, ORGAN_NAME, 1, f"机关名称或标题含“{name}”")
        text = "\n".join(report.lines)
        cited = _occurrences(text, self.doc_prefixes)
        if cited:
            first = max(cited, key=cited.get)
            return RegionEvidence(self.region, DOCUMENT_CITATION, sum(cited.values()), f"正文引用“{first}”文件")
        mentioned = _occurrences(text, self.names + self.places)
        if sum(mentioned.values()) >= 2:
            first = max(mentioned, key=mentioned.get)
            return RegionEvidence(self.region, TEXT_MENTION, sum(mentioned.values()), f"正文多次提到“{first}”")
        return None


@lru_cache(maxsize=256)
def _alternation(words: tuple[str, ...]) -> re.Pattern:
    return re.compile("|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True)))


def _occurrences(text: str, words: list[str]) -> dict[str, int]:
    """Non-overlapping occurrences, longest word first ("宁夏回族自治区" is one mention, not two)."""
    if not words:
        return {}
    pattern = _alternation(tuple(words))
    counts: dict[str, int] = {}
    for m in pattern.finditer(text):
        counts[m.group(0)] = counts.get(m.group(0), 0) + 1
    return counts


# Suffixes dropped to form a division's short name, longest first ("彭阳县" → "彭阳").
_DIVISION_SUFFIXES = ("自治县", "自治州", "自治旗", "地区", "林区", "特区", "市", "县", "区", "旗", "盟")


def _short_name(name: str) -> str | None:
    for suffix in _DIVISION_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return None


@lru_cache(maxsize=1)
def _division_index() -> dict[str, tuple[list[str], list[str]]]:
    """Province code → (full names, short names) of its cities and counties, keeping only names
    that belong to one province: "朝阳区"/"朝阳市" or "海南" (also a province) name no place."""
    rows = [ln.split(",") for ln in data_file("divisions.csv").splitlines()
            if ln and not ln.startswith(("#", "code,"))]
    province_names = {n for t in load_toml("regions.toml").values() for n in t.get("names", [])}
    owners: dict[str, set[str]] = {}
    by_province: dict[str, list[str]] = {}
    for code, name, level in rows:
        if level == "province":
            continue
        by_province.setdefault(code[:2], []).append(name)
        for n in (name, _short_name(name)):
            if n:
                owners.setdefault(n, set()).add(code[:2])
    out = {}
    for prov, names in by_province.items():
        # Two-character names ("范县", "易县") sit inside ordinary words ("示范县"): not evidence.
        unique = lambda n: n and len(n) >= 3 and len(owners[n]) == 1 and n not in province_names  # noqa: E731
        full = [n for n in dict.fromkeys(names) if unique(n)]
        short = [s for s in dict.fromkeys(_short_name(n) for n in names) if unique(s)]
        out[prov] = (full, short)
    return out


def division_places(province_code: str) -> tuple[list[str], list[str]]:
    """(full names, short names) of the divisions of a province (GB/T 2260 code, e.g. "64")."""
    return _division_index().get(province_code[:2], ([], []))


@lru_cache(maxsize=1)
def _core_gazetteers() -> tuple[Gazetteer, ...]:
    return tuple(Gazetteer.from_table(code, table) for code, table in load_toml("regions.toml").items())


def core_evidence(report: Report) -> list[RegionEvidence]:
    """The core knows every province's name and divisions; plugins add local names."""
    return [ev for g in _core_gazetteers() if (ev := g.evidence(report)) is not None]


def decide(evidence: list[RegionEvidence]) -> tuple[str | None, str | None, ParseNote | None]:
    """(region, reason, note): the strongest evidence, or None with a note when two provinces tie."""
    if not evidence:
        return None, None, None
    best: dict[str, RegionEvidence] = {}
    for ev in evidence:
        cur = best.get(ev.region)
        if cur is None or (ev.tier, ev.weight) > (cur.tier, cur.weight):
            best[ev.region] = ev
    ranked = sorted(best.values(), key=lambda e: (e.tier, e.weight), reverse=True)
    top = ranked[0]
    if len(ranked) > 1:
        second = ranked[1]
        # Within the text tiers a clear majority decides; otherwise the tie is reported, not broken.
        if second.tier == top.tier and (top.weight == second.weight if top.tier == ORGAN_NAME
                                        else top.weight < 3 * second.weight):
            names = known_regions()  # the provinces by name, not code
            note = ParseNote("profile.region", f"无法确定所属地区：{top.reason}（{names.get(top.region, top.region)}），"
                                               f"{second.reason}（{names.get(second.region, second.region)}）；"
                                               f"可用 --region 指定")
            return None, None, note
    return top.region, top.reason, None


def known_regions() -> dict[str, str]:
    """Province code -> short Chinese name ("ningxia" -> "宁夏")."""
    return {code: min(table["names"], key=len) for code, table in load_toml("regions.toml").items()}
