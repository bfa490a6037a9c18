"""The claims lexer's alternation names each terminal by an empty group after its regex (not a group
around it) and nests its first-character look-aheads two deep; that lexes as the plain alternation
of named groups: checked here on terminals made to meet at one place, with groups of their own and
a terminal whose first characters are unknown, and on the grammar's own terminals."""
from __future__ import annotations

import re

from hypothesis import given, settings, strategies as st

from auditor.parse import claims

# A prefix of a later word ("办结" before "办结率"), a capturing group, a nested group, a look-behind
# first, a repeat first, a terminal with unknown first characters (every CJK character) between
# others, and more terminals than one run of runs holds.
_TERMS = [("SEP", r"[，,]"), ("UNIT", r"(?<=[\d])\s*(?:件|条)"), ("NUMBER", r"(?<![\d.])\d+(?=\s*(?:件|条))"),
          ("DONE", r"办结"), ("RATE", r"(办结|答复)率\s*\d+%"), ("GROUPED", r"((全)(市|县))|各部门"),
          ("ANY", r"[一-龥]{1,3}?局"), ("OPT", r"(?:行政)?复议"), ("WORDS", r"热线|12345|信箱|信访"),
          ("LPAR", r"[（(]"), ("RPAR", r"[）)]"), ("LATE", r"办结率"), ("A", "a"), ("B", "b"), ("C", "c"),
          ("D", "d"), ("E", "e"), ("F", "f"), ("G", "g"), ("H", "h"), ("I", "i"), ("J", "j"), ("K", "k")]
_WORDS = st.sampled_from("办结 办结率 答复率 5% 3 12 件 条 全市 全县 各部门 县教育局 局 行政复议 复议 热线 12345 "
                         "信箱 信访 ， , （ ） ( ) a b c d e f g h i j k x 政府 信息".split())
_TEXT = st.lists(_WORDS | st.text(st.sampled_from("0123456789 办结率答复全市县各部门局行政复议热线信箱访（）abck"),
                                  max_size=3), max_size=20).map("".join)


def _lexed(regex: re.Pattern, text: str) -> list[tuple[str, tuple[int, int]]]:
    return [(m.lastgroup, m.span()) for m in regex.finditer(text)]


def _plain(terms) -> re.Pattern:
    return re.compile("|".join(f"(?P<{name}>{regexp})" for name, regexp in terms))


_NESTED = re.compile(claims._alternation(_TERMS))
_GATED = re.compile(claims._alternation([t for t in _TERMS if t[0] != "ANY"], gate=True))
_REFERENCE = _plain(_TERMS)
_REFERENCE_GATED = _plain([t for t in _TERMS if t[0] != "ANY"])


@settings(max_examples=1500, deadline=None)
@given(_TEXT)
def test_nested_alternation_lexes_as_the_plain_one(text):
    assert _lexed(_NESTED, text) == _lexed(_REFERENCE, text)
    assert _lexed(_GATED, text) == _lexed(_REFERENCE_GATED, text)


def test_nested_alternation_is_really_nested():
    pattern = claims._alternation(_TERMS)
    assert "(?:办结)(?P<DONE>)" in pattern  # the name after the terminal
    assert "(?=[" in pattern and re.search(r"\(\?=\[[^]]*\]\)\(\?:\(\?=\[", pattern)  # a run of runs
    # the earlier terminal wins where a later one matches too ("办结" before "办结率")
    assert _lexed(_NESTED, "办结率5%，全市3件") == [("DONE", (0, 2)), ("SEP", (5, 6)), ("GROUPED", (6, 8)),
                                                 ("NUMBER", (8, 9)), ("UNIT", (9, 10))]


def test_grammar_alternation_lexes_the_corpus_as_the_plain_one():
    from test_speed import _corpus_sentences

    parser = claims._parser()
    reference = _plain(parser.terminals)
    reference_without = _plain([t for t in parser.terminals if t[0] != "ORGAN"])
    sentences = list(_corpus_sentences())
    assert len(sentences) > 100
    for s in sentences:
        assert _lexed(parser.regex, s) == _lexed(reference, s), s
        if parser._guards[0][1].search(s) is None:
            assert _lexed(parser._regex_for(s), s) == _lexed(reference_without, s), s
