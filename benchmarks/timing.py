"""Shared by the benchmark scripts: the median wall time of repeated calls."""
from __future__ import annotations

import statistics
import time


def median_time(fn, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t)
    return statistics.median(samples)


def forget_text_memos() -> None:
    """Forget what the parser remembers about the texts it has seen (line shapes, value and
    number-like words, claim numbers), so that a repeated benchmark text is read as a new report would
    be: the five sample texts timed again and again would otherwise be all memo hits. What stays is
    what any report shares (compiled grammars and regexes, the template's row-label index and the
    label keys, the claims parser's remembered table steps)."""
    from auditor.parse import binder, cells, claims

    binder._SHAPES.clear()
    binder._value_of.cache_clear()
    cells.number_like.cache_clear()
    claims._number.cache_clear()
