"""Near-duplicate text: character shingles, Jaccard similarity and a sampled inverted index.

Texts are normalized first (whitespace and punctuation dropped, digits mapped to 0, the organ's
own names masked) so a copy that only changed the year or the name still matches. A shingle is
K consecutive characters, hashed with CRC-32 (deterministic across runs).

Candidate pairs come from `ShingleIndex`: each text posts only its *sampled* shingles (hash ≡ 0
mod SAMPLE — the same passage yields the same samples in any text, as in winnowing), and a posting
list longer than `max_postings` (boilerplate every report shares) is dropped. Pairs sharing at least
`min_shared` samples are verified with the exact Jaccard of their full shingle sets. Cost: indexing
O(total characters); candidates O(N · samples per text · max_postings) — linear in the number of
reports N for a fixed cap; verification O(candidates · text length). No all-pairs comparison.
"""
from __future__ import annotations

import re
import zlib
from collections import defaultdict

K = 8
SAMPLE = 8
_DROP = re.compile(r"[\s\u3000,，.。、:：;；!！?？\"“”'‘’()（）《》<>〈〉\[\]【】〔〕\-—_/|·•…*#]+")
_DIGITS = re.compile(r"\d")


def normalize(text: str, mask: tuple[str, ...] = ()) -> str:
    for name in sorted({m for m in mask if m}, key=len, reverse=True):
        text = text.replace(name, "□")
    return _DIGITS.sub("0", _DROP.sub("", text))


def shingles(text: str) -> set[int]:
    if len(text) < K:
        return {zlib.crc32(text.encode("utf-8"))} if text else set()
    b = [text[i:i + K].encode("utf-8") for i in range(len(text) - K + 1)]
    return {zlib.crc32(x) for x in b}


def sample(sh: set[int]) -> set[int]:
    """The shingles a text posts to the index (the same passage yields the same ones anywhere)."""
    return {h for h in sh if h % SAMPLE == 0}


def jaccard(a: set[int], b: set[int]) -> float:
    if not a or not b:
        return 0.0
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter)


def containment(a: set[int], b: set[int]) -> float:
    """Share of `a` found in `b`."""
    return len(a & b) / len(a) if a else 0.0


class ShingleIndex:
    def __init__(self, max_postings: int = 40, min_shared: int = 3):
        self.max_postings = max_postings
        self.min_shared = min_shared
        self.postings: dict[int, list[int]] = defaultdict(list)
        self.sizes: dict[int, int] = {}

    def add(self, doc_id: int, sampled: set[int]) -> None:
        """`sampled`: `sample(shingles(text))` — only those are kept, not the whole text."""
        self.sizes[doc_id] = len(sampled)
        for h in sampled:
            self.postings[h].append(doc_id)

    def candidates(self, min_ratio: float = 0.5) -> list[tuple[int, int]]:
        """Pairs (i < j) sharing at least `min_shared` samples and `min_ratio` of the smaller set."""
        shared: dict[tuple[int, int], int] = defaultdict(int)
        for ids in self.postings.values():
            if len(ids) < 2 or len(ids) > self.max_postings:
                continue
            for x in range(len(ids)):
                for y in range(x + 1, len(ids)):
                    i, j = ids[x], ids[y]
                    shared[(i, j) if i < j else (j, i)] += 1
        out = []
        for (i, j), n in shared.items():
            smaller = min(self.sizes[i], self.sizes[j]) or 1
            if n >= self.min_shared and n / smaller >= min_ratio:
                out.append((i, j))
        return sorted(out)


def shared_passages(paras_a: list[tuple[int, str]], paras_b: list[tuple[int, str]], mask_a=(), mask_b=(),
                    threshold: float = 0.6, limit: int = 5) -> list[dict]:
    """Paragraphs of A found (almost verbatim) in B: [{line_a, line_b, similarity, excerpt_a, excerpt_b}]."""
    sb = [(line, text, shingles(normalize(text, mask_b))) for line, text in paras_b]
    out = []
    for line, text in paras_a:
        norm = normalize(text, mask_a)
        if len(norm) < 20:  # headings and one-word paragraphs ("无") say nothing about copying
            continue
        sa = shingles(norm)
        best = max(((jaccard(sa, s), lb, tb) for lb, tb, s in sb), default=(0.0, None, None))
        if best[0] >= threshold:
            out.append({"line_a": line, "line_b": best[1], "similarity": round(best[0], 2),
                        "excerpt_a": text[:120], "excerpt_b": best[2][:120]})
    out.sort(key=lambda p: -p["similarity"])
    return out[:limit]
