"""Fast paths of the parser's front end (structure parse, normalization) against their references."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.parse import document, normalize

_STRUCTURE_PIECES = st.sampled_from(["一、总体情况", "二、主动公开", "三、收到和处理政府信息公开申请情况",
                                     "四、结转下年度继续办理 1 0 0 0 0 0 1", "十一、其他", "  五、存在的问题 ",
                                     "六.其他需要报告的事项", "一、\t表格", "项目\t1\t2", "\t", "正文一段。", "", "",
                                     "一、", "一、3", "（一）主动公开", " ", "七、附件"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_STRUCTURE_PIECES, max_size=25))
def test_table_driven_structure_parse_is_larks_on_generated_texts(lines):
    text = "\n".join(lines) + "\n"
    fast = document._table_parser()
    assert fast is not None
    assert fast.parse(text) == document._parser().parse(text), text


_TEXT_PIECES = st.sampled_from(["\n", "\n", "正文", " ", "\t", "|", "-", "#", "[", "*", "\\", "a|b|c|", "|---|---|",
                                "- 3 -", "第 2 页", "3/12", " 3 / 12\t", "— 4 —", "–5–", "第1页共3页", "／", "页", "## 标题", "[bookmark: x]", "**粗**", "\u3000", "（", "１２"])


@settings(max_examples=400, deadline=None)
@given(st.lists(_TEXT_PIECES, max_size=40).map("".join))
def test_special_lines_found_by_find_are_those_of_the_regex(text):
    narrow = "\n" + normalize._narrow(text)
    want = sorted({narrow.rfind("\n", 0, m.start()) for m in normalize._SPECIAL.finditer(narrow)})
    assert sorted(normalize._line_starts(narrow, normalize._SPECIAL_CHARS)) == want
    assert normalize.normalize(text) == [normalize.normalize_line(ln) for ln in text.split("\n")]


# ---------------------------------------------------------------- region index: cached key characters
def _words_found(index, text: str) -> tuple[list[str], list[str], list[str]]:
    """What the index finds in the text by each of its searches: key positions found by str.find
    (a short text, before the key regex is compiled) and by the key regex, and the character set."""
    from auditor import regions

    index.__dict__.pop("_key_regex", None)
    index._finds = 0
    by_find = index._at_key_positions(text) if len(text) <= regions._FOUND_TEXT else None
    index._finds = regions._FINDS_BEFORE_REGEX
    by_regex = index._at_key_positions(text)
    view = regions._TextView(text)
    view._chars = frozenset(text)  # forces the character-set search
    by_chars = index.present(view)
    return sorted(by_find if by_find is not None else by_regex), sorted(by_regex), sorted(by_chars)


def test_region_head_index_from_cached_keys_finds_what_a_fresh_one_finds(parsed_samples):
    """The head index is built with key characters kept in the per-user cache. Any character of a
    word finds the same words, so keys taken from the cache, or chosen otherwise (the first
    character of each word), find what freshly chosen ones find; keys that are not one character
    of each word, in order (a damaged cache entry), are refused and chosen again."""
    from auditor import regions

    words = tuple(regions._core_head_index()[1])
    fresh = regions._Words({regions._PLACES: words})
    first_chars = "".join(w[0] for w in words)
    assert regions._Words({regions._PLACES: words}, fresh.keys).by_char == fresh.by_char
    for damaged in (fresh.keys[:-1], "甲" * len(words), 42, None, fresh.keys[1:] + fresh.keys[0]):
        assert regions._Words({regions._PLACES: words}, damaged).keys == fresh.keys
    other = regions._Words({regions._PLACES: words}, first_chars)
    assert other.keys == first_chars != fresh.keys
    texts = [regions._head_text(r) for r in parsed_samples] + [
        "".join(words[i::97][:40]) for i in range(0, 97, 7)] + ["".join(words[i::301][:12]) for i in range(0, 301, 37)] + [
        "朝阳区人民政府" + words[5] + words[-1], words[3] * 3 + words[4]]
    found = [_words_found(fresh, text) for text in texts]
    assert sum(len(f[0]) for f in found) > 100  # the texts hold many of the words
    for text, (by_find, by_regex, by_chars) in zip(texts, found):
        assert by_find == by_regex == by_chars, text
        assert _words_found(other, text) == (by_find, by_regex, by_chars), text


# ---------------------------------------------------------------- paragraphs: endings by last character
def _paragraphs_reference(lines):
    """build_paragraphs as first written: the endings tested with str.endswith of the tuples."""
    ends, opens = tuple(document._SENTENCE_END), document._OPENS_BREAKDOWN
    paras, cur = [], None
    for ln in lines:
        if ln.kind == "ROW":
            cur = None
            continue
        s = ln.text.strip()
        if not s:
            continue
        if cur is not None and (cur[0].endswith(opens) or not cur[0].endswith(ends) and not document._ITEM_START.match(s)):
            cur[2].append((len(cur[0]), ln.line))
            cur[0] += s
            continue
        cur = [s, ln.line, [(0, ln.line)]]
        paras.append(cur)
    return [tuple(p) for p in paras]


_PARAGRAPH_PIECES = st.sampled_from(["共收到申请6件，其中：", "其中:", "分别为：", "包括", "办结。", "答复；", "问题？",
                                     "（一）主动公开", "1. 条目", "一是加强", "第二", "正文", "  ", "：", ":", "。", "a!"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["TEXT", "TEXT", "ROW"]), st.lists(_PARAGRAPH_PIECES, max_size=3).map("".join)),
                max_size=12))
def test_paragraphs_joined_as_by_the_ending_tuples(pieces):
    lines = [document.SrcLine(kind, text, i + 1) for i, (kind, text) in enumerate(pieces)]
    assert [(p.text, p.line, p.spans) for p in document.build_paragraphs(lines)] == _paragraphs_reference(lines)


def test_structure_parse_of_lines_holding_a_newline_is_larks():
    """parse_structure slices the tokens' lines from the normalized lines; a line holding a
    "\\n" (normalize makes none) would shift them, so such lines are split again from the text."""
    lines = ["一、总体情况", "正文\n二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况", "项目\t1"]
    text = "\n".join(lines) + "\n"
    assert document.parse_structure(lines) == document._parser().parse(text)
