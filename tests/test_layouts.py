"""Extraction layouts found in the wild (issue 10, layouts 1, 2, 3, 5, 6): every seed written in
each layout reads to the same cells as its text version wherever the layout keeps the
information, and to None — never a different number — where it does not."""
from collections import Counter

import pytest

from auditor.api import parse_file
from auditor.model import Cell
from auditor.parse.binder import RowMatcher
from conftest import ROOT, SEEDS, seed_id
from test_formats import cells
from tools import fixtures, layouts, variants


needs_pdftotext = pytest.mark.skipif(layouts.PDFTOTEXT is None, reason="pdftotext (Debian poppler-utils) not installed")


@pytest.fixture(scope="module")
def outdir(tmp_path_factory):
    return tmp_path_factory.mktemp("layouts")


def never_a_different_number(expected, got):
    for t in expected:
        for key, values in expected[t].items():
            have = got[t].get(key, [None] * len(values))
            for want, value in zip(values, have):
                assert value == want or value is None, (t, key, values, have)


@pytest.mark.parametrize("seed", SEEDS, ids=seed_id)
@pytest.mark.parametrize("layout", ["tab", "md", "pipe-in-txt"])
def test_tab_and_pipe_layouts_read_every_cell(seed, layout, outdir):
    text_rep = parse_file(seed)
    if layout == "tab":
        content, ext = layouts.tab_text(text_rep), "tab.txt"
    else:
        content, ext = layouts.markdown_text(text_rep), ("md" if layout == "md" else "pipe.txt")
    path = outdir / f"{seed.stem}.{ext}"
    path.write_text(content, encoding="utf-8")
    rep = parse_file(path)
    assert cells(rep) == cells(text_rep)
    assert [s.number for s in rep.sections] == [1, 2, 3, 4, 5, 6]
    assert (rep.year, rep.organ, rep.template) == (text_rep.year, text_rep.organ, text_rep.template)


def _blank_legal_person_columns(rep, key="new"):
    row = rep.t3.rows[key]
    for col in ("commercial", "research", "social", "legal", "other"):
        row.cells[col] = Cell(None, "", row.line)
    return rep


@pytest.mark.parametrize("fmt", ["tab", "md", "html", "docx"])
def test_empty_fields_are_blank_cells_at_their_column(fmt, outdir, rules):
    """A department whose five 法人或其他组织 columns are left empty: the empty fields (tab text,
    pipe cells, HTML <td>, Word cells) are blank cells at their columns, reported as non-numeric."""
    from auditor.batch import audit_file
    from auditor.config import Config

    seed = SEEDS[1]
    rep = _blank_legal_person_columns(parse_file(seed))
    path = outdir / f"blank.{'tab.txt' if fmt == 'tab' else fmt}"
    if fmt == "tab":
        path.write_text(layouts.tab_text(rep), encoding="utf-8")
    elif fmt == "md":
        path.write_text(layouts.markdown_text(rep), encoding="utf-8")
    elif fmt == "html":
        fixtures.write_html(rep, path)
    else:
        fixtures.write_docx(rep, path)
    got = parse_file(path)
    want = cells(parse_file(seed))
    want["t3"]["new"][1:6] = [None] * 5
    assert cells(got) == want
    assert [got.t3.rows["new"].cells[c].raw for c in ("commercial", "legal")] == ["", ""]
    findings = audit_file(path, rules, Config()).findings
    assert any(f.rule == "NAT-TBL-NONNUM" and "本年新收" in f.message for f in findings)


# Cells the plain text knows that the pdftotext -layout reading knows too (measured on poppler
# 22.12: every one in every seed; before column placement by offset 84/161, 133/161, 161/173,
# 91/111, 140/161 of 表三 and 0/15 of 表四 in four seeds). The floor leaves room for other
# poppler versions; a different number is never allowed.
LAYOUT_FLOOR = 0.95


@needs_pdftotext
@pytest.mark.parametrize("seed", SEEDS, ids=seed_id)
def test_pdftotext_layout_output_reads_the_cells_by_column_offset(seed, outdir):
    """Real `pdftotext -layout` output: space-run columns, wrapped labels, "- N -" footers, form
    feeds, 表四's multi-line header; rows with blank cells are placed by their values' offsets."""
    text_rep = parse_file(seed)
    rep = parse_file(layouts.pdftotext_layout(text_rep, outdir, seed.stem))
    assert "\f" in (outdir / f"{seed.stem}.layout.txt").read_text(encoding="utf-8")
    assert [s.number for s in rep.sections] == [1, 2, 3, 4, 5, 6]
    assert rep.t3.found and rep.t4.found
    never_a_different_number(cells(text_rep), cells(rep))
    for table, (known, total, wrong) in layouts.coverage(cells(text_rep), cells(rep)).items():
        assert wrong == 0
        assert known >= LAYOUT_FLOOR * total, (table, known, total)


def _with_blank_cells(rep):
    """Blank cells where the department left them empty: five in 新收, the first and the last
    column of other rows (the cells that only a column offset can place)."""
    blanks = {"new": ("commercial", "research", "social", "legal", "other"), "granted": ("natural",),
              "deny_3": ("total",), "total_processed": ("research", "legal")}
    for key, cols in blanks.items():
        row = rep.t3.rows[key]
        for col in cols:
            row.cells[col] = Cell(None, "", row.line)
    return rep


@needs_pdftotext
@pytest.mark.parametrize("pdf_options", [{}, {"ruled": False}, {"split_t3_after": "deny_4", "repeat_header": True}],
                         ids=["ruled", "unruled", "split"])
@pytest.mark.parametrize("seed", [SEEDS[0], SEEDS[2], SEEDS[3]], ids=seed_id)
def test_pdftotext_blank_cells_are_placed_by_offset(seed, pdf_options, outdir):
    rep = _with_blank_cells(parse_file(seed))
    want = cells(rep)
    got_rep = parse_file(layouts.pdftotext_layout(rep, outdir, f"{seed.stem}.blank.{len(pdf_options)}{'r' if pdf_options.get('ruled') is False else ''}", **pdf_options))
    assert cells(got_rep)["t3"] == want["t3"]
    assert got_rep.t3.rows["new"].cells["legal"].raw == ""
    notes = [n for n in got_rep.parse_notes if n.code == "table.blank_by_offset"]
    placed = {k for k in ("new", "granted", "deny_3", "total_processed") if any(v is not None for v in want["t3"][k])}
    assert {n.row for n in notes} >= placed >= {"new", "total_processed"}


@needs_pdftotext
def test_pdftotext_a_row_at_a_page_break_whose_columns_disagree_stays_unknown(outdir):
    """Seed 001's 表三 starts a new page after its second row, with other column offsets: a short
    first row of the new page lies between two grids that place it differently — unknown, noted."""
    rep = _with_blank_cells(parse_file(SEEDS[1]))
    got_rep = parse_file(layouts.pdftotext_layout(rep, outdir, "001.pagebreak"))
    assert [c.value for c in got_rep.t3.rows["granted"].cells.values()] == [None] * 7
    assert any(n.code == "table.offset_ambiguous" and n.row == "granted" for n in got_rep.parse_notes)
    never_a_different_number(cells(rep), cells(got_rep))


def _aligned_t3(rep, edit) -> str:
    """The seed's text with 表三's rows printed space-aligned (8-character columns after a
    50-character label column); `edit(key, cells)` returns a row's printed cells ("" = blank)."""
    lines = rep.lines[:]
    keys = list(rep.t3.rows)
    first, last = rep.t3.rows[keys[0]].line, rep.t3.rows[keys[-1]].line
    body = []
    for key in keys:
        row = rep.t3.rows[key]
        printed = edit(key, [str(c.value) for c in row.cells.values()])
        body.append(row.label.replace("\t", " ").ljust(50) + "".join(f"{v:>8}" for v in printed))
    return "\n".join(lines[:first - 1] + body + lines[last:]) + "\n"


def test_space_aligned_values_are_placed_only_when_unambiguous(outdir):
    """A short row whose values keep their columns is read with blanks; one whose value lies
    between two columns is unknown, with a parse note."""
    seed_rep = parse_file(SEEDS[0])

    def edit(key, printed):
        if key == "partial":
            return printed[:1] + [""] + printed[2:]  # 商业企业 left blank, the rest in place
        if key == "deny_1":
            return printed[:1] + [printed[1] + "    "] + [""] + printed[3:]  # a value between two columns
        return printed

    path = outdir / "aligned.txt"
    path.write_text(_aligned_t3(seed_rep, edit), encoding="utf-8")
    rep = parse_file(path)
    want = cells(seed_rep)["t3"]
    got = cells(rep)["t3"]
    assert got["partial"] == want["partial"][:1] + [None] + want["partial"][2:]
    assert rep.t3.rows["partial"].cells["commercial"].raw == ""
    assert all(got[k] == want[k] for k in want if k not in ("partial", "deny_1"))
    assert any(n.code == "table.blank_by_offset" and n.row == "partial" for n in rep.parse_notes)
    assert any(n.code == "table.offset_ambiguous" and n.row == "deny_1" for n in rep.parse_notes)
    never_a_different_number({"t3": want}, {"t3": got})
    assert got["deny_1"][1:3] == [None, None]


@needs_pdftotext
def test_pdftotext_table_split_across_pages_with_repeated_header(outdir):
    text_rep = parse_file(SEEDS[0])
    rep = parse_file(layouts.pdftotext_layout(text_rep, outdir, "split", split_t3_after="deny_4",
                                              repeat_header=True))
    never_a_different_number(cells(text_rep), cells(rep))
    assert rep.t3.found and "deny_5" in rep.t3.rows


@pytest.mark.parametrize("seed", SEEDS, ids=seed_id)
def test_label_typos_are_matched_in_template_order_with_a_note(seed, outdir):
    path = outdir / f"{seed.stem}.typo.txt"
    path.write_text(layouts.typo_text(seed.read_text(encoding="utf-8")), encoding="utf-8")
    rep = parse_file(path)
    assert cells(rep) == cells(parse_file(seed))
    notes = [n.message for n in rep.parse_notes if n.code == "table.label_typo"]
    assert any("属于国家密" in m for m in notes) and any("行政执法案券" in m for m in notes)


def test_a_typo_that_could_be_two_rows_or_out_of_order_is_not_matched():
    specs = [{"key": "a", "aliases": ["甲乙丙丁一二"]}, {"key": "b", "aliases": ["甲乙丙戊一二"]},
             {"key": "c", "aliases": ["子丑寅卯一二"]}, {"key": "d", "aliases": ["辰巳午未一二"]},
             {"key": "e", "aliases": ["申酉戌亥一二"]}, {"key": "f", "aliases": ["短别名"]}]
    m = RowMatcher(specs)
    assert m.typo_match("甲乙丙己一二") is None  # one edit from both a and b
    assert m.typo_match("甲乙丁一二") == 0  # dropped character: one edit from a only
    m.last = 2
    assert m.typo_match("子丑寅一二") is None  # row c lies before the previous row
    assert m.typo_match("辰巳午末一二") == 3 and m.typo == "辰巳午末一二"
    assert m.typo_match("申酉戌亥亥一二") == 4  # doubled; within two rows after the previous one
    m.last = 4
    assert m.typo_match("短别字") is None  # aliases under 6 characters are never typo-matched
    m.last = -1
    assert m.typo_match("申酉戌亥亥一二") is None  # too far ahead in template order


def test_unreadable_counts_are_not_numbers(outdir):
    """More than 12 digits, or the decoder's U+FFFD inside a number: value None with a note."""
    text = SEEDS[0].read_text(encoding="utf-8")
    old = "(七) 总计\t4\t0\t0\t0\t0\t0\t4"
    assert text.count(old) == 1
    path = outdir / "garbled.txt"
    path.write_text(text.replace(old, "(七) 总计\t4000000000000\t0\t0\t0\t0\t\ufffd0\t4"), encoding="utf-8")
    rep = parse_file(path)
    row = rep.t3.rows["total_processed"]
    assert row.cells["natural"].value is None and row.cells["other"].value is None
    assert row.cells["total"].value == 4
    messages = [n.message for n in rep.parse_notes if n.code == "table.non_numeric"]
    assert any("超过 12 位数字" in m for m in messages) and any("U+FFFD" in m for m in messages)


def test_table_printed_twice_reads_the_same(outdir):
    """An HTML page with a print version: the same 表三 twice. Each row's two occurrences are
    readings: rows read in full agree; a row with a blank cell becomes unknown, never different."""
    text_rep = parse_file(SEEDS[2])
    md = layouts.markdown_text(text_rep)
    start = md.index("| （本列数据")
    end = md.index("\n\n", start)
    path = outdir / "twice.md"
    path.write_text(md[:end] + "\n\n" + md[start:end] + md[end:], encoding="utf-8")
    rep = parse_file(path)
    expected, got = cells(text_rep), cells(rep)
    never_a_different_number(expected, got)
    assert got["t3"]["new"] == expected["t3"]["new"] and got["t3"]["total_processed"] == expected["t3"]["total_processed"]
    assert any(n.code == "table.duplicate_row" for n in rep.parse_notes)


FAULTY = ["000-total-changed", "000-row-total", "000-no-row", "004-t4-total", "000-review-less",
          "002-issued-gt", "000-decimal"]


@pytest.mark.parametrize("name", FAULTY)
@pytest.mark.parametrize("layout", ["tab", "md"])
def test_faulty_variants_give_the_same_findings(name, layout, outdir, rules):
    from auditor.batch import audit_file
    from auditor.config import Config

    def rules_of(path):
        return Counter(f.rule for f in audit_file(path, rules, Config()).findings if f.rule != "NAT-PARSE-UNSURE")

    text_path = variants.write_variant(name, outdir / "variants")
    rep = parse_file(text_path)
    path = outdir / f"{name}.{layout}.{'txt' if layout == 'tab' else 'md'}"
    path.write_text(layouts.tab_text(rep) if layout == "tab" else layouts.markdown_text(rep), encoding="utf-8")
    expected = rules_of(text_path)
    assert set(variants.VARIANTS[name]["expect"]) <= set(expected)
    assert rules_of(path) == expected


@pytest.mark.parametrize("seed", SEEDS, ids=seed_id)
def test_t3_applicant_columns_in_another_order_are_read_by_the_header(seed, outdir):
    text_rep = parse_file(seed)
    path = outdir / f"{seed.stem}.swapped.txt"
    path.write_text(layouts.tab_text(text_rep, swap_t3_columns=(4, 6)), encoding="utf-8")
    rep = parse_file(path)
    assert cells(rep) == cells(text_rep)
    assert any(n.code == "t3.column_order" and "社会公益组织、科研机构、商业企业" in n.message for n in rep.parse_notes)


def test_a_column_header_of_another_table_is_not_taken_for_a_typo():
    """Without the 三 heading 表三 is searched in the whole body; 表二's header "本年新公开数量" is
    one edit from the alias "本年新收" but must not become 表三's 新收 row."""
    from auditor.testing import audit_text

    seed = (ROOT / "sample_reports" / "000_4514475f3fb3965f.txt").read_text(encoding="utf-8")
    heading = next(ln for ln in seed.splitlines() if ln.startswith("三、"))
    report = audit_text(seed.replace(heading + "\n", "")).report
    assert report.t3.value("new", "total") == 6
    assert not [n for n in report.parse_notes if n.code == "table.label_typo"]


@pytest.mark.parametrize("layout", ["tab", "md"])
@pytest.mark.parametrize("seed", [SEEDS[0], SEEDS[2]], ids=seed_id)
def test_t2_and_t4_empty_fields_are_blank_cells_at_their_column(seed, layout, outdir):
    """表二 and 表四 read blank cells from empty tab/pipe fields, as 表三 does."""
    rep = parse_file(seed)
    t2_row = next(r for r in rep.t2.rows.values() if len(r.columns) == 3)
    t2_row.cells[t2_row.columns[1]] = Cell(None, "", t2_row.line)
    rep.t4.rows["review"].cells["corrected"] = Cell(None, "", rep.t4.rows["review"].line)
    rep.t4.rows["suit_direct"].cells["upheld"] = Cell(None, "", rep.t4.rows["suit_direct"].line)
    path = outdir / f"{seed.stem}.t2t4blank.{'tab.txt' if layout == 'tab' else 'md'}"
    path.write_text(layouts.tab_text(rep) if layout == "tab" else layouts.markdown_text(rep), encoding="utf-8")
    got = parse_file(path)
    assert cells(got)["t2"] == cells(rep)["t2"]
    assert cells(got)["t4"] == cells(rep)["t4"]
    assert got.t4.rows["review"].cells["corrected"].raw == ""
    assert any(n.code == "table.blank_by_field" and n.table == "t2" for n in got.parse_notes)


def test_cells_grammar_is_strict_clean_and_keeps_offsets():
    from lark import Lark

    from auditor.parse.cells import pipe_cells, row_cells
    from auditor.resources import grammar_text

    Lark(grammar_text("cells.lark"), parser="lalr", lexer="contextual", start=["rows", "piperows"], strict=True)
    tab, spaced, mixed = row_cells(["总计\t12\t\t3", "   (七) 总计    4  0  —", "第 2 项 内容 5 6"])
    assert tab.tabbed and [f.text for f in tab.fields] == ["总计", "12", "", "3"]
    assert [(w[0], w[1]) for w in tab.fields[3].values] == [("3", 7)]
    assert not spaced.tabbed and [w[0] for w in spaced.fields[0].label] == ["(七)", "总计"]
    assert [(w[0], w[1]) for w in spaced.fields[0].values] == [("4", 13), ("0", 16), ("—", 19)]
    assert [w[0] for w in mixed.fields[0].label] == ["第", "2", "项", "内容"]  # a number inside a label
    assert pipe_cells("| a | 1 |  | b|c |") == ["a", "1", "", "b", "c"]


def test_cells_scan_is_larks_parse(outdir):
    """The fields read with `str.split` (no Lark at run time) are exactly those of Lark's own
    parse, on every seed line and on pdftotext -layout output and every generated layout; pipe
    rows: the cached-regex scan gives exactly Lark's tokens."""
    from auditor.parse.cells import _scan, lark_fields, lark_rows, line_fields
    from auditor.parse.normalize import normalize

    texts = [seed.read_text(encoding="utf-8") for seed in SEEDS]
    texts += [p.read_text(encoding="utf-8") for p in outdir.glob("*.layout.txt")]
    texts += [render(parse_file(seed)) for seed in SEEDS for render in (layouts.tab_text, layouts.markdown_text)]
    assert len(texts) > len(SEEDS)
    for text in texts:
        lines = normalize(text)
        assert [line_fields(ln) for ln in lines] == lark_fields(lines)
    md = layouts.markdown_text(parse_file(SEEDS[0]))
    pipes = "\n".join(ln.strip() for ln in md.split("\n") if ln.startswith("| "))
    assert _scan(pipes, "piperows") == lark_rows(pipes, "piperows")


# Rendered as a PDF and read back by pdftotext, these variants lose cells that only the text
# version had (unknown, never wrong), so a finding about those cells can be missed — not invented.
# The dates: the PDF fixture's last line prints the organ and the date with no gap, which
# pdftotext returns as one line the date rule does not take (not assessable, not "missing").
PDFTOTEXT_MAY_MISS = {
    "002-overview-thin": {"NX-APP-PROCESS", "NAT-TBL-NONNUM"},
    # read from the layout text, the region is detected (宁夏) and NX-APP-CHANNELS, which
    # supersedes NAT-TXT-CHANNELS, reports the same sum
    "003-online-1": {"NAT-TXT-CHANNELS"},
    "004-dated-late": {"NAT-DEADLINE"}, "004-dated-cn-late": {"NAT-DEADLINE"},
    "004-dated-feb30": {"NAT-DATE-INVALID"},
}


@pytest.mark.skipif(layouts.PDFTOTEXT is None, reason="pdftotext (Debian poppler-utils) not installed")
@pytest.mark.parametrize("name", sorted(variants.VARIANTS))
def test_faulty_variants_through_pdftotext_layout(name, outdir, rules):
    """Layout 3 with the faulty variants: the finding each variant was made for is reported from
    real `pdftotext -layout` output too, and no finding appears that the text version lacks —
    except a blank-cell finding where the PDF really prints an empty cell (the fixture prints a
    cell the text leaves unknown as empty)."""
    from auditor.batch import audit_file
    from auditor.config import Config

    def rules_of(path):
        return Counter(f.rule for f in audit_file(path, rules, Config()).findings if f.rule != "NAT-PARSE-UNSURE")

    text_path = variants.write_variant(name, outdir / "variants")
    (outdir / "pdftotext-variants").mkdir(exist_ok=True)
    layout_path = layouts.pdftotext_layout(parse_file(text_path), outdir / "pdftotext-variants", name)
    expected, got = rules_of(text_path), rules_of(layout_path)
    may_miss = PDFTOTEXT_MAY_MISS.get(name, set())
    assert set(variants.VARIANTS[name]["expect"]) - may_miss <= set(got)
    assert set(got - expected) <= {"NAT-TBL-NONNUM"}, got - expected
    assert set(expected - got) <= may_miss, expected - got


def test_grid_rows_with_a_label_wrapped_onto_its_own_line(tmp_path):
    """Tab rows as a web page's grid gives them (a spanned label repeated in every column it
    covers), one row label wrapped before its tabbed rest: once a crash of the binder
    (field_slots took the label position of a row that has none); the row is read right."""
    head = "(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)"
    rows = [[head] * 3 + ["申请人情况"] * 7, [head] * 3 + ["自然人"] + ["法人或其他组织"] * 5 + ["总计"],
            [head] * 3 + ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"],
            ["一、本年新收政府信息公开申请数量"] * 3 + ["9", "0", "0", "0", "0", "0", "9"]]
    lines = ["\t".join(r) for r in rows]
    lines += ["二、上年结转政府信息",
              "\t".join(["公开申请数量"] + ["二、上年结转政府信息公开申请数量"] * 2 + ["0"] * 7)]
    results = [("(一)予以公开", "4"), ("(二)部分公开(区分处理的,只计这一情形,不计其他情形)", "0")]
    lines += ["\t".join(["三、本年度办理结果", label, label, n] + ["0"] * 5 + [n]) for label, n in results]
    lines += ["\t".join(["三、本年度办理结果", "(七)总计", "(七)总计", "4"] + ["0"] * 5 + ["4"])]
    text = "某某局2021年政府信息公开工作年度报告\n三、收到和处理政府信息公开申请情况\n" + "\n".join(lines) + "\n"
    path = tmp_path / "grid.txt"
    path.write_text(text, encoding="utf-8")
    t3 = parse_file(path).t3
    assert [c.value for c in t3.rows["carried"].cells.values()] == [0] * 7
    assert t3.rows["new"].cells["total"].value == 9 and t3.rows["granted"].cells["total"].value == 4
