"""Document structure: grammar parse, the six standard sections, paragraphs."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import compress, count, repeat

from ..model import Paragraph, Section
from ..resources import grammar_text
from . import lalr

NUMERALS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}

STANDARD_TITLES = {
    1: "一、总体情况",
    2: "二、主动公开政府信息情况",
    3: "三、收到和处理政府信息公开申请情况",
    4: "四、政府信息公开行政复议、行政诉讼情况",
    5: "五、存在的主要问题及改进情况",
    6: "六、其他需要报告的事项",
}


@dataclass(slots=True)  # one per source line: slots make them cheaper to create
class SrcLine:
    kind: str  # "ROW" | "TEXT" | "HEAD"
    text: str
    line: int


@dataclass
class RawSection:
    head: SrcLine | None
    lines: list[SrcLine]


# A run terminal of grammars/report.lark -> the kind of each of its lines.
_LINE_KIND = {"ROWS": "ROW", "TEXTS": "TEXT"}


class _ToSections:
    """Tree callbacks of grammars/report.lark (a lark Transformer's methods, used by both parsers)."""

    @staticmethod
    def _lines(children):
        """One SrcLine per non-blank line of the ROWS and TEXTS runs, numbered from the run's line."""
        out: list[SrcLine] = []
        for t in children:
            texts = t.texts if t.__class__ is _Line else str(t).split("\n")
            # (compress keeps the non-blank texts and their line numbers; map makes the lines at C speed)
            out += map(SrcLine, repeat(_LINE_KIND[t.type]), compress(texts, texts), compress(count(t.line), texts))
        return out

    def preamble(self, children):
        return RawSection(None, self._lines(children))

    def section(self, children):
        head, *rest = children
        return RawSection(SrcLine("HEAD", str(head).rstrip("\n"), head.line), self._lines(rest))

    def start(self, children):
        return children


_OPTIONS = dict(parser="lalr", lexer="contextual", maybe_placeholders=False)


@lru_cache(maxsize=1)
def _parser():
    """Lark's parser of grammars/report.lark, building the sections itself (the reference, and
    the parser of any text the table-driven one leaves to it)."""
    from lark import Lark, Transformer

    transformer = type("ToSections", (_ToSections, Transformer), {})()
    return Lark(grammar_text("report.lark"), transformer=transformer, **_OPTIONS)


def _compile(lark) -> dict | None:
    """The LALR table and, per parser state, the contextual lexer's regex (its terminals in lark's
    own order), or None when the grammar uses what the table-driven parser does not do (string
    terminals, which lark's lexer checks against the regexes; ?rules, aliases, kept tokens)."""
    from lark.lexer import PatternRE

    lexers = lark.parser.lexer.lexers
    if any(not isinstance(t.pattern, PatternRE) or t.pattern.flags for t in lark.terminals) or any(
            r.options.expand1 or r.options.keep_all_tokens or r.alias for r in lark.rules) or lark.ignore_tokens:
        return None
    regexes = {str(state): "|".join(f"(?P<{t.name}>{t.pattern.to_regexp()})" for t in lexer.terminals)
               for state, lexer in lexers.items()}
    states, start, end = lalr.actions(lark)
    return {"lexers": regexes, "states": states, "start": start, "end": end}


class _Line:
    """A line token, as lark's Token gives it to the callbacks: its terminal, line and text (str(),
    without the newlines that end it: callbacks strip them); and `texts`, its lines, sliced from
    the text's lines rather than copied out of the text and split again."""
    __slots__ = ("type", "line", "texts")

    def __init__(self, kind: str, line: int, texts: list[str]):
        self.type, self.line, self.texts = kind, line, texts

    def __str__(self) -> str:
        return "\n".join(self.texts)


class _Inline(list):
    """The children of an inlined rule (a name starting with "_"), spliced into the parent's."""


class _TableParser:
    """grammars/report.lark parsed with the table lark compiled: per state, the contextual
    lexer's regex matches the next line; shifts and reductions follow the table, and reductions
    call the same callbacks as the lark parser. A text it cannot lex or parse goes to lark."""

    def __init__(self, data: dict):
        import re

        self.lexers = {int(state): re.compile(rx) for state, rx in data["lexers"].items()}
        callbacks = _ToSections()
        # A reduction as (children popped, rule name, inlined?, callback): what the loop would
        # otherwise work out from the name on every reduction.
        self.actions = {state: {sym: act if act.__class__ is int else
                                (act[0], act[1], act[1].startswith("_"), getattr(callbacks, act[1], None))
                                for sym, act in acts.items()}
                        for state, acts in lalr.load_actions(data["states"]).items()}
        self.start, self.end = data["start"], data["end"]
        self.callbacks = callbacks

    def parse(self, text: str, lines: list[str] | None = None):
        """The sections of `text`; `lines`: its lines (`text.split("\n")`), when the caller has them."""
        if lines is None:
            lines = text.split("\n")
        actions, lexers = self.actions, self.lexers
        state = self.start
        stack, values = [state], []
        pos, line, n = 0, 1, len(text)
        while True:
            if pos < n:
                m = lexers[state].match(text, pos)
                if m is None:
                    return None
                end = m.end()
                if end == pos:
                    return None
                kind = m.lastgroup
            else:
                kind = "$END"
            act = actions[state].get(kind)
            while act.__class__ is not int:
                if act is None:
                    return None
                size, name, inline, callback = act
                if size:
                    children = values[-size:]
                    del stack[-size:], values[-size:]
                    state = stack[-1]
                    # A recursive inlined rule (`a: a ROW`) grows its first child's list in place,
                    # as lark's own child filter does: copying it on every line would be quadratic.
                    first = children[0]
                    if inline and first.__class__ is _Inline:
                        flat = first
                        del children[0]
                    else:
                        flat = []
                    for c in children:  # (None: a filtered token, "_NL")
                        if c.__class__ is _Inline:
                            flat.extend(c)
                        elif c is not None:
                            flat.append(c)
                else:
                    flat = []
                if inline:
                    values.append(flat if flat.__class__ is _Inline else _Inline(flat))
                else:
                    values.append(callback(flat))
                    if kind == "$END" and name == "start" and len(stack) == 1:
                        return values[-1]
                state = actions[state][name]
                stack.append(state)
                act = actions[state].get(kind)
            stack.append(act)
            state = act
            n_lines = text.count("\n", pos, end)
            if kind[0] == "_":  # a filtered terminal holds a place on the stack, not a child
                values.append(None)
            else:  # (every token ends with a "\n": as many lines as newlines)
                values.append(_Line(kind, line, lines[line - 1:line - 1 + n_lines]))
            line += n_lines
            pos = end


@lru_cache(maxsize=1)
def _table_parser() -> _TableParser | None:
    data = lalr.table("report", grammar_text("report.lark"), repr(sorted(_OPTIONS.items())),
                      lambda: _compile(_parser()))
    return _TableParser(data) if data is not None else None


def parse_structure(norm_lines: list[str]) -> list[RawSection]:
    text = "\n".join(norm_lines) + "\n"
    fast = _table_parser()
    # The text's lines are the normalized ones unless one of those holds a "\n" (none does).
    lines = norm_lines if text.count("\n") == len(norm_lines) else None
    result = fast.parse(text, lines) if fast is not None else None
    return result if result is not None else _parser().parse(text)


def standard_number(title: str) -> int:
    """Which standard section a heading title names (1–6), or 0 if none."""
    t = "".join(title.split())  # (re.sub(r"\s+", "", title): the same whitespace, without the regex)
    if "其他需要报告" in t or "其他事项" in t:
        return 6
    if "复议" in t or "诉讼" in t:
        return 4
    if "问题" in t and ("改进" in t or "整改" in t or "存在" in t):
        return 5
    if "申请" in t and ("收到" in t or "处理" in t or "依申请" in t):
        return 3
    if "主动公开" in t:
        return 2
    if "总体情况" in t or t in ("总体", "概述", "基本情况"):
        return 1
    return 0


# A heading's numeral and the rest of it; the title is the rest stripped (`\s*(.*?)\s*$` gave the
# same, the lazy group trying the end at every character).
_HEAD = re.compile(r"^\s*([一二三四五六七八九十]{1,3})[、.](.*)")
_SENTENCE_END = "。！？；!?;：:"  # (one character each)
# A line that opens a new item even when the previous line did not end a sentence.
# A colon that opens a breakdown ("共收到申请6件，其中：" | "信函申请3件…") continues the
# sentence: a PDF line wrapped right after it must not cut the breakdown off its total. (A
# paragraph's text is stripped lines, so an end test is the old regex `(?:其中|…)[：:]$`.)
_OPENS_BREAKDOWN = tuple(w + c for w in ("其中", "包括", "分别为", "分别是") for c in "：:")
_ITEM_START = re.compile(r"^\s*(?:[(（][一二三四五六七八九十\d]{1,3}[)）]|\d{1,2}[.、．]\D|[一二三四五六七八九十]{1,2}[、是]|第[一二三四五六七八九十])")


def build_paragraphs(lines: list[SrcLine]) -> list[Paragraph]:
    """Join hard-wrapped prose lines (PDF extractions break lines mid-sentence) into paragraphs."""
    paras: list[Paragraph] = []
    cur: Paragraph | None = None
    for ln in lines:
        if ln.kind == "ROW":
            cur = None
            continue
        s = ln.text.strip()
        if not s:
            continue
        # (the paragraph's last character first: every ending tested is one, or ends in a colon)
        if cur is not None and ((last := cur.text[-1]) in "：:" and cur.text.endswith(_OPENS_BREAKDOWN)
                                or last not in _SENTENCE_END and not _ITEM_START.match(s)):
            cur.spans.append((len(cur.text), ln.line))
            cur.text += s
            continue
        cur = Paragraph(text=s, line=ln.line, spans=[(0, ln.line)])
        paras.append(cur)
    return paras


def recognise_sections(raw: list[RawSection]) -> tuple[list[SrcLine], list[tuple[Section, list[SrcLine]]], list[SrcLine]]:
    """Split into (preamble lines, [(section, its lines)], demoted heading candidates).

    A HEAD becomes a section when its title names a standard section, or when it is numbered
    七 or higher after the standard sections (an extra chapter). Other candidates (subheadings
    such as "一、加强组织领导" inside 总体情况) are demoted to ordinary lines of the section.
    """
    preamble: list[SrcLine] = []
    out: list[tuple[Section, list[SrcLine]]] = []
    demoted: list[SrcLine] = []
    seen_numbers: set[int] = set()
    for rs in raw:
        if rs.head is None:
            preamble.extend(rs.lines)
            continue
        m = _HEAD.match(rs.head.text)
        numeral, title = (m.group(1), m.group(2).strip()) if m else ("", rs.head.text.strip())
        num = standard_number(title)
        value = _numeral_value(numeral)
        is_extra = num == 0 and value >= 7 and seen_numbers and max(seen_numbers) >= 5
        if (num and num not in seen_numbers) or is_extra:
            seen_numbers.add(num or value)
            sec = Section(number=num, title=rs.head.text.strip(), line=rs.head.line, numeral=numeral)
            out.append((sec, list(rs.lines)))
        else:
            demoted.append(rs.head)
            target = out[-1][1] if out else preamble
            target.append(SrcLine("TEXT", rs.head.text, rs.head.line))
            target.extend(rs.lines)
    return preamble, out, demoted


def _numeral_value(numeral: str) -> int:
    if not numeral:
        return 0
    if len(numeral) == 1:
        return NUMERALS.get(numeral, 0)
    if numeral.startswith("十"):
        return 10 + NUMERALS.get(numeral[1:], 0)
    return NUMERALS.get(numeral[0], 0) * 10 + (NUMERALS.get(numeral[-1], 0) if numeral[-1] != "十" else 0)
