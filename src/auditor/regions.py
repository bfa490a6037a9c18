"""Which province a report belongs to: evidence from plugins and from the core gazetteer.

Each answer to the `auditor_detect_region` hook is a RegionEvidence. The strongest evidence wins:
the organ's name (or the title) naming a place of the province beats the body text citing the
province's documents, which beats the body text merely naming the province. Two provinces with
equally strong evidence leave the region undetermined, and the parse notes say so — a regional pack
is never applied on a guess. `--region` or the config's `region` overrides detection.
"""
from __future__ import annotations

import re
from collections import Counter
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain

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
        """Head evidence, else body evidence — unless bodies are moot (`bodies_moot`)."""
        found = self.head_evidence(report)
        return found if found is not None or _BODIES_MOOT.get() else self.body_evidence(report)

    def head_evidence(self, report: Report) -> RegionEvidence | None:
        """Evidence from the organ's name and the title (ORGAN_NAME), or None."""
        head = _head_text(report)
        words = self._words()
        if words is None:  # a word under two characters: the plain `in` tests
            return self._head_scan(head)
        in_head = words.present(_TextView.of(head))
        # The province's own name outweighs a place name, which may sit inside another word.
        for role, weight in ((_NAMES, 2), (_PLACES, 1)):
            found = words.first(in_head, role)
            if found is not None:
                return RegionEvidence(self.region, ORGAN_NAME, weight, f"机关名称或标题含“{found}”")
        return None

    def body_evidence(self, report: Report) -> RegionEvidence | None:
        """Evidence from the body text (DOCUMENT_CITATION or TEXT_MENTION), or None."""
        words = self._words()
        if words is None:  # a word under two characters: the plain regex scan
            return self._body_scan("\n".join(report.lines))
        text = _TextView.of("\n".join(report.lines))
        in_text = words.present(text)
        if not in_text:
            return None
        cited = _leftmost_longest(text.text, [w for w in in_text if _DOC in words.roles[w]])
        if cited:
            first = max(cited, key=cited.get)
            return RegionEvidence(self.region, DOCUMENT_CITATION, sum(cited.values()), f"正文引用“{first}”文件")
        mentioned = _leftmost_longest(text.text, [w for w in in_text if _MENTION in words.roles[w]])
        if sum(mentioned.values()) >= 2:
            first = max(mentioned, key=mentioned.get)
            return RegionEvidence(self.region, TEXT_MENTION, sum(mentioned.values()), f"正文多次提到“{first}”")
        return None

    def _words(self) -> _Words | None:
        """The word index, rebuilt when a list was changed since (the fields are public)."""
        lists = (self.names, self.places, self.short_places, self.doc_prefixes)
        cached = self.__dict__.get("_index")
        # Compared with copies of the lists as they were (list ==, no copy per call).
        if cached is None or cached[0] != lists:
            names, places, short, docs = key = tuple(tuple(part) for part in lists)
            index = None if _has_short_word(key) else _Words({_NAMES: names, _PLACES: places + short, _DOC: docs,
                                                             _MENTION: names + places})
            kept = tuple(list(part) if isinstance(part, list) else tuple(part) for part in lists)
            cached = self.__dict__["_index"] = (kept, index)
        return cached[1]

    def _evidence_scan(self, head: str, text: str) -> RegionEvidence | None:
        """What `evidence` answers, by `in` tests and regex alternations (any word length)."""
        found = self._head_scan(head)
        return found if found is not None else self._body_scan(text)

    def _head_scan(self, head: str) -> RegionEvidence | None:
        for name in self.names:
            if name in head:
                return RegionEvidence(self.region, ORGAN_NAME, 2, f"机关名称或标题含“{name}”")
        for name in self.places + self.short_places:
            if name in head:
                return RegionEvidence(self.region, ORGAN_NAME, 1, f"机关名称或标题含“{name}”")
        return None

    def _body_scan(self, text: str) -> RegionEvidence | None:
        cited = _occurrences(text, self.doc_prefixes)
        if cited:
            first = max(cited, key=cited.get)
            return RegionEvidence(self.region, DOCUMENT_CITATION, sum(cited.values()), f"正文引用“{first}”文件")
        mentioned = _occurrences(text, self.names + self.places)
        if sum(mentioned.values()) >= 2:
            first = max(mentioned, key=mentioned.get)
            return RegionEvidence(self.region, TEXT_MENTION, sum(mentioned.values()), f"正文多次提到“{first}”")
        return None


def _head_text(report: Report) -> str:
    return (report.organ or "") + (report.title or "")


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


def _has_short_word(lists) -> bool:
    """A word under two characters: `_Words` cannot index it (plain `in` tests instead)."""
    return any(len(w) < 2 for part in lists for w in part)


class _TextView:
    """A text with its set of characters, shared by every gazetteer that looks at it (the two
    latest are kept: a report's organ name + title, and its body).

    The character set costs about 0.03 µs per character of text. The first indexes that search a
    text look at the positions of their own key characters instead (a plugin's one or two
    gazetteers on a body text); from the third on, the set is built once and shared."""
    __slots__ = ("text", "_chars", "present")
    _recent: list[_TextView] = []
    OWN_SEARCHES = 2

    def __init__(self, text: str):
        self.text = text
        self._chars: frozenset[str] | None = None
        self.present: dict[int, tuple] = {}  # id(_Words) -> (that _Words, the words it finds here)

    @property
    def chars(self) -> frozenset[str]:
        if self._chars is None:
            self._chars = frozenset(self.text)
        return self._chars

    @classmethod
    def of(cls, text: str) -> _TextView:
        for view in cls._recent:
            if view.text == text:
                return view
        view = cls(text)
        cls._recent = [view] + cls._recent[:1]
        return view


# What a word is to a gazetteer (a word may be several): a province name, a place (checked in the
# organ name and title), a document-number prefix, a name counted as a mention in the body.
_NAMES, _PLACES, _DOC, _MENTION = "names", "places", "doc", "mention"


# Characters of every report's title and organ name ("…人民政府办公室2020年政府信息公开工作年度报告"):
# a word is filed under one of these only when it has no other character, or each of them would
# be looked at for many words in every text.
_BOILERPLATE_CHARS = frozenset("年度政府信息公开工作报告人民办公室")


# A _Words index searches its first few short texts without its key regex (`_at_key_positions`).
_FOUND_TEXT, _FINDS_BEFORE_REGEX = 200, 3


def _found_at(text: str, chars) -> list[tuple[int, str]]:
    """(offset, character) of every occurrence of each of `chars` in the text."""
    found = []
    for ch in chars:
        at = text.find(ch)
        while at >= 0:
            found.append((at, ch))
            at = text.find(ch, at + 1)
    return found


class _Words:
    """A gazetteer's words (each of two characters or more) and which of them occur in a text.

    A word occurs only if each of its characters is in the text, so each word is filed under its
    rarest character and a text is searched only for the few words whose characters it all has.
    (A regex alternation of a province's place names cost about 0.05 ms per report and province,
    33 provinces, and 2 ms each to compile at start.)"""

    def __init__(self, lists: dict[str, tuple[str, ...]], keys: str | None = None):
        """`keys`: each word's key character, in the order of `self.roles` — the `keys` of an
        earlier index of the same lists (kept in the per-user cache). Any character of its word
        finds the same words, so only a key outside its word is refused (then they are chosen)."""
        self.rank: dict[str, dict[str, int]] = {}  # role -> word -> first position in its list
        self.roles: dict[str, set[str]] = {}
        for role, words in lists.items():
            rank = self.rank[role] = {}
            for i, w in enumerate(words):
                rank.setdefault(w, i)
                self.roles.setdefault(w, set()).add(role)
        if not (isinstance(keys, str) and len(keys) == len(self.roles) and all(map(str.__contains__, self.roles, keys))):
            freq = Counter(chain.from_iterable(map(set, self.roles)))  # in how many words each character is
            # A word's key character: its first character of the least (not boilerplate, frequency).
            weight = {ch: (ch in _BOILERPLATE_CHARS, n) for ch, n in freq.items()}
            keys = "".join(min(w, key=weight.__getitem__) for w in self.roles)
        self.keys = keys
        self._finds = 0  # short texts searched before the key regex was compiled
        self.by_char: dict[str, list[tuple[str, frozenset]]] = {}
        for w, ch in zip(self.roles, keys):
            self.by_char.setdefault(ch, []).append((w, frozenset(w)))
        self.key_chars = frozenset(self.by_char)  # `&` with a text's characters walks the smaller set

    def present(self, view: _TextView) -> list[str]:
        """The words that occur in the text (once per text and index: the view keeps the answer)."""
        found = view.present.get(id(self))
        if found is None or found[0] is not self:
            text = view.text
            if view._chars is None and len(view.present) < view.OWN_SEARCHES:
                words = self._at_key_positions(text)
            else:
                chars = view.chars
                words = [w for ch in chars & self.key_chars for w, needed in self.by_char[ch]
                         if needed <= chars and w in text]
            found = view.present[id(self)] = (self, words)
        return found[1]

    def _at_key_positions(self, text: str) -> list[str]:
        """The words that occur, found where their key characters are: a word occurs at q if its
        key character, first seen at offset k of the word, occurs at q + k and the word starts at q.

        The key characters are found by a regex of them all, but that takes ~3 ms to compile for
        the thousand of the core's head index — what a cold start would spend on one 40-character
        head: the first few short texts are searched with str.find, one key character at a time."""
        if not self.key_chars:
            return []
        if self.__dict__.get("_key_offsets") is None:
            self._key_offsets = {ch: [(w, w.index(ch)) for w, _needed in words]
                                 for ch, words in self.by_char.items()}
        offsets, found = self._key_offsets, {}
        regex = self.__dict__.get("_key_regex")
        if regex is None and len(text) <= _FOUND_TEXT and self._finds < _FINDS_BEFORE_REGEX:
            self._finds += 1
            for at, ch in sorted(_found_at(text, self.key_chars.intersection(text))):
                for w, k in offsets[ch]:
                    if at >= k and w not in found and text.startswith(w, at - k):
                        found[w] = None
            return list(found)
        if regex is None:
            regex = self._key_regex = re.compile("[" + "".join(map(re.escape, sorted(self.key_chars))) + "]")
        for m in regex.finditer(text):
            at = m.start()
            for w, k in offsets[m.group()]:
                if at >= k and w not in found and text.startswith(w, at - k):
                    found[w] = None
        return list(found)

    def first(self, present: list[str], role: str) -> str | None:
        """The first word of the role's list that occurs (`next(w for w in words if w in text)`)."""
        rank = self.rank[role]
        found = [w for w in present if w in rank]
        return min(found, key=rank.__getitem__) if found else None


def _leftmost_longest(text: str, found: list[str]) -> dict[str, int]:
    """`_occurrences(text, words)` given the words that occur: what the alternation (longest word
    first) finds scanning left to right — at each position the longest word there, then on after it."""
    hits = []
    for w in found:
        i = text.find(w)
        while i >= 0:
            hits.append((i, -len(w), w))
            i = text.find(w, i + 1)
    hits.sort()
    counts: dict[str, int] = {}
    end = 0
    for i, neg_len, w in hits:
        if i >= end:
            counts[w] = counts.get(w, 0) + 1
            end = i - neg_len
    return counts


# Suffixes dropped to form a division's short name, longest first ("彭阳县" → "彭阳").
_DIVISION_SUFFIXES = ("自治县", "自治州", "自治旗", "地区", "林区", "特区", "市", "县", "区", "旗", "盟")


# The suffixes by last character, in the order above (one dict lookup instead of eleven tests).
_SUFFIXES_BY_LAST = {}
for _suffix in _DIVISION_SUFFIXES:
    _SUFFIXES_BY_LAST.setdefault(_suffix[-1], []).append(_suffix)


def _short_name(name: str) -> str | None:
    for suffix in _SUFFIXES_BY_LAST.get(name[-1:], ()):
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return None


@lru_cache(maxsize=1)
def _division_index() -> dict[str, tuple[list[str], list[str]]]:
    """Province code → (full names, short names) of its cities and counties, keeping only names
    that belong to one province: "朝阳区"/"朝阳市" or "海南" (also a province) name no place.

    Kept in the per-user cache (auditor.usercache), keyed by the division table, regions.toml and
    this module's own source, so a cold start need not build it again (about 10 ms)."""
    from . import usercache

    index = usercache.cached("divisions", _data_key(), lambda: _build_division_index(data_file("divisions.csv")))
    return {prov: (full, short) for prov, (full, short) in index.items()}


@lru_cache(maxsize=1)
def _data_key() -> str:
    """The per-user cache key of what is derived from the division table and regions.toml (and
    this module's own source, which derives it)."""
    from pathlib import Path

    from . import usercache

    return usercache.digest(data_file("divisions.csv"), data_file("regions.toml"), Path(__file__).read_bytes())


def _build_division_index(table: str) -> dict[str, list[list[str]]]:
    province_names = {n for t in load_toml("regions.toml").values() for n in t.get("names", [])}
    owners: dict[str, set[str]] = {}
    by_province: dict[str, dict[str, str | None]] = {}  # full name -> short name, in table order
    for ln in table.splitlines():
        if not ln or ln.startswith(("#", "code,")):
            continue
        code, name, level = ln.split(",")
        if level == "province":
            continue
        prov = code[:2]
        names = by_province.setdefault(prov, {})
        if name not in names:
            names[name] = short = _short_name(name)
            for n in (name, short):
                if n:
                    owners.setdefault(n, set()).add(prov)
    out = {}
    for prov, names in by_province.items():
        # Two-character names ("范县", "易县") sit inside ordinary words ("示范县"): not evidence.
        unique = lambda n: n and len(n) >= 3 and len(owners[n]) == 1 and n not in province_names  # noqa: E731
        full = [n for n in names if unique(n)]
        short = [s for s in dict.fromkeys(names.values()) if unique(s)]
        out[prov] = [full, short]
    return out


def division_places(province_code: str) -> tuple[list[str], list[str]]:
    """(full names, short names) of the divisions of a province (GB/T 2260 code, e.g. "64")."""
    return _division_index().get(province_code[:2], ([], []))


@lru_cache(maxsize=1)
def _core_gazetteers() -> tuple[Gazetteer, ...]:
    gazetteers = tuple(Gazetteer.from_table(code, table) for code, table in load_toml("regions.toml").items())
    # The core's own lists never change: as tuples, `_words` finds them unchanged by identity
    # (comparing ~7,000 list items per report, once per province, cost ~25 µs).
    for g in gazetteers:
        g.names, g.places, g.doc_prefixes, g.short_places = (
            tuple(g.names), tuple(g.places), tuple(g.doc_prefixes), tuple(g.short_places))
    return gazetteers


def core_evidence(report: Report) -> list[RegionEvidence]:
    """The core knows every province's name and divisions; plugins add local names."""
    return [ev for g in _core_gazetteers() if (ev := g.evidence(report)) is not None]


def deciding_core_evidence(report: Report) -> list[RegionEvidence]:
    """core_evidence(report) without what cannot change `decide`'s region and reason: when the
    organ's name or title names a province, the body texts' (lower-tier) evidence can neither win
    nor tie, so the bodies are not searched. Only the wording of a tie note may differ (it names
    the provinces in the order of all the evidence): on a tie, decide on core_evidence."""
    gazetteers = _core_gazetteers()
    heads = [ev for g in _named_in_head(report) if (ev := g.head_evidence(report)) is not None]
    return heads or [ev for g in gazetteers if (ev := g.body_evidence(report)) is not None]


# True while the organ name or title already gives organ-name evidence: evidence from a body text
# (a lower tier) can then neither win nor tie in `decide`, so gazetteers do not search the body.
_BODIES_MOOT: ContextVar[bool] = ContextVar("bodies_moot", default=False)


@contextmanager
def bodies_moot(moot: bool):
    """Within the block, `Gazetteer.evidence` skips the body search if `moot` (the region hooks of
    plugins built on Gazetteer are asked inside it: their body scans are most of detection's cost)."""
    token = _BODIES_MOOT.set(moot)
    try:
        yield
    finally:
        _BODIES_MOOT.reset(token)


@lru_cache(maxsize=1)
def _core_head_index() -> tuple[_Words, dict[str, list[int]]] | None:
    """The core gazetteers' names and places in one index, and the gazetteers (by position) each of
    those words belongs to; None when a gazetteer has a one-character word. Built once: the
    core's word lists are tuples that never change (`_core_gazetteers`)."""
    gazetteers = _core_gazetteers()
    if any(_has_short_word((g.names, g.places, g.short_places, g.doc_prefixes)) for g in gazetteers):
        return None
    from . import usercache

    owners: dict[str, list[int]] = {}
    for i, g in enumerate(gazetteers):
        # A gazetteer's names and places (its `_Words` roles _NAMES and _PLACES), without building
        # its index: a cold start asks one or two gazetteers, found here, for head evidence.
        for w in dict.fromkeys(g.names + g.places + g.short_places):
            owners.setdefault(w, []).append(i)
    # Choosing the key characters of ~3,500 words is most of a cold start's region work (~8 ms):
    # they are kept in the per-user cache, keyed like the division index.
    key = _data_key()
    keys = usercache.load("region-heads", key)
    index = _Words({_PLACES: tuple(owners)}, keys)
    if keys != index.keys:
        usercache.store("region-heads", key, index.keys)
    return index, owners


def _named_in_head(report: Report) -> list[Gazetteer]:
    """The core gazetteers whose head_evidence can answer (in order): those with one of their names
    or places in the organ name and title, found in one index of all their words."""
    gazetteers, index = _core_gazetteers(), _core_head_index()
    if index is None:  # a gazetteer with a one-character word is asked itself
        return list(gazetteers)
    combined, owners = index
    hit = {i for w in combined.present(_TextView.of(_head_text(report))) for i in owners[w]}
    return [gazetteers[i] for i in sorted(hit)]


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


@lru_cache(maxsize=1)  # asked for every report of a batch (packs skipped for its region)
def known_regions() -> dict[str, str]:
    """Province code -> short Chinese name ("ningxia" -> "宁夏"); shared: callers only read it."""
    return {code: min(table["names"], key=len) for code, table in load_toml("regions.toml").items()}
