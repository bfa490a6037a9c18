"""The fast paths of `claims.extract` say what the reference ways say.

`extract` runs its sentence prefilter over reversed text (`_PREFILTER_REVERSED`): here that is checked
against the forward `_PREFILTER` and against the plain `_PREFILTER_PATTERN` on generated strings and on
edge cases, and the sentences `extract` goes on to read are checked against the forward reference.
"""
from __future__ import annotations

import re

import pytest
from hypothesis import given, settings, strategies as st

from auditor.model import Paragraph, Report
from auditor.parse import claims

# The pattern's own characters, sentence ends, blanks and some other CJK text.
_ALPHABET = st.sampled_from(sorted(set(
    "0123456789零〇一二两三四五六七八九十百千万余多件条个起篇份宗例项次期家元人%复议诉讼未没有无收到受理接"
    "。！？；;!?\n \t\u3000，、（）第年月日申请公开办结行政的了在和")))
_TEXT = st.text(_ALPHABET | st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), max_size=60)
_PLAIN = re.compile(claims._PREFILTER_PATTERN)


def _forward(text: str, a: int, b: int) -> bool:
    return claims._PREFILTER.search(text, a, b) is not None


def _backward(text: str, a: int, b: int) -> bool:
    n = len(text)
    return claims._PREFILTER_REVERSED.search(text[::-1], n - b, n - a) is not None


@settings(max_examples=3000, deadline=None)
@given(_TEXT, st.integers(0, 60), st.integers(0, 60))
def test_reversed_prefilter_agrees_on_every_slice(text, i, j):
    a, b = sorted((min(i, len(text)), min(j, len(text))))
    expected = _PLAIN.search(text[a:b]) is not None
    assert _forward(text, a, b) == expected
    assert _backward(text, a, b) == expected
    assert (claims._PREFILTER_REVERSED.search(text[::-1]) is not None) == (_PLAIN.search(text) is not None)


@settings(max_examples=1000, deadline=None)
@given(_TEXT)
def test_first_reversed_hit_is_where_the_last_match_ends(text):
    """`extract` stops at the sentence that starts where the paragraph's last match ends."""
    hit = claims._PREFILTER_REVERSED.search(text[::-1])
    ends = [e for e in range(len(text) + 1) if any(_PLAIN.fullmatch(text, s, e) for s in range(e))]
    assert (hit is None) == (not ends)
    if hit is not None:
        assert len(text) - hit.start() == max(ends)


@pytest.mark.parametrize("text, found", [
    ("3件", True), ("3 件", True), ("三 余 件", True), ("十多条", True), ("2  多  项", True),
    ("5人次", True), ("5 人次", True), ("5人", False), ("人次", False), ("次人5", False),
    ("10%", True), ("%", True), ("复议", True), ("议复", False), ("诉讼", True), ("复 议", False),
    ("未收到", True), ("没有受理", True), ("无接收", True), ("无接到", True), ("没收到", False),
    ("未 收到", False), ("收到", False), ("件3", False), ("第一件", True), ("一起", True),
    ("3\n件", True), ("3余多件", False), ("", False), ("年度", False),
])
def test_prefilter_edge_cases(text, found):
    assert (_PLAIN.search(text) is not None) == found
    assert _forward(text, 0, len(text)) == found
    assert _backward(text, 0, len(text)) == found


def test_reversed_regex_of_the_constructs_it_supports():
    rev = claims._reversed
    parse = claims._sre_parser.parse
    for pattern, text in [(r"ab(?:c|de)*\s?[x-z\d]{2,3}", "abdec y1"), (r"人次|[件次]", "次人"), (r"a{2}b+", "bbaa")]:
        forward = re.compile(pattern)
        backward = re.compile(rev(parse(pattern)))
        for s in (text, text[::-1], "abcy1", "ab y12", "aab", "aabbb", "人次", "次"):
            assert (forward.fullmatch(s) is None) == (backward.fullmatch(s[::-1]) is None), (pattern, s)
    for unsupported in (r"a(?=b)", r"(a)", r"^a", r"[^a]", r"a*?", r"\w"):
        with pytest.raises(ValueError):
            rev(parse(unsupported))


def _report(texts: list[str]) -> Report:
    paras = [Paragraph(text=t, line=i + 1, spans=[(0, i + 1)]) for i, t in enumerate(texts)]
    return Report(source="<t>", kind="txt", lines=texts, preamble=paras)


def _read_sentences(report: Report, monkeypatch) -> list[str]:
    """The sentences `extract` hands to the parser (none are left out for lying in a table)."""
    seen: list[str] = []
    monkeypatch.setattr(claims, "_table_lines", lambda report: set())
    monkeypatch.setattr(claims.ClaimParser, "may_yield", lambda self, sentence: seen.append(sentence) and False)
    claims.extract(report)
    return seen


def _reference_sentences(report: Report) -> list[str]:
    return [m.group() for _s, para in report.paragraphs() for m in claims._SENTENCE.finditer(para.text)
            if claims._PREFILTER.search(para.text, *m.span())]


@settings(max_examples=300, deadline=None)
@given(st.lists(_TEXT, min_size=1, max_size=4))
def test_extract_reads_the_sentences_the_forward_prefilter_passes(texts):
    report = _report(texts)
    with pytest.MonkeyPatch.context() as mp:
        assert _read_sentences(report, mp) == _reference_sentences(report)


def test_extract_reads_the_sentences_the_forward_prefilter_passes_in_the_samples(monkeypatch):
    from pathlib import Path

    from auditor.api import parse_file

    root = Path(__file__).resolve().parents[1] / "sample_reports"
    for path in sorted(root.glob("*.txt")):
        report = parse_file(path)
        with pytest.MonkeyPatch.context() as mp:
            read = _read_sentences(report, mp)
        assert read == _reference_sentences(report)
        assert read  # the samples do hold claims


@pytest.mark.parametrize("text", [
    "收到申请3件。今年天气很好。", "今年天气很好。收到申请3件。", "一二三。\n件数。办结3件", "3\n件。", "复议。诉讼。",
    "未收到。一。一。一", "行政复议0件；行政诉讼0件", "5人次。次人5。", "。。。3件。。", "办结3件。%",
    "复议。\n%", "3件。诉讼",
])
def test_extract_reads_the_right_sentences_in_edge_cases(text, monkeypatch):
    report = _report([text])
    assert _read_sentences(report, monkeypatch) == _reference_sentences(report)


_GATED = [claims._PREFILTER_PATTERN, r"(?:收到|受理)\s*(?:[（(])", r"(?<=[件条])(?:左右|以上)", r"[一二]+(?=件)|%",
          r"(?:办结|答复)[\s均已]*(?:\d+件)"]


@settings(max_examples=2000, deadline=None)
@given(_TEXT, st.integers(0, 60), st.integers(0, 60), st.sampled_from(_GATED))
def test_found_quickly_finds_where_the_pattern_does(text, i, j, pattern):
    """`_found_quickly` steps back over its first character with "." (the class it consumed)."""
    a, b = sorted((min(i, len(text)), min(j, len(text))))
    quick = claims._found_quickly(pattern)
    assert quick.pattern != pattern  # the gated form
    assert (quick.search(text, a, b) is None) == (re.compile(pattern).search(text, a, b) is None)


def test_first_class_cache_answers_as_the_function_does():
    parser = claims._parser()
    for _name, regexp in parser.terminals:
        for limit in (claims._MAX_FIRST, claims._MAX_GATE):
            assert claims._first_class(regexp, limit) == claims._first_class.__wrapped__(regexp, limit)


def test_whole_alternation_is_made_on_first_use():
    parser = claims.ClaimParser(*_parser_args())
    assert "regex" not in parser.__dict__
    assert parser.regex.pattern == parser._regex_text
    assert parser._regex_for("县教育局受理申请3件") is parser.regex  # ORGAN's guard is found
    assert parser._regex_for("受理申请3件") is not parser.regex


def _parser_args():
    parser = claims._parser()
    data = {"regex": parser._regex_text, "terminals": parser.terminals, "start": parser.start_state,
            "end": parser.end_state, "states": {}, "guarded": [name for name, _g in parser._guards],
            "without": {"\t".join(absent): text for absent, text in parser._without_text.items()},
            "gates": claims._yield_patterns(parser.terminals)}
    return data, parser.grammar


@pytest.mark.parametrize("pattern", _GATED)
def test_found_quickly_finds_a_match_starting_with_any_of_its_first_characters(pattern):
    first = re.compile(f"[{claims._first_class(pattern, claims._MAX_GATE)}]")
    starts = [ch for ch in map(chr, range(0x10000)) if first.fullmatch(ch)] + ["\u3000"]
    rests = ["件", "人次", " 余件", "复议", "议", "讼", "收到", "（", "以上", " 3件", "二件", "%", "均办结", ""]
    quick, plain = claims._found_quickly(pattern), re.compile(pattern)
    for ch in starts:
        for rest in rests:
            for text in (ch + rest, "x" + ch + rest, "办结" + ch + rest, "件" + ch + rest):
                assert (quick.search(text) is None) == (plain.search(text) is None), (pattern, text)


@pytest.mark.parametrize("extensions", [(), ("%extend RECEIVED: /登记在册/",)])
def test_regex_texts_kept_with_the_table_are_what_the_code_makes(extensions):
    """The alternations without guarded terminals and the yield gates are kept with the parse table
    (no parsing of regexes at start-up): what is stored must be what the code makes now."""
    from auditor.parse import lalr
    from auditor.resources import grammar_text

    text = "\n".join((grammar_text("claims.lark"), *extensions))
    stored = lalr.table("claims", text, f"lalr ClaimLexer maybe_placeholders=False data={claims._DATA_FORMAT}",
                        lambda: claims.ClaimParser.compile(claims._build_lark(text)))
    fresh = claims.ClaimParser.compile(claims._build_lark(text))
    kept = ("regex", "terminals", "guarded", "without", "gates")  # (lark numbers its states anew each time)
    assert {k: stored[k] for k in kept} == {k: fresh[k] for k in kept}
    terms = [tuple(t) for t in fresh["terminals"]]
    assert fresh["guarded"] == ["ORGAN"]
    assert fresh["without"] == {"ORGAN": claims._alternation([t for t in terms if t[0] != "ORGAN"], gate=True)}
    assert fresh["gates"] == claims._yield_patterns(terms)
    parser = claims._parser(extensions)
    assert [name for name, _g in parser._guards] == ["ORGAN"]


def test_alternation_without_a_combination_not_kept_is_made_on_demand():
    data, grammar = _parser_args()
    data["without"] = {}
    parser = claims.ClaimParser(data, grammar)
    regex = parser._regex_for("受理申请3件")
    assert regex.pattern == claims._parser()._regex_for("受理申请3件").pattern
