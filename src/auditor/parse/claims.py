"""Numeric claims in the narrative: what the text says this organ received, answered, carried over…

Each sentence is parsed with grammars/claims.lark into quantities, groups and counting words. A
quantity is tied to a counting word within its clause: the word before it ("办结3件"), or, when none
precedes, the word right after it with only adverbs between ("8件均依法办结"). The sentence then
decides whether the claim can be compared with this organ's tables at all: a jurisdiction-wide scope
word, a hotline or mailbox, another organ as subject, an approximation or a non-count unit make it
not comparable, and the reason is kept.
"""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from itertools import chain, combinations
from typing import Callable

from ..model import Breakdown, Claim, Narrative, Paragraph, Rate, Report, Section
from ..resources import grammar_text
from . import lalr

METRIC_OF = {
    "RECEIVED": "app.received", "NEG_RECEIVED": "app.received", "PROCESSED": "app.processed",
    "HANDLED": "app.handled", "PREV_CARRY": "app.carried_over", "CARRY": "app.carried_forward",
    "GRANTED": "app.granted", "PARTIAL": "app.partial", "DENIED": "app.denied", "NOT_HELD": "app.not_held",
    "UNABLE": "app.unable", "NOT_PROCESSED": "app.not_processed", "CHANNEL": "app.channel",
    "REVIEW": "lit.review", "SUIT": "lit.suit", "SUIT_AFTER": "lit.suit_after_review",
    "SUIT_DIRECT": "lit.suit_direct", "DOC_MADE": "docs.issued", "DOC_VALID": "docs.valid",
    "DOC_REPEAL": "docs.repealed",
}
# What each metric counts, in the words of the report format (for messages and evidence).
METRIC_LABELS = {
    "app.received": "收到（受理）申请数", "app.processed": "办结（答复）数", "app.handled": "办理数",
    "app.carried_over": "上年结转申请数", "app.carried_forward": "结转下年度办理数", "app.granted": "予以公开数",
    "app.partial": "部分公开数", "app.denied": "不予公开数", "app.not_held": "本机关不掌握相关政府信息数",
    "app.unable": "无法提供数", "app.not_processed": "不予处理数", "app.channel": "某一渠道的申请数",
    "lit.review": "行政复议数", "lit.suit": "行政诉讼数", "lit.suit_after_review": "复议后起诉数",
    "lit.suit_direct": "未经复议直接起诉数", "lit.none": "无行政复议/行政诉讼", "docs.issued": "制发规范性文件数",
    "docs.valid": "现行有效规范性文件数", "docs.repealed": "废止规范性文件数",
}
# When a clause holds several counting words before its number, the most specific tier wins
# ("结转下年度办理2件" is a carry-over, not a handled count); two different words of the winning
# tier make the clause ambiguous ("受理并办结5件") and it yields no claim.
TIERS = [
    ("carry", {"PREV_CARRY", "CARRY"}),
    ("result", {"GRANTED", "PARTIAL", "DENIED", "NOT_HELD", "UNABLE", "NOT_PROCESSED"}),
    ("channel", {"CHANNEL"}),
    ("lit", {"SUIT_AFTER", "SUIT_DIRECT"}),
    ("lit", {"REVIEW", "SUIT"}),
    ("docs", {"DOC_MADE", "DOC_VALID", "DOC_REPEAL"}),
    ("count", {"RECEIVED", "PROCESSED"}),
    ("count", {"HANDLED"}),
]
FAMILY = {name: fam for fam, names in TIERS for name in names}
DOC_WORDS = {"DOC_MADE", "DOC_VALID", "DOC_REPEAL"}
COUNT_UNITS = {"件", "条", "个", "起", "篇", "份", "宗", "例", "项"}
CHANNELS = {"网上": "online", "网络": "online", "在线": "online", "互联网": "online", "网站": "online",
            "电子邮件": "email", "邮件": "email", "电子邮箱": "email", "信函": "letter", "邮寄": "letter",
            "书面": "letter", "当面": "in_person", "现场": "in_person", "传真": "fax", "电话": "phone"}
# Words allowed between a number and the counting word after it ("8件均依法办结").
_ADVERB = r"[\s均已经全部都依法依规按时按期及时予以的被并且已于年内当年]"
_ADVERBS = re.compile(f"{_ADVERB}*")  # fullmatch
# A denial of 复议/诉讼 does not deny them when it is about their outcome ("未发生被纠错的情况").
_OUTCOME_WORDS = re.compile(r"纠错|纠正|败诉|撤销|确认违法|被改变")
_APP_CONTEXT = re.compile(r"依申请|公开申请|申请公开")
_SENTENCE = re.compile(r"[^。！？；;!?\n]+[。！？；;!?]?")
# What a sentence that can hold a claim contains (see _PREFILTER).
_PREFILTER_PATTERN = (r"[\d零〇一二两三四五六七八九十百千万]\s*[余多]?\s*(?:[件条个起篇份宗例项次期家元]|人次)|%|复议|诉讼"
                      r"|(?:未|没有|无)(?:收到|受理|接到|接收)")
APPROX_SCOPE = "约数，不作精确比较"
_RATE_VALUE = re.compile(r"(\d+)(?:\.(\d+))?\s*%")


@dataclass(slots=True)
class Tok:
    kind: str  # terminal name, or "QTY" for a quantity
    text: str
    start: int
    end: int
    depth: int
    clause: int = 0
    value: float | int | None = None
    unit: str | None = None
    approx: bool = False
    claim: Claim | None = None


_APPROX_KINDS = frozenset({"APPROX_PRE", "APPROX_MID", "APPROX_POST"})


def _terminal_regex(terminals) -> re.Pattern:
    """One alternation of the grammar's terminals (FILLER excepted), tried in priority order, so a
    longer keyword wins over a shorter one that starts at the same place."""
    return re.compile(_alternation(_ordered_terminals(terminals)))


def _ordered_terminals(terminals) -> list[tuple[str, str]]:
    """(name, regex) of lark's terminals (FILLER excepted), in the order the lexer tries them: the
    priority order, with the commonest terminals moved forward (`_common_first`)."""
    terms = [t for t in terminals if t.name != "FILLER"]
    terms.sort(key=lambda t: (-t.priority, -t.pattern.max_width, t.name))
    return _common_first([(t.name, t.pattern.to_regexp()) for t in terms])


# The terminals lexed most often in the sample reports, commonest first. Where a terminal matches,
# the regex engine has first tried, and failed, every alternative before it; these go first.
_COMMON_FIRST = ("SEP", "UNIT", "NUMBER", "APPLICATION", "FOREIGN_TOPIC", "PROCESSED", "RECEIVED", "HANDLED",
                 "BREAKDOWN", "LPAR", "RPAR")


def _common_first(terms: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """These (name, regex) terminals in priority order, with those of `_COMMON_FIRST` moved to the
    front, each after the terminals ahead of it that can match at the same place (and so win there).

    Two terminals whose matches cannot start with the same character never both match at one
    place, so their order does not matter; the order of every other pair is kept: each place gives
    the same match as in priority order."""
    left = list(terms)
    out: list[tuple[str, str]] = []

    def place(term: tuple[str, str]) -> None:
        for other in [t for t in left[:left.index(term)] if _may_start_alike(t[1], term[1])]:
            if other in left:  # (not placed meanwhile, for a terminal before it)
                place(other)
        left.remove(term)
        out.append(term)

    for name in _COMMON_FIRST:
        term = next((t for t in left if t[0] == name), None)
        if term is not None:
            place(term)
    return out + left


def _may_start_alike(a: str, b: str) -> bool:
    """Whether a match of regex `a` and a match of regex `b` can start with the same character
    (True when that is unknown)."""
    first_a, first_b = _first_chars(a), _first_chars(b)
    if first_a is None or first_b is None:
        return True
    (ranges_a, classes_a), (ranges_b, classes_b) = first_a, first_b
    if any(lo <= hi_b and lo_b <= hi for lo, hi in ranges_a for lo_b, hi_b in ranges_b):
        return True
    if classes_a & classes_b:
        return True
    # A class (\s, \d) against the other's characters; \s and \d have no character in common.
    return any(re.search(cls, _chars(ranges)) for classes, ranges in ((classes_a, ranges_b), (classes_b, ranges_a))
               for cls in classes)


@lru_cache(maxsize=1024)
def _first_chars(regexp: str) -> tuple[tuple[tuple[int, int], ...], frozenset[str]] | None:
    """The characters a match of `regexp` can start with: (code point ranges, character classes),
    or None when unknown (or too many to list)."""
    try:
        items, nullable = _first_of(_sre_parser.parse(regexp))
    except Exception:  # an unusual construct: unknown, which is always correct
        return None
    if items is None or nullable:
        return None
    ranges = tuple(value for kind, value in items if kind == "range")
    if sum(hi - lo + 1 for lo, hi in ranges) > 0x10000:
        return None
    return ranges, frozenset(value for kind, value in items if kind == "class")


def _chars(ranges) -> str:
    return "".join(chr(c) for lo, hi in ranges for c in range(lo, hi + 1))


def _alternation(terms: list[tuple[str, str]], gate: bool = False) -> str:
    """The alternation of these (name, regex) terminals, in this order, as one regex.

    The regex engine tries every alternative at every position, which made this scan the costliest
    step of reading the narrative. Each alternative is the terminal's regex followed by an empty
    group of its name: that group closes last, so `lastgroup` names the terminal as a group around
    it would, and the alternative starts with the terminal's own first test, which the engine makes
    without stepping into the alternative when it is a character or a class (stepping into a group
    or a look-ahead costs as much as ten such tests: measured). Runs of a few consecutive
    alternatives are put behind a look-ahead for the characters they can start with, and runs of
    those runs behind one for all their characters: where the character does not fit, the run is
    skipped in one test. The order of the alternatives is unchanged, so every match is the same.
    With `gate`, the whole alternation is put behind a look-ahead for the characters any of them can
    start with, when those are known and not too many (most characters of a sentence start none).
    """
    # (first-character class, or None when unknown; regex)
    items = [(_first_class(regexp), f"(?:{regexp})(?P<{name}>)") for name, regexp in terms]
    for _level in range(2):  # runs of alternatives, then runs of those runs
        runs: list[tuple[str | None, list[str]]] = []
        for cls, alt in items:
            if cls is not None and runs and runs[-1][0] is not None and len(runs[-1][1]) < _RUN:
                runs[-1] = (runs[-1][0] + cls, runs[-1][1] + [alt])
            else:
                runs.append((cls, [alt]))
        items = [(cls, f"(?=[{cls}])(?:{'|'.join(alts)})" if cls is not None and len(alts) > 1 else alts[0])
                 for cls, alts in runs]
    pattern = "|".join(alt for _cls, alt in items)
    first = _first_class(pattern, _MAX_GATE) if gate else None
    return f"(?=[{first}])(?:{pattern})" if first else pattern


_RUN = 4  # alternatives per look-ahead, and runs per look-ahead (measured: 3–5 are about equally fast)
_MAX_FIRST = 200  # a wider first-character class (e.g. every CJK character) is not worth a look-ahead
_MAX_GATE = 2000  # nor a wider class of the characters any terminal starts with (measured on the samples)


@lru_cache(maxsize=1024)  # of the grammar's terminals: asked again for each alternation made of them
def _first_class(regexp: str, limit: int = _MAX_FIRST) -> str | None:
    """The characters a match of `regexp` can start with, as the inside of a character class, or
    None when that is unknown, unbounded or too wide to help."""
    try:
        return _narrow_class(_sre_parser.parse(regexp), limit)
    except Exception:  # an unusual construct: no look-ahead, which is always correct
        return None


def _narrow_class(seq, limit: int = _MAX_FIRST) -> str | None:
    """`_first_class` of a parsed regex sequence."""
    items, nullable = _first_of(seq)
    if items is None or nullable:
        return None
    size = sum(hi - lo + 1 for kind, (lo, hi) in items if kind == "range")
    if size > limit:
        return None
    parts = []
    for kind, value in items:
        if kind == "range":
            lo, hi = value
            parts.append(re.escape(chr(lo)) if lo == hi else f"{re.escape(chr(lo))}-{re.escape(chr(hi))}")
        else:
            parts.append(value)
    return "".join(dict.fromkeys(parts))


def _found_quickly(pattern: str) -> re.Pattern:
    """A regex whose `search` finds a match where `pattern` has one, and nothing where it has none,
    at C speed over the characters no match of `pattern` can start with; only for yes/no tests (its
    match is one character long).

    The regex engine skips characters that fast only for a pattern that starts by consuming a
    character of a class. So this one consumes a character that can start a match and, in a
    look-behind of width one, steps back over it to try `pattern` there in a look-ahead (stepping
    back with "." rather than the class again: a big class costs a fraction of a millisecond to
    compile, at every start of the program)."""
    return re.compile(_quickly(pattern))


def _quickly(pattern: str) -> str:
    """The regex of `_found_quickly(pattern)`."""
    first = _first_class(pattern, _MAX_GATE)
    return pattern if first is None else f"[{first}](?<=(?=(?:{pattern}))(?s:.))"


def _guard(regexp: str) -> re.Pattern | None:
    """For a terminal whose first characters are too many to gate (ORGAN: any CJK character), a
    regex for a part that every match of it contains and that is found quickly (ORGAN's "局|委员会|
    …"): where the guard finds nothing in a sentence, the terminal cannot match anywhere in it.
    None when there is no such part (the terminal is then always tried, which is always correct)."""
    try:
        parsed = _sre_parser.parse(regexp)
        for item in parsed.data:  # the top-level sequence: each part of it is in every match
            sub = _sre_parser.SubPattern(parsed.state, [item])
            if sub.getwidth()[0] == 0 or "GROUPREF" in str(item):  # may be empty, or refers outside
                continue
            if _narrow_class(sub) is not None:
                return _sre_compiler.compile(sub)
    except Exception:  # an unusual construct: no guard, which is always correct
        return None
    return None


try:  # the regex parser and compiler of the standard library (renamed in 3.11)
    from re import _compiler as _sre_compiler, _constants as _sre, _parser as _sre_parser
except ImportError:  # pragma: no cover - Python 3.10
    import sre_compile as _sre_compiler
    import sre_constants as _sre
    import sre_parse as _sre_parser

_CATEGORIES = {_sre.CATEGORY_SPACE: r"\s", _sre.CATEGORY_DIGIT: r"\d"}


def _first_of(seq) -> tuple[list | None, bool]:
    """(first-character items, can be empty) of a parsed regex sequence; items None = unknown
    (also under IGNORECASE, where a literal stands for its other cases too)."""
    state = getattr(seq, "state", None)
    if state is not None and state.flags & _sre.SRE_FLAG_IGNORECASE:
        return None, False
    items: list = []
    for op, av in seq:
        if op in (_sre.ASSERT, _sre.ASSERT_NOT, _sre.AT):  # zero-width: look at what follows
            continue
        if op is _sre.LITERAL:
            return items + [("range", (av, av))], False
        if op is _sre.IN:
            for o, a in av:
                if o is _sre.LITERAL:
                    items.append(("range", (a, a)))
                elif o is _sre.RANGE:
                    items.append(("range", a))
                elif o is _sre.CATEGORY and a in _CATEGORIES:
                    items.append(("class", _CATEGORIES[a]))
                else:  # negated sets, \w …
                    return None, False
            return items, False
        if op is _sre.SUBPATTERN:
            if av[1] & _sre.SRE_FLAG_IGNORECASE:  # (?i:…)
                return None, False
            sub, nullable = _first_of(av[-1])
        elif op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT):
            sub, nullable = _first_of(av[2])
            nullable = nullable or av[0] == 0
        elif op is _sre.BRANCH:
            sub, nullable = [], False
            for branch in av[1]:
                b, n = _first_of(branch)
                if b is None:
                    return None, False
                sub += b
                nullable = nullable or n
        else:
            return None, False
        if sub is None:
            return None, False
        items += sub
        if not nullable:
            return items, False
    return items, True


def _reversed(seq) -> str:
    """A regex for the reversed strings of a parsed regex made of characters, classes, repeats,
    alternatives and non-capturing groups (ValueError for anything else, e.g. a look-around)."""
    out = []
    for op, av in reversed(list(seq)):
        if op is _sre.LITERAL:
            out.append(re.escape(chr(av)))
        elif op is _sre.IN:
            out.append(f"[{''.join(map(_class_item, av))}]")
        elif op is _sre.MAX_REPEAT:
            lo, hi, sub = av
            out.append(f"(?:{_reversed(sub)}){{{lo},{'' if hi is _sre.MAXREPEAT else hi}}}")
        elif op is _sre.BRANCH:
            out.append(f"(?:{'|'.join(map(_reversed, av[1]))})")
        elif op is _sre.SUBPATTERN and av[0] is None:
            out.append(f"(?:{_reversed(av[-1])})")
        else:
            raise ValueError(f"cannot reverse {op}")
    return "".join(out)


def _class_item(item) -> str:
    op, av = item
    if op is _sre.LITERAL:
        return re.escape(chr(av))
    if op is _sre.RANGE:
        return f"{re.escape(chr(av[0]))}-{re.escape(chr(av[1]))}"
    if op is _sre.CATEGORY and av in _CATEGORIES:
        return _CATEGORIES[av]
    raise ValueError(f"cannot reverse {op}")


# Only sentences that can hold a claim are parsed: a count with its unit, a rate, 复议/诉讼, or "未收到".
# `_PREFILTER` (made on first use, see `__getattr__`) is the reference; `extract` searches reversed
# text instead: the pattern starts with a digit or a Chinese numeral (一 is everywhere in Chinese
# text), so its search tries it at nearly every character, while the reversed pattern starts with a
# unit, 议, 讼, 到, 理 or 收, which are rare. A match in `text[a:b]` is a match of the reversed pattern
# in the reversed slice, so both searches say the same of every slice.
_PREFILTER_REVERSED = _found_quickly(_reversed(_sre_parser.parse(_PREFILTER_PATTERN)))


def __getattr__(name: str):
    if name == "_PREFILTER":  # only tests use the forward prefilter: not compiled at every start
        globals()[name] = value = _found_quickly(_PREFILTER_PATTERN)
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@lru_cache(maxsize=1)
def _claim_lexer():
    from lark import Token
    from lark.lexer import Lexer

    class ClaimLexer(Lexer):
        """Lark custom lexer: the terminal alternation, gaps become FILLER.

        A terminal the parser cannot accept where it occurs (a stray "）", "以上" that follows no unit)
        is passed on as FILLER, so every sentence parses; a group still open at the end is closed.
        `ClaimParser.tokens` runs the same lexing against the LALR table without lark's Token and Tree
        objects; this class makes the Lark object a complete parser of its own (tests compare the two).
        Made on first use, so that reading a report needs no import of lark (parse/lalr.py).
        """

        __future_interface__ = 2  # lark passes (lexer_state, parser_state) to lex()

        def __init__(self, lexer_conf):
            self.regex = _terminal_regex(lexer_conf.terminals)

        def lex(self, lexer_state, parser_state):
            sl = lexer_state.text
            text = sl.text[sl.start:sl.end]
            states = parser_state.parse_conf.states
            depth = pos = 0
            for m in self.regex.finditer(text):
                if m.start() > pos:
                    yield Token("FILLER", text[pos:m.start()], start_pos=pos, end_pos=m.start())
                kind = m.lastgroup
                if kind == "RPAR" and depth == 0 or kind not in states[parser_state.position]:
                    kind = "FILLER"
                elif kind == "LPAR":
                    depth += 1
                elif kind == "RPAR":
                    depth -= 1
                yield Token(kind, m.group(), start_pos=m.start(), end_pos=m.end())
                pos = m.end()
            if pos < len(text):
                yield Token("FILLER", text[pos:], start_pos=pos, end_pos=len(text))
            for _ in range(depth):
                yield Token("RPAR", "", start_pos=len(text), end_pos=len(text))

    return ClaimLexer


# The claims parser remembers at most this many parser configurations, none deeper than this.
MAX_REMEMBERED = 4096
MAX_REMEMBERED_DEPTH = 48


class _MemoFull(Exception):
    """The shared memo holds MAX_REMEMBERED configurations, or the next is too deep to keep."""


class _Memo:
    """Parser configurations met so far (a configuration is the whole LALR stack), by number, and
    per configuration what each lexed terminal leads to (`ClaimParser._step`); filled as sentences
    come. `cap` None: no limit (a memo made for one sentence)."""

    def __init__(self, start_state: int, cap: int | None):
        self.cap = cap
        self.stacks: list[tuple[int, ...]] = [(start_state,)]
        self.cfg_of: dict[tuple[int, ...], int] = {self.stacks[0]: 0}
        self.steps: list[dict[str, tuple[str, int, tuple[int, ...]] | None]] = [{}]
        self.ends: dict[int, tuple[int, ...] | bool] = {}  # configuration -> its $END: folds, or False
        self.lock = threading.Lock()  # the web server parses in threads


class ClaimParser:
    """The claims grammar compiled by Lark (LALR), run over one sentence at a time.

    Lark builds the LALR(1) table and the terminal definitions from grammars/claims.lark (plus
    plugin `%extend` fragments); `tokens` lexes a sentence with the terminal alternation and drives
    that table directly, so a sentence costs one regex scan and one remembered table step per token
    — no lark Token, Tree or per-token dict. The result is what a walk of lark's own parse tree gives
    (tests/test_speed.py checks that on every corpus and sample sentence).
    """

    def __init__(self, data: dict, grammar: str):
        self.grammar = grammar
        self._regex_text: str = data["regex"]
        self.terminals: list[tuple[str, str]] = [(name, regexp) for name, regexp in data["terminals"]]
        # Terminals tried at every position (no first-character gate) but ruled out for a whole
        # sentence by one quick search; the alternation without the ruled-out ones, compiled on first
        # use (its text is in `data` when there are few such terminals).
        regexps = dict(self.terminals)
        self._guards = [(name, _guard(regexps[name])) for name in data["guarded"]]
        self._without_text = {tuple(absent.split("\t")): text for absent, text in data["without"].items()}
        self._without: dict[tuple[str, ...], re.Pattern] = {}
        self._may_yield = _yield_gate(data["gates"])
        self.start_state, self.end_state = data["start"], data["end"]
        # state -> {symbol: next state (shift/goto, an int) or (symbols popped, rule name) (reduce)}
        self.actions: dict[int, dict[str, int | tuple[int, str]]] = lalr.load_actions(data["states"])
        self._memo = _Memo(self.start_state, MAX_REMEMBERED)  # shared by every report

    @cached_property
    def regex(self) -> re.Pattern:
        """The whole terminal alternation; made on first use, since most sentences are lexed with
        one that leaves out a terminal ruled out for them (`_regex_for`), and it takes milliseconds."""
        return re.compile(self._regex_text)

    @staticmethod
    def compile(lark) -> dict:
        """What a ClaimParser needs of the Lark parser, as JSON-ready data."""
        states, start, end = lalr.actions(lark)
        terminals = _ordered_terminals(lark.terminals)
        guarded = [name for name, regexp in terminals if _first_class(regexp) is None and _guard(regexp) is not None]
        without = {}  # the alternation without each combination of guarded terminals (ORGAN alone, today)
        if len(guarded) <= _MAX_GUARDED:
            for absent in chain.from_iterable(combinations(guarded, k) for k in range(1, len(guarded) + 1)):
                without["\t".join(absent)] = _alternation([t for t in terminals if t[0] not in absent], gate=True)
        return {"regex": _alternation(terminals), "terminals": [list(t) for t in terminals],  # JSON: lists
                "guarded": guarded, "without": without, "gates": _yield_patterns(terminals),
                "states": states, "start": start, "end": end}

    def _regex_for(self, sentence: str) -> re.Pattern:
        """The terminal alternation without the terminals that cannot match in this sentence; it
        finds what the whole one finds, the order of the others being the same."""
        absent = tuple(name for name, guard in self._guards if guard.search(sentence) is None)
        if not absent:
            return self.regex
        regex = self._without.get(absent)
        if regex is None:
            text = self._without_text.get(absent) or _alternation(
                [(n, r) for n, r in self.terminals if n not in absent], gate=True)
            regex = self._without[absent] = re.compile(text)
        return regex

    def may_yield(self, sentence: str) -> bool:
        """False when the sentence's tokens cannot give `extract` anything (see `_yield_gate`)."""
        return self._may_yield(sentence)

    @property
    def lark(self):
        """Lark's own parser of the same grammar (built on demand: tests compare the two)."""
        if "_lark" not in self.__dict__:
            self._lark = _build_lark(self.grammar)
        return self._lark

    def tokens(self, sentence: str, fillers: bool = True) -> list[Tok] | None:
        """The sentence's tokens, quantities folded into one QTY token each, with their group depth
        and clause number; None if the table rejects the sentence. Without `fillers`, the FILLER
        tokens are left out (`extract` reads the text between tokens from the sentence instead).

        Each lexed terminal costs one look-up in the memo: what the LALR table does with that terminal
        in the current parser configuration (the whole stack), worked out by `_step` the first time
        that pair occurs and remembered. The table stays the only judge of what parses. Hostile text
        (deep brackets, endless variety) could make the remembered configurations grow without end:
        past MAX_REMEMBERED, or deeper than MAX_REMEMBERED_DEPTH, a sentence is parsed with a memo of
        its own that is dropped afterwards.
        """
        try:
            return self._tokens(sentence, self._memo, fillers)
        except _MemoFull:
            return self._tokens(sentence, _Memo(self.start_state, None), fillers)

    def _tokens(self, sentence: str, memo: _Memo, fillers: bool) -> list[Tok] | None:
        steps = memo.steps
        cfg = 0
        out: list[Tok] = []
        depth = clause = pos = 0
        n = len(sentence)
        for m in self._regex_for(sentence).finditer(sentence):
            a, b = m.span()
            if a > pos:  # the gap before the match
                cfg = self._gap(memo, cfg, sentence, out, pos, a, depth, clause, fillers)
                if cfg is None:
                    return None
            kind = m.lastgroup
            if kind == "RPAR" and depth == 0:
                kind = "FILLER"
            step = steps[cfg].get(kind) or self._step(memo, cfg, kind)
            if step is None:
                return None
            kind, cfg, folds = step
            if folds:
                _fold(sentence, out, folds)
            pos = b
            if kind in _GROUPING:  # (tested first: most tokens are none of these)
                if kind == "FILLER":
                    if fillers:
                        out.append(Tok(kind, sentence[a:b], a, b, depth, clause))
                    continue
                if kind == "RPAR":
                    depth -= 1
                clause += 1
                out.append(Tok(kind, sentence[a:b], a, b, depth, clause))
                if kind == "LPAR":
                    depth += 1
                    clause += 1
            else:
                out.append(Tok(kind, sentence[a:b], a, b, depth, clause))
        if n > pos:  # the rest after the last match
            cfg = self._gap(memo, cfg, sentence, out, pos, n, depth, clause, fillers)
            if cfg is None:
                return None
        if depth:  # close the groups still open (rare: not remembered)
            stack = list(memo.stacks[cfg])
            while depth:
                depth -= 1
                clause += 1
                if not self._feed(stack, sentence, out, "RPAR", Tok("RPAR", "", n, n, depth, clause)):
                    return None
            return out if self._feed(stack, sentence, out, "$END", None) else None
        end = memo.ends.get(cfg)
        if end is None:
            folds_at_end: list[int] = []
            end = memo.ends[cfg] = (tuple(folds_at_end) if self._shift(list(memo.stacks[cfg]), "$END", folds_at_end)
                                    else False)
        if end is False:
            return None
        if end:
            _fold(sentence, out, end)
        return out

    def _gap(self, memo: _Memo, cfg: int, sentence: str, out: list[Tok], start: int, end: int,
             depth: int, clause: int, fillers: bool) -> int | None:
        """The table's step on the FILLER `sentence[start:end]` (text between terminals): the
        configuration after it, or None if the table rejects it."""
        step = memo.steps[cfg].get("FILLER") or self._step(memo, cfg, "FILLER")
        if step is None:
            return None
        _kind, cfg, folds = step
        if folds:
            _fold(sentence, out, folds)
        if fillers:
            out.append(Tok("FILLER", sentence[start:end], start, end, depth, clause))
        return cfg

    def _step(self, memo: _Memo, cfg: int, kind: str) -> tuple[str, int, tuple[int, ...]] | None:
        """What the table does with lexed terminal `kind` in configuration `cfg`: (the terminal as
        taken — FILLER when the table cannot accept it here —, the configuration after its shift,
        the sizes of the `quantity` reductions on the way); None if the table rejects it."""
        stack = list(memo.stacks[cfg])
        taken = kind if kind in self.actions[stack[-1]] else "FILLER"
        folds: list[int] = []
        if not self._shift(stack, taken, folds):
            return None
        key = tuple(stack)
        with memo.lock:
            if key not in memo.cfg_of:
                if memo.cap is not None and (len(memo.stacks) >= memo.cap or len(key) > MAX_REMEMBERED_DEPTH):
                    raise _MemoFull
                memo.steps.append({})
                memo.stacks.append(key)
                memo.cfg_of[key] = len(memo.stacks) - 1
            step = (taken, memo.cfg_of[key], tuple(folds))
            memo.steps[cfg][kind] = step
        return step

    def _shift(self, stack: list[int], kind: str, folds: list[int]) -> bool:
        """Run the table on `kind` until it is shifted (or, for $END, accepted); the sizes of the
        `quantity` reductions done on the way go to `folds`. False if the table rejects it."""
        actions = self.actions
        while True:
            act = actions[stack[-1]].get(kind)
            if act is None:
                return False
            if act.__class__ is int:
                stack.append(act)
                return True
            size, name = act
            if size:
                del stack[-size:]
                if name == "quantity":
                    folds.append(size)
            stack.append(actions[stack[-1]][name])
            if kind == "$END" and stack[-1] == self.end_state:
                return True

    def _feed(self, stack: list[int], sentence: str, out: list[Tok], kind: str, tok: Tok | None) -> bool:
        """Feed one terminal as it is (the end of a sentence with groups left open)."""
        folds: list[int] = []
        if not self._shift(stack, kind, folds):
            return False
        _fold(sentence, out, folds)
        if tok is not None:
            out.append(tok)
        return True


def _fold(sentence: str, out: list[Tok], folds) -> None:
    """Replace the last terminals of `out` by one QTY token per `quantity` reduction (their sizes)."""
    for size in folds:
        out[-size:] = [_quantity(sentence, out[-size:])]


def _quantity(sentence: str, parts: list[Tok]) -> Tok:
    """One QTY token from the terminals of a `quantity` (APPROX_PRE? NUMBER APPROX_MID? UNIT APPROX_POST?)."""
    first, last = parts[0], parts[-1]
    number = unit = None
    approx = False
    for t in parts:
        if t.kind == "NUMBER":
            number = t.text
        elif t.kind == "UNIT":
            unit = t.text.strip()
        elif t.kind in _APPROX_KINDS:
            approx = True
    return Tok("QTY", sentence[first.start:last.end], first.start, last.end, first.depth, first.clause,
               _number(number), unit, approx)


# Terminals that yield on their own: a count of zero (`_zero_claims`), a rate (`_rates`), an explicit
# breakdown (`_breakdowns`). Any other claim with a metric ties a counting word to a quantity (`_bind`).
_YIELDING = frozenset({"NEG_RECEIVED", "LIT_NONE", "RATE", "BREAKDOWN"})


def _yield_patterns(terminals: list[tuple[str, str]]) -> dict[str, str]:
    """The regexes of `_yield_gate` (text: they are kept with the parse table, see `_yield_gate`)."""
    regex = dict(terminals)

    def alternation(names) -> str:
        return "|".join(f"(?:{regexp})" for name, regexp in terminals if name in names)

    words = alternation(_COUNTING_WORDS)
    return {"alone": _quickly(alternation(_YIELDING)), "word": _quickly(words), "unit": _quickly(regex["UNIT"]),
            "word_after": _quickly(f"(?:{regex['UNIT']}|{regex['APPROX_POST']}){_ADVERB}*(?:{words})"),
            "group": regex["LPAR"], "group_after": _quickly(f"(?:{regex['UNIT']})\\s*(?:{regex['LPAR']})")}


def _yield_gate(patterns: dict[str, str]) -> Callable[[str], bool]:
    """A test that is true of every sentence whose tokens can yield a claim, rate or breakdown.

    A token of kind K is a match of K's regex in the sentence, so each way to an output is a regex
    that matches wherever that way is open: a `_YIELDING` terminal; a counting word before the UNIT
    of a quantity (in its clause, or pending from one before); a counting word right after the UNIT
    or APPROX_POST that ends a quantity with only adverbs between (`_word_after`); a group right
    after an exact quantity ("7件（5件、2件）", `_breakdowns`: its UNIT, then only blank FILLER). The
    searches that start at every unit and space are made only where they can still decide.
    `patterns`: `_yield_patterns` of the grammar's terminals."""
    alone, word, unit, word_after, group, group_after = (
        re.compile(patterns[k]) for k in ("alone", "word", "unit", "word_after", "group", "group_after"))

    def may_yield(sentence: str) -> bool:
        first_word = word.search(sentence)
        if first_word is not None and unit.search(sentence, first_word.start() + 1) is not None:
            return True  # the common case first
        return (alone.search(sentence) is not None
                or first_word is not None and word_after.search(sentence) is not None
                or group.search(sentence) is not None and group_after.search(sentence) is not None)
    return may_yield


def _build_lark(text: str):
    from lark import Lark

    return Lark(text, parser="lalr", lexer=_claim_lexer(), maybe_placeholders=False)


_DATA_FORMAT = 5  # of ClaimParser.compile's answer; bump when it changes (3: regex texts kept, 4: common first,
# 5: names in empty groups after the terminals, runs of runs)
_MAX_GUARDED = 3  # guarded terminals whose alternations without them are kept (2 ** 3 - 1 of them)


@lru_cache(maxsize=8)
def _parser(extensions: tuple[str, ...] = ()) -> ClaimParser:
    """The claims parser; `extensions` are grammar fragments from plugins (`%extend RECEIVED: …`).
    Its table comes from the per-user cache when a run stored it (parse/lalr.py)."""
    text = "\n".join((grammar_text("claims.lark"), *extensions))
    data = lalr.table("claims", text, f"lalr ClaimLexer maybe_placeholders=False data={_DATA_FORMAT}",
                      lambda: ClaimParser.compile(_build_lark(text)))
    return ClaimParser(data, text)


def check_extension(fragment: str) -> str | None:
    """None if the fragment extends the claims grammar cleanly, else the error (for plugin reports)."""
    from lark.exceptions import LarkError

    try:
        _parser((fragment,))
    except LarkError as exc:
        return f"{type(exc).__name__}: {str(exc).strip().splitlines()[0]}"
    return None


# A claim with more digits than this is not a count of anything a report tabulates (and summing it
# with a decimal would overflow a float): it is kept, but never compared.
MAX_COUNT_DIGITS = 12
_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
              "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_PLAIN = re.compile(r"[零〇一二两三四五六七八九十百千]{1,12}")


NOT_A_COUNT = f"数字超过{MAX_COUNT_DIGITS}位，不是件数"


def is_count(value) -> bool:
    """A value that can be a count or amount a report tabulates: known and at most 12 digits."""
    return value is not None and -10 ** MAX_COUNT_DIGITS < value < 10 ** MAX_COUNT_DIGITS


_WAN = re.compile(r"\d+(?:\.\d+)?万")
_DECIMAL = re.compile(r"\d+\.\d+")


@lru_cache(maxsize=4096)  # the same few numbers recur in every report; a reading never changes
def _number(text: str) -> int | float | None:
    text = text.replace(",", "").strip()
    if text.isdigit() and text.isascii():
        return int(text)
    if _WAN.fullmatch(text):  # "1.2万"
        value = float(text[:-1]) * 10000
        return int(value) if value.is_integer() else value
    if _DECIMAL.fullmatch(text):
        return float(text)
    value = _small_chinese_number(text)
    if value is not None:
        return value
    import cn2an  # slow to import (~0.1 s): only for the numerals the plain reading leaves out

    try:
        return int(cn2an.cn2an(text, "smart"))
    except (ValueError, KeyError):
        return None


def _small_chinese_number(text: str) -> int | None:
    """A Chinese numeral below 万 in its regular form ("十", "二十一", "一百零五", "两千"), read as
    cn2an reads it; None for anything else, which is left to cn2an (tests compare the two)."""
    if not _CN_PLAIN.fullmatch(text):
        return None
    total = 0
    digit = None
    last_unit = 10_000
    for i, ch in enumerate(text):
        if ch in _CN_DIGITS:
            if digit is not None:
                return None  # "二三": digits without a unit between them
            digit = _CN_DIGITS[ch]
            if digit == 0:
                if len(text) == 1:
                    return 0
                # "一百零五": one zero, right after 百 or 千, before a digit, only marks a gap
                if i == 0 or i == len(text) - 1 or text[i - 1] not in "百千" or text[i + 1] not in _CN_DIGITS:
                    return None
                digit = None
                continue
        else:
            unit = _CN_UNITS[ch]
            if unit >= last_unit:
                return None
            if digit is None:
                if i != 0 or unit != 10:  # only a leading "十" stands for 一十
                    return None
                digit = 1
            if digit == 2 and text[i - 1] == "两" and unit == 10:
                return None  # "两十" is not a regular numeral
            total += digit * unit
            last_unit = unit
            digit = None
    if digit is not None:
        if last_unit != 10_000 and last_unit != 10 and text[-2] not in "零〇":
            return None  # "一百五": an abbreviated form, left to cn2an
        total += digit
    return total


def tokenize(sentence: str, extensions: tuple[str, ...] = ()) -> list[Tok]:
    """Parse one sentence into a flat token list; quantities become one QTY token each.

    The lexer makes every input parseable; should the table still reject a sentence, it yields
    nothing (a missed claim, never a wrong one).
    """
    return _parser(extensions).tokens(sentence) or []


@dataclass
class _Sentence:
    text: str
    offset: int  # in the paragraph
    para: Paragraph
    section: Section | None
    toks: list[Tok] = field(default_factory=list)  # without FILLER: gaps are read from `text`
    first: dict[str, int] = field(init=False)  # kind -> index of its first token
    stripped: str = field(init=False)

    def __post_init__(self):
        self.first = first = {}
        for i, t in enumerate(self.toks):
            if t.kind not in first:
                first[t.kind] = i
        self.stripped = self.text.strip()

    def blank_between(self, a: Tok, b: Tok) -> bool:
        """Whether only blanks stand between tokens `a` and `b` (the FILLER there, if any, is blank)."""
        return not self.text[a.end:b.start].strip()

    def line(self, pos: int) -> int:
        return self.para.line_at(self.offset + pos)

    def has(self, *kinds: str) -> Tok | None:
        """The sentence's first token of one of these kinds."""
        found = None
        for kind in kinds:
            i = self.first.get(kind)
            if i is not None and (found is None or i < found):
                found = i
        return None if found is None else self.toks[found]


def extract(report: Report, extensions: tuple[str, ...] = ()) -> Narrative:
    """All claims, rates and breakdowns of the report's narrative. `extensions`: checked grammar
    fragments from plugins (see `check_extension`)."""
    narrative = Narrative()
    table_lines = parser = None
    prefilter = _PREFILTER_REVERSED.search  # over reversed text: `_PREFILTER.search`, faster
    for section, para in report.paragraphs():
        text = para.text
        n = len(text)
        backwards = text[::-1]
        hit = prefilter(backwards)
        if hit is None:  # then none of its sentences can hold a claim
            continue
        if table_lines is None:
            table_lines = _table_lines(report)
        if para.line in table_lines or not table_lines.isdisjoint([line for _off, line in para.spans]):
            continue
        app_context = None  # worked out for the first sentence that is parsed
        # The first match in the reversed text is the paragraph's match that ends last (its one
        # character is the match's last): a sentence that starts where it ends, or later, holds none.
        last_end = n - hit.start()
        for m in _SENTENCE.finditer(text):
            start, end = m.span()
            if start >= last_end:
                break
            if prefilter(backwards, n - end, n - start) is None:  # `text[start:end]`, reversed
                continue
            sentence = m.group()
            if parser is None:
                parser = _parser(extensions)
            if not parser.may_yield(sentence):
                continue
            if app_context is None:
                app_context = bool(_APP_CONTEXT.search(text)) or (section is not None and section.number == 3)
            s = _Sentence(sentence, start, para, section, parser.tokens(sentence, fillers=False) or [])
            claims = _bind(s)
            for c in claims:
                _judge_scope(report, s, c, app_context)
            narrative.claims += [c for c in claims if c.metric is not None]
            narrative.rates += _rates(s, claims, app_context)
            narrative.breakdowns += _breakdowns(s)
    return narrative


def _table_lines(report: Report) -> set[int]:
    """The lines of the tables' rows and cells. (Set comprehensions: per row, `set.update` of a
    `map(attrgetter("line"), …)` cost half again as much.)"""
    rows = [row for table in report.tables.values() for row in table.rows.values()]
    lines = {c.line for row in rows for c in row.cells.values()}
    lines.update([row.line for row in rows])
    lines.discard(None)
    return lines


_SEPARATORS = frozenset({"SEP", "LPAR", "RPAR"})
_GROUPING = _SEPARATORS | {"FILLER"}  # the terminals `_tokens` does more with than append them
_END = Tok("SEP", "", -1, -1, 0)  # closes the last clause of a sentence


def _winner(words: list[Tok], has_doc_noun: bool) -> Tok | None:
    if len(words) == 1:  # the common case: what the general path gives for one word
        word = words[0]
        return word if has_doc_noun or word.kind not in DOC_WORDS else None
    words = [w for w in words if w.kind not in DOC_WORDS or has_doc_noun]
    if not words:
        return None
    tier = min(_TIER[w.kind] for w in words)
    in_tier = [w for w in words if _TIER[w.kind] == tier]
    return in_tier[-1] if len({w.kind for w in in_tier}) == 1 else None


_TIER = {name: i for i, (_fam, names) in enumerate(TIERS) for name in names}  # counting word -> its tier


def _bind(s: _Sentence) -> list[Claim]:
    """Tie each quantity of the sentence to a counting word of its clause (see module doc)."""
    claims: list[Claim] = []
    first = s.first
    zero_words = "NEG_RECEIVED" in first or "LIT_NONE" in first
    if "QTY" not in first and not zero_words:
        return claims
    doc_nouns = "DOC_NOUN" in first
    pending: list[Tok] = []  # counting words of a previous clause joined by "、" that had no number
    # Clause numbers rise along the tokens: a clause is a run of tokens between two separators.
    clause: list[Tok] = []
    joined = False  # whether "、" opened the clause
    opened = 0  # where the clause starts in the sentence
    for tok in chain(s.toks, (_END,)):
        if tok.kind not in _SEPARATORS:
            clause.append(tok)
            continue
        closed = len(s.text) if tok is _END else tok.start
        if clause or closed > opened:  # a clause of FILLER alone only ends what was pending
            words: list[Tok] = list(pending) if joined else []
            has_doc_noun = doc_nouns and any(t.kind == "DOC_NOUN" for t in clause)
            bound_any = False
            for i, t in enumerate(clause):
                kind = t.kind
                if kind in _COUNTING_WORDS:
                    words.append(t)
                elif kind == "QTY":
                    word = _winner(words, has_doc_noun) if words else _word_after(s, clause, i, has_doc_noun)
                    t.claim = _claim(s, t, word, _first_of_tier(words, word))
                    claims.append(t.claim)
                    words = []
                    bound_any = True
            if not bound_any and zero_words:  # no quantity in the clause
                claims.extend(_zero_claims(s, clause, closed))
            pending = words if not bound_any else []
            clause = []
        joined = tok.kind == "SEP" and tok.text == "、"
        opened = tok.end
    return claims


_COUNTING_WORDS = frozenset(METRIC_OF) - {"NEG_RECEIVED"}


def _word_after(s: _Sentence, clause: list[Tok], i: int, has_doc_noun: bool) -> Tok | None:
    for t in clause[i + 1:]:
        if t.kind in _COUNTING_WORDS and (t.kind not in DOC_WORDS or has_doc_noun):
            return t if _ADVERBS.fullmatch(s.text, clause[i].end, t.start) else None
        if t.kind == "QTY":
            return None
    return None


def _first_of_tier(words: list[Tok], word: Tok | None) -> Tok | None:
    """"回复处置136916条": the phrase starts at 回复, the first word of the tier that won."""
    if word is None:
        return None
    if not words or words[0] is word:  # (the word after the quantity, or the first or only one)
        return word
    return next((w for w in words if FAMILY[w.kind] == FAMILY[word.kind]), word)


_CHANNELS_LONGEST_FIRST = sorted(CHANNELS, key=len, reverse=True)


def _claim(s: _Sentence, q: Tok, word: Tok | None, first: Tok | None = None) -> Claim:
    first = first or word
    start = q.start if word is None else min(q.start, first.start)
    end = q.end if word is None else max(q.end, word.end)
    detail = {}
    if word is not None and word.kind == "CHANNEL":
        name = next(k for k in _CHANNELS_LONGEST_FIRST if word.text.startswith(k))
        detail["channel"] = CHANNELS[name]
    return Claim(metric=METRIC_OF[word.kind] if word else None, value=q.value, unit=q.unit, approx=q.approx,
                 phrase=s.text[start:end].strip(), sentence=s.stripped, line=s.line(q.start), start=q.start,
                 detail=detail)


def _zero_claims(s: _Sentence, clause: list[Tok], end: int) -> list[Claim]:
    """"未收到政府信息公开申请" and "无…行政复议、行政诉讼": counts of zero stated in words (the
    clause ends at `end` in the sentence)."""
    out = []
    for t in clause:
        if t.kind != "NEG_RECEIVED" and t.kind != "LIT_NONE":
            continue
        rest = s.text[t.end:end]
        if t.kind == "NEG_RECEIVED" and ("申请" in rest or s.has("APPLICATION")):
            out.append(Claim("app.received", 0, None, False, (t.text + rest)[:40], s.stripped, s.line(t.start),
                             start=t.start))
        elif t.kind == "LIT_NONE" and not _OUTCOME_WORDS.search(rest):
            covers = [k for k, word in (("review", "复议"), ("suit", "诉讼")) if word in t.text]
            out.append(Claim("lit.none", 0, None, False, t.text, s.stripped, s.line(t.start),
                             detail={"covers": covers}, start=t.start))
    return out


def _judge_scope(report: Report, s: _Sentence, c: Claim, app_context: bool) -> None:
    """Decide whether the claim speaks about this organ's own tables; if not, say why."""
    if c.metric is None:
        c.comparable = False
        c.scope = "未能判断所指事项"
        return
    if not is_count(c.value):  # never compared: an unreadable numeral, or too many digits to be a count
        c.comparable = False
        c.scope = "数字无法读取" if c.value is None else NOT_A_COUNT
        return
    reason = None
    first, toks = s.first, s.toks  # (`s.has` of one kind, without its call)
    scope = first.get("SCOPE")
    self_scope = first.get("SELF_SCOPE")
    foreign = first.get("FOREIGN_TOPIC")
    organ = "ORGAN" in first and next(
        (t for t in toks if t.kind == "ORGAN" and t.start < c.start and not _is_self(report, t.text)), None)
    if scope is not None:
        reason = f"指全辖区或多个单位（“{toks[scope].text}”）"
    elif self_scope is not None and report.organ_kind not in ("gov_county_plus", "township"):
        reason = f"指全辖区（“{toks[self_scope].text}”）"
    elif foreign is not None:
        reason = f"涉及其他事项（“{toks[foreign].text}”）"
    elif organ:
        reason = f"主语为其他机关（“{organ.text}”）"
    elif c.unit is not None and c.unit not in COUNT_UNITS:
        reason = f"单位“{c.unit}”不是件数"
    elif c.metric.startswith("app.") and not (s.has("APPLICATION", "CHANNEL") or app_context):
        reason = "未说明是政府信息公开申请"
    elif c.metric.startswith("lit.") and not ("公开" in s.para.text or (s.section and s.section.number == 4)):
        reason = "未说明与政府信息公开有关"
    elif c.approx:  # last: only an approximate figure about this organ's own tables is "not assessable"
        reason = APPROX_SCOPE
    if reason:
        c.comparable = False
        c.scope = reason


def _is_self(report: Report, organ_text: str) -> bool:
    return organ_text.startswith(("本", "我", "该")) or bool(report.organ and organ_text in report.organ)


def _rates(s: _Sentence, claims: list[Claim], app_context: bool) -> list[Rate]:
    out = []
    if "RATE" not in s.first:
        return out
    last_end = -1
    for t in s.toks[s.first["RATE"]:]:
        if t.kind != "RATE":
            continue
        m = _RATE_VALUE.search(t.text)
        before = [c for c in claims if last_end < c.start < t.start and c.value is not None]
        last_end = t.start
        num = next((c for c in reversed(before) if c.metric in ("app.processed", "app.handled")), None)
        den = next((c for c in reversed(before) if c.metric == "app.received" and num and c.start < num.start),
                   None)
        if num and den and (num.unit != den.unit or num.approx or den.approx or not is_count(num.value)
                            or not is_count(den.value)):
            num = den = None
        application = bool((s.has("APPLICATION", "CHANNEL") or app_context)
                           and not s.has("FOREIGN_TOPIC", "SCOPE", "ORGAN"))
        out.append(Rate(value=float(m.group(0).rstrip("% ").strip()), decimals=len(m.group(2) or ""),
                        phrase=t.text, sentence=s.stripped, line=s.line(t.start), numerator=num,
                        denominator=den, application=application))
    return out


def _breakdowns(s: _Sentence) -> list[Breakdown]:
    out = []
    if "BREAKDOWN" not in s.first and "LPAR" not in s.first:
        return out
    toks = s.toks
    for i, t in enumerate(toks):
        if t.kind == "BREAKDOWN":
            total = _total_before(s, i)
            parts = _parts_after(toks, i + 1, t.depth)
            explicit = True
        elif t.kind == "LPAR" and (total := _prev_solid(s, i)) is not None \
                and total.kind == "QTY" and not _starts_with_breakdown(s, i + 1):
            parts = _parts_after(toks, i + 1, t.depth + 1)
            explicit = False
            if len(parts) < 2 or any(p.unit != total.unit for p in parts):
                continue
        else:
            continue
        if total is None or not parts or total.approx or any(p.approx for p in parts):
            continue
        if not is_count(total.value) or not all(is_count(p.value) for p in parts):
            continue
        out.append(Breakdown(total=total.claim, parts=[p.claim for p in parts], sentence=s.stripped,
                             line=s.line(total.start), explicit=explicit))
    return out


def _prev_solid(s: _Sentence, i: int) -> Tok | None:
    """The token before token `i` with only blanks between, if there is one."""
    toks = s.toks
    return toks[i - 1] if i > 0 and s.blank_between(toks[i - 1], toks[i]) else None


def _starts_with_breakdown(s: _Sentence, i: int) -> bool:
    """Whether token `i` is a BREAKDOWN with only blanks before it since token `i - 1`."""
    toks = s.toks
    return i < len(toks) and toks[i].kind == "BREAKDOWN" and s.blank_between(toks[i - 1], toks[i])


def _total_before(s: _Sentence, i: int) -> Tok | None:
    toks = s.toks
    depth = toks[i].depth
    # "（其中：…）": the total is the quantity just before the parenthesis.
    lpar = _prev_solid(s, i)
    if lpar is not None and lpar.kind == "LPAR" and lpar.depth == depth - 1:
        prev = _prev_solid(s, i - 1)
        return prev if prev is not None and prev.kind == "QTY" else None
    for t in reversed(toks[:i]):
        if t.depth < depth or t.kind in ("BREAKDOWN", "RATE"):
            return None
        if t.kind == "QTY" and t.depth == depth:
            return t
    return None


def _parts_after(toks: list[Tok], i: int, depth: int) -> list[Tok]:
    parts: list[Tok] = []
    family = unit = None
    for t in toks[i:]:
        if t.depth < depth or (t.depth == depth and t.kind in ("BREAKDOWN", "RATE")):
            break
        if t.kind != "QTY" or t.depth != depth:
            continue
        fam = FAMILY.get(_word_kind(t.claim))
        if parts and (fam != family or t.unit != unit):
            break
        family, unit = fam, t.unit
        parts.append(t)
    return parts


def _word_kind(claim: Claim | None) -> str | None:
    if claim is None or claim.metric is None:
        return None
    return _WORD_OF_METRIC[claim.metric]


_WORD_OF_METRIC = {metric: kind for kind, metric in reversed(METRIC_OF.items())}  # the first word per metric


def extract_from_text(text: str, *, organ: str | None = None, organ_kind: str | None = None,
                      section: int | None = None, extensions: tuple[str, ...] = ()) -> Narrative:
    """Claims of a piece of text on its own (one paragraph, optionally inside standard section
    `section`), as the rules would see them in a report by `organ`. For tests and rule authors."""
    from .normalize import normalize

    text = "".join(normalize(text))
    para = Paragraph(text=text, line=1, spans=[(0, 1)])
    report = Report(source="<text>", kind="txt", lines=text.split("\n"), organ=organ, organ_kind=organ_kind)
    if section is None:
        report.preamble = [para]
    else:
        report.sections = [Section(number=section, title="", line=1, numeral="", paragraphs=[para])]
    return extract(report, extensions)
