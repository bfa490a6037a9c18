"""Which province a report belongs to: evidence from plugins and from the core gazetteer.

Each answer to the `auditor_detect_region` hook is a RegionEvidence. The strongest evidence wins:
the organ's name (or the title) naming a place of the province beats the body text citing the
province's documents, which beats the body text merely naming the province. Two provinces with
equally strong evidence leave the region undetermined, and the parse notes say so — a regional pack
is never applied on a guess. `--region` or the config's `region` overrides detection.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .model import ParseNote, Report
from .resources import load_toml

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
    """Names of a province, its cities and counties, and prefixes of its document numbers."""
    region: str
    names: list[str]
    places: list[str]
    doc_prefixes: list[str]

    @classmethod
    def from_table(cls, region: str, table: dict) -> "Gazetteer":
        return cls(region, table.get("names", []), table.get("places", []), table.get("doc_prefixes", []))

    def evidence(self, report: Report) -> RegionEvidence | None:
        head = (report.organ or "") + (report.title or "")
        for name in self.names + self.places:
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


def _occurrences(text: str, words: list[str]) -> dict[str, int]:
    """Non-overlapping occurrences, longest word first ("宁夏回族自治区" is one mention, not two)."""
    if not words:
        return {}
    pattern = re.compile("|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True)))
    counts: dict[str, int] = {}
    for m in pattern.finditer(text):
        counts[m.group(0)] = counts.get(m.group(0), 0) + 1
    return counts


def core_evidence(report: Report) -> list[RegionEvidence]:
    """The core knows only province names (rules/regions.toml); plugins know their places."""
    out = []
    for code, table in load_toml("regions.toml").items():
        ev = Gazetteer.from_table(code, table).evidence(report)
        if ev is not None:
            out.append(ev)
    return out


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
        if second.tier == top.tier and (top.tier == ORGAN_NAME or top.weight < 3 * second.weight):
            note = ParseNote("profile.region", f"无法确定所属地区：{top.reason}（{top.region}），"
                                               f"{second.reason}（{second.region}）；可用 --region 指定")
            return None, None, note
    return top.region, top.reason, None


def known_regions() -> dict[str, str]:
    """Province code -> short Chinese name ("ningxia" -> "宁夏")."""
    return {code: min(table["names"], key=len) for code, table in load_toml("regions.toml").items()}
