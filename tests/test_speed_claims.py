"""The shortcuts of the narrative-claims reader give what the full reading gives.

`ClaimParser.may_yield` lets `extract` skip sentences whose tokens cannot give a claim, rate or
breakdown; here every report of the equivalence corpus (seeds, layouts, variants, mutations) and
hypothesis-made sentences are read with and without it, and must give the same narrative
(every field of every claim, rate and breakdown).
"""
from __future__ import annotations

import random
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from auditor.parse import claims

EXTENSION = ("%extend RECEIVED: /登记在册/",)


@contextmanager
def _ungated():
    """`extract` reading every sentence its prefilter lets through."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(claims.ClaimParser, "may_yield", lambda self, sentence: True)
        yield


def _both_ways(read):
    gated = read()
    with _ungated():
        full = read()
    return gated, full


@lru_cache(maxsize=1)
def _reports(tmp: str) -> list:
    from auditor.api import parse_file
    from tools import equivalence

    texts = equivalence.cases()
    rng = random.Random("claims-gate")
    names = [n for n in texts if not n.startswith("mut:")]
    names += rng.sample([n for n in texts if n.startswith("mut:")], 150)
    out = []
    for i, name in enumerate(names):
        path = Path(tmp) / f"{i}.txt"
        path.write_text(texts[name], encoding="utf-8")
        out.append((name, parse_file(path)))
    return out


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    return _reports(str(tmp_path_factory.mktemp("gate")))


@pytest.mark.parametrize("extensions", [(), EXTENSION])
def test_skipped_sentences_change_no_narrative(reports, extensions):
    for name, report in reports:
        gated, full = _both_ways(lambda: claims.extract(report, extensions))
        assert gated == full, name


def test_the_gate_skips_sentences_that_parse_and_keeps_the_others(reports):
    """The gate is not vacuous: it rejects sentences holding quantities, and every sentence it
    rejects gives nothing when read in full."""
    parser = claims._parser()
    skipped = kept = 0
    for _name, report in reports[:40]:
        for _section, para in report.paragraphs():
            for m in claims._SENTENCE.finditer(para.text):
                sentence = m.group()
                if parser.may_yield(sentence):
                    kept += 1
                    continue
                if any(t.kind == "QTY" for t in parser.tokens(sentence) or []):
                    skipped += 1
                with _ungated():
                    got = claims.extract_from_text(sentence, section=3)
                assert not (got.claims or got.rates or got.breakdowns), sentence
    assert skipped > 50 and kept > 50


# One sentence per terminal the gate looks for, that yields something through it alone.
_YIELDING_EXAMPLES = {
    "RECEIVED": "收到3件", "PROCESSED": "办结3件", "HANDLED": "办理3件", "PREV_CARRY": "上年结转3件",
    "CARRY": "结转3件", "GRANTED": "予以公开3件", "PARTIAL": "部分公开3件", "DENIED": "不予公开3件",
    "NOT_HELD": "信息不存在3件", "UNABLE": "无法提供3件", "NOT_PROCESSED": "不予处理3件", "CHANNEL": "网上申请3件",
    "REVIEW": "行政复议3件", "SUIT": "行政诉讼3件", "SUIT_AFTER": "复议后起诉3件", "SUIT_DIRECT": "直接起诉3件",
    "DOC_MADE": "规范性文件制发3件", "DOC_VALID": "规范性文件现行有效3件", "DOC_REPEAL": "规范性文件废止3件",
    "NEG_RECEIVED": "未收到申请", "LIT_NONE": "无行政复议", "RATE": "办结率100%", "BREAKDOWN": "共7件，其中5件、2件",
    "LPAR": "共7件 （5件、2件）",  # an exact total: "共7件以上（…）" is no breakdown
}


def test_every_yielding_terminal_has_an_example():
    assert set(_YIELDING_EXAMPLES) == claims._YIELDING | claims._COUNTING_WORDS | {"LPAR"}


@pytest.mark.parametrize("kind", sorted(_YIELDING_EXAMPLES))
def test_a_sentence_with_one_yielding_terminal_is_read(kind):
    sentence = _YIELDING_EXAMPLES[kind]
    assert kind in {t.kind for t in claims.tokenize(sentence)}
    gated, full = _both_ways(lambda: claims.extract_from_text(sentence, section=3))
    assert full.claims or full.rates or full.breakdowns
    assert gated == full


@pytest.mark.parametrize("sentence", ["8件均依法办结", "8件左右均已办结", "3 件 依法 予以公开", "收到、3件",
                                      "办结了上年的3件", "3件，办结"])
def test_a_counting_word_after_or_before_its_quantity_is_read(sentence):
    gated, full = _both_ways(lambda: claims.extract_from_text(sentence, section=3))
    assert gated == full
    assert full.claims or sentence == "3件，办结"


_FRAGMENTS = ["收到", "受理", "办结", "办理", "答复", "结转", "上年结转", "予以公开", "不予公开", "申请", "网上申请",
              "行政复议", "行政诉讼", "未收到", "没有", "无", "其中", "分别为", "共", "合计", "办结率", "达", "%",
              "（", "）", "(", ")", "，", "、", "：", " ", "　", "规范性文件", "制发", "废止", "无法提供", "信息不存在",
              "县教育局", "中心", "全市", "我县", "热线", "第", "年", "的", "工作", "信息", "政府", "登记在册",
              "均", "依法", "已", "全部"]
_QUANTITIES = st.tuples(st.sampled_from(["", "约", "近"]), st.sampled_from(["3", "12", "0", "1.5", "2万", "十", "二十一", "两"]),
                        st.sampled_from(["", "余", "多"]), st.sampled_from(["件", "条", "个", "次", "人次", "元", " 件"]),
                        st.sampled_from(["", "左右", "以上"])).map("".join)
_SENTENCES = st.lists(st.one_of(st.sampled_from(_FRAGMENTS), _QUANTITIES), max_size=20).map("".join)


@settings(max_examples=500, deadline=None)
@given(_SENTENCES, st.sampled_from([(), EXTENSION]))
def test_generated_sentences_read_the_same_with_and_without_the_gate(sentence, extensions):
    gated, full = _both_ways(lambda: claims.extract_from_text(sentence, section=3, extensions=extensions))
    assert gated == full


def test_blank_filler_is_what_the_gate_skips_as_blank():
    """`_prev_solid` skips FILLER whose text `str.strip` removes; the gate skips `\\s*`: the same characters."""
    import re
    import sys

    blank = re.compile(r"\s")
    assert all((blank.match(ch) is not None) == ch.isspace() for ch in map(chr, range(sys.maxunicode + 1)))


def test_prefilter_pattern_matches_in_a_sentence_only_where_it_does_in_the_paragraph(reports):
    """`extract` skips the sentences that end before the paragraph's first prefilter match: sound
    because the pattern has no look-around or anchor (which could see past a sentence's ends)."""
    try:
        from re import _constants as sre, _parser as sre_parser
    except ImportError:  # Python 3.10
        import sre_constants as sre
        import sre_parse as sre_parser

    def ops(node):
        """Every operator of a parsed regex, nested ones included."""
        if isinstance(node, sre_parser.SubPattern):
            for op, av in node:
                yield op
                yield from ops(av)
        elif isinstance(node, (list, tuple)):
            for item in node:
                yield from ops(item)

    assert sre.ASSERT_NOT in set(ops(sre_parser.parse(r"a(?:b|(?:c(?!d))+)")))  # the walk sees nested ones
    found = set(ops(sre_parser.parse(claims._PREFILTER_PATTERN)))
    assert not found & {sre.ASSERT, sre.ASSERT_NOT, sre.AT, sre.GROUPREF}
    for _name, report in reports:
        for _section, para in report.paragraphs():
            hit = claims._PREFILTER.search(para.text)
            for m in claims._SENTENCE.finditer(para.text):
                if claims._PREFILTER.search(para.text, *m.span()):
                    assert hit is not None and m.end() > hit.start()


# `extract` reads tokens without FILLER: what stood in a FILLER token is read from the sentence.
@pytest.mark.parametrize("sentence, found", [
    ("收到、，其他、3件", []),  # a clause of FILLER alone ends the pending 收到
    ("收到、，、3件", [("app.received", 3)]),  # an empty clause does not
    ("3件 依法 办结", [("app.processed", 3)]), ("3件，x办结", []),  # adverbs between, or a clause
    ("未收到相关的申请", [("app.received", 0)]),
    ("共7件 （其中 5件、2件）", [(7, [5, 2], True)]), ("共7件（ 其中5件、2件）", [(7, [5, 2], True)]),
    ("共7件 x（5件、2件）", []),  # blank FILLER only between a total and its group
    ("收到7件（ 其中5件、2件）", [("app.received", 7), (7, [5, 2], True)]),
    ("收到7件（x其中5件、2件）", [("app.received", 7)]),  # nor between its group and 其中
])
def test_the_text_between_tokens_is_read_from_the_sentence(sentence, found):
    got = claims.extract_from_text(sentence, section=3)
    assert [(c.metric, c.value) for c in got.claims] + \
           [(b.total.value, [p.value for p in b.parts], b.explicit) for b in got.breakdowns] == found
