"""The claims lexer tries its terminals in `_common_first` order, not in priority order; that gives
the same tokens: checked here against the plain priority-order alternation on generated text and on
the sample reports, with and without a grammar extension."""
from __future__ import annotations

import re

import pytest
from hypothesis import given, settings, strategies as st

from auditor.parse import claims

_EXTENSION = "%extend SEP: /；/\n%extend RECEIVED: /登记在册|12345/"


def _priority_order(parser) -> list[tuple[str, str]]:
    terms = [t for t in parser.lark.terminals if t.name != "FILLER"]
    terms.sort(key=lambda t: (-t.priority, -t.pattern.max_width, t.name))
    return [(t.name, t.pattern.to_regexp()) for t in terms]


def _lexed(regex: re.Pattern, text: str) -> list[tuple[str, tuple[int, int]]]:
    return [(m.lastgroup, m.span()) for m in regex.finditer(text)]


@pytest.fixture(scope="module", params=[(), (_EXTENSION,)], ids=["grammar", "extended"])
def orders(request):
    parser = claims._parser(request.param)
    plain = _priority_order(parser)
    reference = re.compile("|".join(f"(?P<{name}>{regexp})" for name, regexp in plain))
    without = [t for t in plain if t[0] != "ORGAN"]
    reference_without = re.compile("|".join(f"(?P<{name}>{regexp})" for name, regexp in without))
    return parser, reference, reference_without


# The terminals' own characters (their first ones above all), blanks and other CJK text.
_ALPHABET = st.sampled_from(sorted(set(
    "0123456789零〇一二两三四五六七八九十百千万余多件条个起篇份宗例项人次期家元%.,，、：:（）()；"
    " \u3000按时办结率达为答复回处置应理完毕成未没有无暂收到受接新悉上年度结转入下予以同意全部分不公开本机关掌握信息存在"
    "法提供网络在线互联电子邮件箱站函寄书面当现场传真话交的申请行政诉讼议后起直接经规范性文件制发印出台定废止宣布失效"
    "费市县区镇乡旗州盟省自治街道各单位级地系统内所属我热线留言咨询投诉访建案微博APpc客端务民来工单求舆局委员会厅署中心"
    "司院检察其别是包括共计合总累第登记册")))
# Words of the terminals, among them pairs where one starts another ("结转" in "上年结转", "办结" in
# "办结率"), so that terminals meet at one place.
_WORDS = st.sampled_from(
    "办结率 按时办结率 回复处置率达 答复率为 办结率100% 办理率达 94.5% 处置率为0% 3 12 一 二十 两 第 5.5 1,200 3万 余 多 件 条 人次 万元 元 左右 以上 将近 约 逾 "
    "未发生 没有 无 暂无 行政复议 行政诉讼 复议后起诉 未经复议直接起诉 直接诉讼 网上申请 信函 电话提交的申请 申请 "
    "上年结转 上一年度结转 结转 转入下年度 予以公开 部分公开 不予公开 不予处理 本机关不掌握 信息不存在 无法提供 "
    "收到 受理 未收到 没有受理 新收 办结 答复 回复 处置 办理 办理完毕 处理 行政规范性文件 规范性文件 制发 现行有效 废止 "
    "信息处理费 全市 各部门 所属 我县 热线 12345 信箱 政务服务 县教育局 委员会 中心 其中 分别为 包括 共计 共 "
    "， , 、 ： （ ） ( ) ； 。 登记在册".split())
_TEXT = st.lists(_WORDS | st.text(_ALPHABET | st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), max_size=3),
                 max_size=25).map("".join)


@settings(max_examples=1500, deadline=None)
@given(_TEXT)
def test_common_first_order_lexes_as_priority_order(orders, text):
    parser, reference, reference_without = orders
    assert _lexed(parser.regex, text) == _lexed(reference, text)
    # the alternation without ORGAN (sentences whose organ nouns do not occur) and its first-character gate
    if parser._guards[0][1].search(text) is None:
        assert _lexed(parser._regex_for(text), text) == _lexed(reference_without, text)


def test_common_first_order_lexes_the_sample_sentences_as_priority_order(orders, parsed_samples):
    parser, reference, _ = orders
    sentences = {m.group() for report in parsed_samples for _s, p in report.paragraphs()
                 for m in claims._SENTENCE.finditer(p.text)}
    assert len(sentences) > 100
    for s in sentences:
        assert _lexed(parser._regex_for(s), s) == _lexed(reference, s), s


def test_common_first_keeps_the_order_of_terminals_that_can_match_at_one_place(orders):
    parser = orders[0]
    plain = _priority_order(parser)
    lexing = parser.terminals
    assert sorted(lexing) == sorted(plain)
    assert lexing[0][0] == "SEP" and lexing != plain  # really moved
    at = {name: i for i, (name, _r) in enumerate(lexing)}
    for i, (a, ra) in enumerate(plain):
        for b, rb in plain[i + 1:]:
            if claims._may_start_alike(ra, rb):
                assert at[a] < at[b], (a, b)


@pytest.mark.parametrize("a, b, alike", [
    (r"[，,、]", r"[（(]", False), (r"\s*(?:件|条)", r"(?<=\d)\s*余", True), (r"\d+件", r"12345", True),
    (r"\s*件", r"\d+", False), (r"收到|受理", r"[\u4e00-\u9fa5]{1,8}?局", True), (r"[，,]", r"[\u4e00-\u9fa5]+局", False),
    (r"\d", r"[0-9]", True), (r"\s", r"[\u3000]", True), (r"\s", r"[a-z]", False), (r"a*", r"b", True),
    (r"[^a]", r"b", True), (r"(?:行政)?复议", r"行政诉讼", True), (r"(?:行政)?复议", r"诉讼", False),
    (r"(?i:a)b", r"A", True), (r"(?i)ab", r"A", True), (r"(?i:a)", r"c", True),  # IGNORECASE: unknown
])
def test_may_start_alike(a, b, alike):
    assert claims._may_start_alike(a, b) is alike
    assert claims._may_start_alike(b, a) is alike


def test_first_characters_are_unknown_under_ignorecase():
    """A case-insensitive terminal (a plugin's `%extend X: /abc/i`, which lark writes `(?i:abc)`)
    can start with either case: no first-character gate and no reordering may assume one."""
    assert claims._first_class("abc") == "a"
    assert claims._first_class("(?i:abc)") is None and claims._first_class("(?i)abc") is None
