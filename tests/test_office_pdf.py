"""PDFs exported by an office suite (LibreOffice headless from the DOCX renderings, tools/office.py):
fonts embedded as subsets, ruled tables, 表三 broken across pages inside row groups and inside rows.
Every seed's office PDF, in every page layout, gives the same cells and claims as the text; the
faulty variants give the same findings. Also: the PDF page limit, and the two PDF backends agree."""
from collections import Counter

import pytest

from auditor.api import parse_file
from auditor.errors import InputError
from auditor.ingest import pdf as pdf_reader
from auditor.ingest import read_report
from conftest import SEEDS, seed_id
from test_config_cli import run
from test_formats import cells, claims
from tools import fixtures, office
from tools.variants import write_variant

# Variants whose faults sit in the tables (the page breaks fall among the rows they change).
VARIANTS = ["000-total-changed", "000-row-total", "004-t4-total", "002-carried-forward-1"]
REPEAT_SEEDS = [SEEDS[0], SEEDS[2]]  # the repeated-header layout (conversion time is the test's cost)


@pytest.fixture(scope="session")
def office_files(tmp_path_factory):
    """All office PDFs of this module, converted in one LibreOffice run per test session."""
    ok, why = office.available()
    if not ok:
        print(f"SKIP office PDFs: {why}")
        pytest.skip(why)
    out = tmp_path_factory.mktemp("office")
    reports = {seed.stem: parse_file(seed) for seed in SEEDS}
    texts = {name: write_variant(name, out / "variants") for name in VARIANTS}
    reports.update({name: parse_file(path) for name, path in texts.items()})
    repeat = {seed.stem for seed in REPEAT_SEEDS}
    jobs = {(n, layout): rep for n, rep in reports.items() for layout in office.LAYOUTS
            if (layout == "short" or n not in texts) and (layout != "repeat" or n in repeat)}
    jobs.update({(seed.stem, layout): reports[seed.stem] for seed in SEEDS for layout in office.BORDERLESS})
    docx_dir = out / "docx"
    docx_dir.mkdir()
    docs = {key: office.office_docx(rep, docx_dir / f"{key[0]}.{key[1]}.docx", key[1]) for key, rep in jobs.items()}
    pdfs = dict(zip(docs, office.convert(list(docs.values()), out)))
    return pdfs, texts


def t3_pages(rep):
    """表三 row key -> page number of its line."""
    return {k: int(rep.ref(row.line).rsplit("第", 1)[1].rstrip("页）")) for k, row in rep.t3.rows.items()}


SEED_LAYOUTS = [(s, lay) for s in SEEDS for lay in office.LAYOUTS if lay != "repeat" or s in REPEAT_SEEDS]


@pytest.mark.parametrize("seed,layout", SEED_LAYOUTS, ids=[f"{seed_id(s)}-{lay}" for s, lay in SEED_LAYOUTS])
def test_office_pdf_parses_to_the_text_cells(seed, layout, office_files):
    text_rep = parse_file(seed)
    rep = parse_file(office_files[0][(seed.stem, layout)])
    assert rep.kind == "pdf"
    assert cells(rep) == cells(text_rep)
    assert [s.number for s in rep.sections] == [1, 2, 3, 4, 5, 6]
    assert (rep.title, rep.year, rep.organ, rep.template) == (text_rep.title, text_rep.year, text_rep.organ,
                                                              text_rep.template)
    assert not [n for n in rep.parse_notes if n.code == "ingest"]
    # Same numbers claimed, each as comparable as in the text (a line wrapped after "其中：" keeps
    # the breakdown in its sentence).
    assert claims(rep) == claims(text_rep)


BROKEN = [(s, lay) for s, lay in SEED_LAYOUTS if lay != "a4"]


@pytest.mark.parametrize("seed,layout", BROKEN, ids=[f"{seed_id(s)}-{lay}" for s, lay in BROKEN])
def test_short_pages_break_t3_inside_row_groups_and_rows(seed, layout, office_files, monkeypatch):
    """The fixture exercises what it claims: 表三 continues on the next page inside a row group, and
    some row is cut in two by a page break (without joining, the extracted text differs)."""
    path = office_files[0][(seed.stem, layout)]
    rep = parse_file(path)
    pages = t3_pages(rep)
    inside_group = [ks[i + 1] for _g, ks in fixtures.T3_GROUPS for i in range(len(ks) - 1)
                    if ks[i] in pages and ks[i + 1] in pages and pages[ks[i]] != pages[ks[i + 1]]]
    assert inside_group, pages
    if layout == "repeat":
        assert sum("勾稽关系" in ln for ln in read_report(path).text.split("\n")) == 1  # repeated header dropped
    joined = read_report(path).text
    monkeypatch.setattr(pdf_reader, "_join_broken_row", lambda *a, **k: False)
    # Without joining, some row stays cut in two in the extracted text (the binder may still
    # read it on from its label fragments; that it never reads a wrong number is tested above).
    assert read_report(path).text != joined
    never = cells(parse_file(path))
    for t, rows in cells(parse_file(seed)).items():
        for key, values in rows.items():
            assert all(g is None or g == w for g, w in zip(never[t].get(key, values), values)), (t, key)


@pytest.mark.parametrize("name", VARIANTS)
def test_faulty_variants_give_the_same_findings(name, office_files, national_rules):
    from auditor.batch import audit_file
    from auditor.config import Config

    def rules_of(path):
        return Counter(f.rule for f in audit_file(path, national_rules, Config()).findings
                       if f.rule != "NAT-PARSE-UNSURE")

    pdfs, texts = office_files
    expected = rules_of(texts[name])
    assert rules_of(pdfs[(name, "short")]) == expected
    assert expected  # the variant does produce findings


def test_join_broken_row_rules():
    row = (7, ["", "（五", "1.信", "0", "0"], [False, True, True, False, False])  # last row above the break
    tail = [None, row, row, row, row]
    lines = [""] * 8
    assert pdf_reader._join_broken_row(tail, ["", "）不予处理", "访举报投诉类申请", "", ""], [False] * 5, lines)
    assert lines[7] == "\t（五）不予处理\t1.信访举报投诉类申请\t0\t0"
    lines = [""] * 8
    # A new numbered row, a number under a number, text under a line that does not fill its cell:
    assert not pdf_reader._join_broken_row(tail, ["", "", "2.重复申请", "", ""], [False] * 5, lines)
    assert not pdf_reader._join_broken_row(tail, ["", "", "访举报", "1", ""], [False] * 5, lines)
    unfilled = (7, ["", "（五）", "1.信", "", ""], [False] * 5)
    assert not pdf_reader._join_broken_row([None] + [unfilled] * 4, ["", "不予处理", "", "", ""], [False] * 5, lines)
    assert lines == [""] * 8


def test_ruling_lines_drawn_as_filled_rectangles(tmp_path):
    """Word draws cell borders as thin filled rectangles, not stroked lines: the grid is the same."""
    pytest.importorskip("reportlab")
    text_rep = parse_file(SEEDS[0])
    path = fixtures.write_pdf(text_rep, tmp_path / "rects.pdf", canvasmaker=office.RectBorderCanvas)
    import pdfplumber

    with pdfplumber.open(path) as pdf:  # the borders really are rectangles, no stroked line left
        assert sum(len(p.rects) for p in pdf.pages) > 50 and not sum(len(p.lines) for p in pdf.pages)
    rep = parse_file(path)
    assert cells(rep) == cells(text_rep)


def test_backends_agree(office_files):
    """The PDFium reader and the pdfplumber (pdfminer) reader give the same lines."""
    for key in [(SEEDS[1].stem, "short"), (SEEDS[2].stem, "repeat")]:
        path = office_files[0][key]
        data = path.read_bytes()
        assert pdf_reader.read_pdf(path, data).text == pdf_reader.read_pdf(path, data, backend="pdfplumber").text


def test_page_limit(tmp_path, monkeypatch):
    pytest.importorskip("reportlab")
    path = fixtures.write_pdf_pages(tmp_path / "three.pdf", ["第一页", "第二页", "第三页"])
    with pytest.raises(InputError) as e:
        pdf_reader.read_pdf(path, path.read_bytes(), max_pages=2)
    assert e.value.reason == "PDF 共 3 页，超过上限 2 页"
    assert pdf_reader.read_pdf(path, path.read_bytes(), max_pages=3).text
    monkeypatch.setattr(pdf_reader, "MAX_PAGES", 2)
    with pytest.raises(InputError):
        read_report(path)
    monkeypatch.undo()
    assert pdf_reader.MAX_PAGES == 500
    monkeypatch.setenv("AUDITOR_PDF_MAX_PAGES", "2")
    r = run("check", str(path))
    assert r.returncode == 2 and "three.pdf" in r.stderr and "超过上限 2 页" in r.stderr and "Traceback" not in r.stderr


# Borderless office PDFs: cells the text knows that the PDF knows too (measured: 147/161, 147/161,
# 126/173, 98/111, 154/161 of 表三 on A4; all of 表二 and 表四). Before the binder stopped giving a
# row the values beside an unrecognised label, 003 deny_2 read 0s it does not have and 001 unable_2
# read 0s instead of 3s.
BORDERLESS_FLOOR = 0.7


@pytest.mark.parametrize("layout", office.BORDERLESS)
@pytest.mark.parametrize("seed", SEEDS, ids=seed_id)
def test_borderless_office_pdf_never_gets_a_wrong_number(seed, layout, office_files):
    """Without borders the reader sees text lines; labels wrap two characters a line, their values
    beside the first fragment ("6.属 0 0 0 0 0 0 0" / "于四" / "类过" …). A row is named only once its
    label is read on; values beside a label that names no row go to no row."""
    from tools.layouts import coverage

    text_rep = parse_file(seed)
    rep = parse_file(office_files[0][(seed.stem, layout)])
    for table, (known, total, wrong) in coverage(cells(text_rep), cells(rep)).items():
        assert wrong == 0, table
        assert known >= BORDERLESS_FLOOR * total, (table, known, total)


def test_a_line_wrapped_after_qizhong_keeps_its_sentence():
    """PDF lines break anywhere: "其中：" at a line end continues the paragraph (the breakdown
    belongs to the total before it); other colons and sentence ends still end it."""
    from auditor.parse.document import SrcLine, build_paragraphs

    lines = ["本年度共收到政府信息公开申请6件，其中：", "信函申请3件，网上申请3件。", "主要做法：", "（一）加强领导。"]
    paras = build_paragraphs([SrcLine("TEXT", t, i + 1) for i, t in enumerate(lines)])
    assert [p.text for p in paras] == [lines[0] + lines[1], lines[2], lines[3]]
    assert paras[0].spans == [(0, 1), (len(lines[0]), 2)]
