"""Row labels → template rows: the alias index the binder recognises table row labels with.

Each template's aliases are indexed once per process (by first character, plus the character sets
the typo search prunes with). What a label's key matches depends on the key alone, so it is worked
out once per distinct label and remembered: row labels recur across a table's lines and across the
reports of a batch. A `RowMatcher` only holds the position in the template (`last`), which decides
ties, `exact` aliases and how far ahead fuzzy and typo matches may look.
"""
from __future__ import annotations

import re
from functools import lru_cache

from .normalize import key

_ENUM_PREFIX = re.compile(r"^[0-9一二三四五六七八九十]+")
MEMO_MAX = 4096  # distinct labels (and keys, per template) remembered; entries are small


@lru_cache(maxsize=MEMO_MAX)
def label_key(label: str) -> str:
    """`normalize.key` of a label or line, remembered (table labels recur)."""
    return key(label)


@lru_cache(maxsize=MEMO_MAX)
def _label_keys(label: str) -> tuple[str, str]:
    k = label_key(label)
    return k, _ENUM_PREFIX.sub("", k)


def _subsequence_span(needle: str, hay: str) -> int | None:
    """Length of the shortest window of `hay` containing `needle` as a subsequence (greedy)."""
    best = None
    for start in range(len(hay)):
        if hay[start] != needle[0]:
            continue
        j = 0
        for i in range(start, len(hay)):
            if hay[i] == needle[j]:
                j += 1
                if j == len(needle):
                    span = i - start + 1
                    best = span if best is None else min(best, span)
                    break
    return best


def _within_one_edit(a: str, b: str) -> bool:
    """Levenshtein distance of a and b is at most 1."""
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b)) <= 1
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i:] == b[i + 1:]


def _near_alias(alias: str, k: str) -> bool:
    """Some window of k is one dropped, doubled or replaced character away from alias."""
    n = len(alias)
    for width in (n - 1, n, n + 1):
        for start in range(0, len(k) - width + 1):
            if _within_one_edit(alias, k[start:start + width]):
                return True
    return False


# Shorter aliases are one edit away from too many strings: with 4 characters, 表二's column header
# "本年新公开数量" would be a typo of 表三's "本年新收".
TYPO_MIN_ALIAS = 6


class AliasIndex:
    """The aliases of one template's rows (row i: `aliases[i]`, `exact[i]`), indexed; what a key
    matches is computed once per key."""

    def __init__(self, aliases: tuple[tuple[str, ...], ...], exact: tuple[tuple[str, ...], ...]):
        self.size = len(aliases)
        self.exact = exact
        # By first character: a key is looked up at each of its positions instead of testing
        # every alias of every row against it. Entries: (alias, row, the alias's rank in its row).
        self._by_first: dict[str, list[tuple[str, int, int]]] = {}
        # Typo candidates with their character sets: one edit leaves at most one of an alias's
        # characters out of the label, so most aliases are ruled out by a set difference.
        self._typo_aliases: list[tuple[str, frozenset, int]] = []
        for i, row in enumerate(aliases):
            for rank, alias in enumerate(row):
                self._by_first.setdefault(alias[0], []).append((alias, i, rank))
                if len(alias) >= TYPO_MIN_ALIAS:
                    self._typo_aliases.append((alias, frozenset(alias), i))
        self._fuzzy = tuple(tuple(a for a in row if len(a) >= 4) for row in aliases)
        # Per-index memos (the index itself is kept for the process, see `_index`).
        self.lookup = lru_cache(maxsize=MEMO_MAX)(self._lookup)
        self.in_order = lru_cache(maxsize=MEMO_MAX)(self._in_order)
        self.near = lru_cache(maxsize=MEMO_MAX)(self._near)
        self.leaf_hit = lru_cache(maxsize=MEMO_MAX)(self._leaf_hit)
        self.loose_hit = lru_cache(maxsize=MEMO_MAX)(self._loose_hit)

    def _lookup(self, label: str) -> tuple[str, str, tuple[tuple[int, int], ...]]:
        """A label's key, its key without the row number, and the key's `_hits`: what `match`
        needs of the label apart from the template position, in one memo lookup."""
        k, k_noenum = _label_keys(label)
        return k, k_noenum, self._hits(k) if k else ()

    def _hits(self, k: str) -> tuple[tuple[int, int], ...]:
        """(row, alias length) of each alias contained in k, by row, then by the alias's rank."""
        hits = set()
        for pos, ch in enumerate(k):
            for alias, i, rank in self._by_first.get(ch, ()):
                if k.startswith(alias, pos):
                    hits.add((i, rank, len(alias)))
        return tuple((i, n) for i, _rank, n in sorted(hits))

    def _in_order(self, k: str, i: int) -> bool:
        """An alias of row i (4+ characters) appears in order within a short window of k."""
        for alias in self._fuzzy[i]:
            span = _subsequence_span(alias, k)
            if span is not None and span <= 3 * len(alias):
                return True
        return False

    def match(self, label: str, last: int, fuzzy: bool = False) -> int | None:
        """The row `label` names when the last row found is `last` (`RowMatcher.match`)."""
        k, k_noenum, hits = self.lookup(label)
        if not k:
            return None
        nxt = last + 1
        if nxt < self.size and k_noenum in self.exact[nxt]:
            return nxt
        best, best_len = None, 0
        for i, n in hits:
            if n > best_len or (n == best_len and best is not None and best <= last < i):
                best, best_len = i, n
        if best is not None:
            return best
        if fuzzy:
            # Scrambled PDF labels ("(二)部分 计其他情形 公开(…)"): accept the next one or two rows
            # only when the alias appears in order within a short window.
            for i in range(nxt, min(last + 3, self.size)):
                if self.in_order(k, i):
                    return i
        return None

    def _leaf_hit(self, labels: tuple[str, ...], last: int) -> tuple[int | None, str | None]:
        """The row the rightmost of a line's labels that names one names, and that label (the
        leaf label stands right of its group labels): what the line's labels name depends on
        them and `last` alone, and lines recur."""
        for text in reversed(labels):
            i = self.match(text, last)
            if i is not None:
                return i, text
        return None, None

    def _loose_hit(self, labels: tuple[str, ...], last: int) -> tuple[int | None, str | None]:
        """When no label of a line names a row: the row their joined text names (`match`, fuzzy),
        or else the row one of them, leaf label first, names by a typo (`typo_at`), with that
        label; remembered like `leaf_hit`."""
        i = self.match("".join(labels), last, fuzzy=True)
        if i is not None:
            return i, None
        for text in reversed(labels):
            i = self.typo_at(text, last)
            if i is not None:
                return i, text.strip()
        return None, None

    def typo_at(self, label: str, last: int) -> int | None:
        """`RowMatcher.typo_match` when the last row found is `last`."""
        near = self.near(_label_keys(label)[0])
        if len(near) != 1:
            return None
        (i,) = near
        return i if last < i <= last + 2 else None

    def _near(self, k: str) -> frozenset[int]:
        """The rows with an alias one edit away from a window of k."""
        chars = frozenset(k)
        return frozenset(i for alias, aset, i in self._typo_aliases
                         if len(aset - chars) <= 1 and _near_alias(alias, k))


_index = lru_cache(maxsize=64)(AliasIndex)  # one per template (t3 has one per format version)


def alias_index(specs: list[dict]) -> AliasIndex:
    """The index of these template rows' aliases (the same object for the same aliases)."""
    return _index(tuple(tuple(s.get("aliases", ())) for s in specs), tuple(tuple(s.get("exact", ())) for s in specs))


class RowMatcher:
    def __init__(self, specs: list[dict], index: AliasIndex | None = None):
        """`index`: `alias_index(specs)`, when the caller keeps it."""
        self.specs = specs
        self.last = -1
        self.typo: str | None = None  # the label text when the last match was by edit distance
        self.index = index or alias_index(specs)

    def match(self, label: str, fuzzy: bool = False) -> int | None:
        self.typo = None
        return self.index.match(label, self.last, fuzzy)

    def typo_match(self, label: str) -> int | None:
        """A label one edit away from the alias of the next row(s) in template order, and from no
        other row of the template (a typo that could be two rows is not matched)."""
        i = self.index.typo_at(label, self.last)
        self.typo = None if i is None else label.strip()
        return i
