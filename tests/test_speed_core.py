"""Fast paths of reading and structuring a report and of running plugin code give the answers of the
straightforward ways (issue 13: speed without a change of behaviour)."""
from __future__ import annotations

import re

from hypothesis import given, settings, strategies as st

from auditor.ingest import text as text_reader
from auditor.parse import document

# Characters that decide plausibility: C0 controls (counted), the ones that are not, U+FFFD,
# CJK (needed), ASCII and multi-byte UTF-8 of other widths.
_READ_CHARS = st.sampled_from(["\x00", "\x01", "\x07", "\x0b", "\x1f", "\t", "\n", "\r", "\f",
                               "\ufffd", "中", "国", "报", "告", "a", "1", " ", "é", "，", "😀"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_READ_CHARS, max_size=400).map("".join))
def test_plausibility_from_the_files_utf8_bytes_is_that_of_the_text(text):
    data = text.encode("utf-8")
    assert text_reader._plausible(text, data) == text_reader._plausible(text)


def test_a_text_longer_than_the_sample_is_judged_on_its_sample_only(monkeypatch):
    monkeypatch.setattr(text_reader, "SAMPLE", 40)
    # clean first 40 characters, controls after them: the sample alone is judged
    text = "中国" * 20 + "\x01" * 30
    assert text_reader._plausible(text, text.encode("utf-8")) is text_reader._plausible(text) is True
    assert text_reader._plausible("\x01" * 30 + "中国" * 20, None) is False


_OLD_HEAD = re.compile(r"^\s*([一二三四五六七八九十]{1,3})[、.]\s*(.*?)\s*$")
_HEAD_CHARS = st.sampled_from(list("一二三十、.． 　\t\r\u00a0\u2003总体情况申请复议7") + ["\ufeff"])


@settings(max_examples=500, deadline=None)
@given(st.lists(_HEAD_CHARS, max_size=24).map("".join))
def test_heading_numeral_and_title_are_those_of_the_lazy_regex(head):
    old = _OLD_HEAD.match(head)
    new = document._HEAD.match(head)
    assert (old is None) == (new is None)
    if old is not None:
        assert (new.group(1), new.group(2).strip()) == (old.group(1), old.group(2))


@settings(max_examples=300, deadline=None)
@given(st.lists(_HEAD_CHARS, max_size=24).map("".join))
def test_standard_number_ignores_whitespace_as_the_regex_did(title):
    squeezed = re.sub(r"\s+", "", title)
    assert document.standard_number(title) == document.standard_number(squeezed)
    assert "".join(title.split()) == squeezed


def test_plugin_prints_go_to_stderr_nested_and_stdout_comes_back(capsys):
    import sys

    from auditor.stdio import plugin_prints_to_stderr

    stdout = sys.stdout
    with plugin_prints_to_stderr():
        print("外层")
        with plugin_prints_to_stderr():
            print("内层")
        print("外层之后")
    print("正常输出")
    assert sys.stdout is stdout
    out, err = capsys.readouterr()
    assert out == "正常输出\n"
    assert err == "外层\n内层\n外层之后\n"


def test_a_rule_that_prints_does_not_write_to_stdout(capsys):
    from pathlib import Path

    from auditor.api import parse_file
    from auditor.config import Config
    from auditor.engine.run import audit_with_packs
    from auditor.plugins import default_plugins

    report = parse_file(Path(__file__).resolve().parents[1] / "sample_reports" / "000_4514475f3fb3965f.txt")
    rule = next(r for r in default_plugins().rules
                if r.scope == "report" and r.regions is None and not r.replaces and r.applies(report) is None)
    noisy = type(rule)(**{**rule.__dict__, "check": lambda report, ctx: print("规则的调试输出") or []})
    capsys.readouterr()
    audit_with_packs(report, [noisy], Config())
    out, err = capsys.readouterr()
    assert out == ""
    assert "规则的调试输出" in err


def _flattened_by_strip(text: str) -> bool:
    """`is_flattened` as first written: the lengths of the lines that strip() leaves non-empty."""
    from auditor.parse import flattened

    lengths = [len(ln) for ln in text.split("\n") if ln.strip()]
    chars = sum(lengths)
    if not lengths or chars < flattened.MIN_CHARS:
        return False
    return max(lengths) >= flattened.LONG_LINE or chars / len(lengths) >= flattened.MEAN_LINE


_LINE_PIECES = st.sampled_from(["\n", "\n\n", " ", "\t", "\u3000", "\r", "\u00a0", "字" * 50, "a" * 400, "表" * 900])


@settings(max_examples=300, deadline=None)
@given(st.lists(_LINE_PIECES, max_size=30).map("".join))
def test_flattened_test_on_given_lines_is_that_of_stripped_lines(text):
    from auditor.parse import flattened

    assert flattened.is_flattened(text) == flattened.is_flattened(text, text.split("\n")) == _flattened_by_strip(text)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["ROWS", "TEXTS"]), st.lists(st.sampled_from(["", "", "一行", "a\tb", " "]),
                                                                        min_size=1, max_size=6)), max_size=5),
       st.integers(1, 50))
def test_structure_lines_are_the_non_blank_lines_of_each_run_numbered_from_it(runs, first):
    tokens, want, line = [], [], first
    for kind, texts in runs:
        tokens.append(document._Line(kind, line, list(texts)))  # (its lines: one per "\n" of "\n".join(texts) + "\n")
        for text in texts + [""]:
            if text:
                want.append((document._LINE_KIND[kind], text, line))
            line += 1
    got = document._ToSections._lines(tokens)
    assert all(type(ln) is document.SrcLine for ln in got)
    assert [(ln.kind, ln.text, ln.line) for ln in got] == want


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.floats(-5, 40), st.floats(-5, 40), st.floats(-5, 40)), max_size=8))
def test_offset_range_test_is_the_all_of_its_columns(columns):
    from auditor.parse import binder

    centers, lo, hi = ([c[i] for c in columns] for i in range(3))
    want = all(low - binder.OFFSET_TOL <= x <= high + binder.OFFSET_TOL for x, low, high in zip(centers, lo, hi))
    assert binder._within(centers, lo, hi) == want
