"""PDF reports: text PDFs of the seeds (drawn with reportlab's built-in CID font) parse to the same
cells as the text versions; 表三 across a page break; running headers and page numbers; PDFs
without a text layer, encrypted or broken PDFs give a clear error."""
import json

import pytest

from auditor.api import parse_file
from auditor.errors import InputError
from auditor.ingest import read_report
from conftest import ROOT, SEEDS, seed_id
from test_config_cli import run
from test_formats import cells, claims
from tools import fixtures

pytest.importorskip("reportlab")


@pytest.fixture(scope="module")
def outdir(tmp_path_factory):
    return tmp_path_factory.mktemp("pdf")


def golden_cells(seed):
    d = json.loads((ROOT / "tests" / "golden" / "parse" / f"{seed.stem}.json").read_text(encoding="utf-8"))
    return {t: {k: [c["value"] for c in row["cells"].values()] for k, row in d["tables"][t]["rows"].items()}
            for t in ("t2", "t3", "t4")}


@pytest.mark.parametrize("seed", SEEDS, ids=seed_id)
def test_seed_pdf_parses_to_the_golden_cells(seed, outdir):
    text_rep = parse_file(seed)
    rep = parse_file(fixtures.write_pdf(text_rep, outdir / f"{seed.stem}.pdf"))
    assert rep.kind == "pdf"
    assert cells(rep) == cells(text_rep) == golden_cells(seed)
    assert claims(rep) == claims(text_rep)
    assert [s.number for s in rep.sections] == [1, 2, 3, 4, 5, 6]
    assert (rep.title, rep.year, rep.organ, rep.template) == (text_rep.title, text_rep.year, text_rep.organ,
                                                              text_rep.template)
    assert not [n for n in rep.parse_notes if n.code == "ingest"]


@pytest.mark.parametrize("repeat_header", [False, True], ids=["plain", "repeated-header"])
def test_t3_across_a_page_break_with_merged_labels(repeat_header, outdir):
    text_rep = parse_file(SEEDS[0])
    # The break falls inside both merged labels "三、本年度办理结果" and "（三）不予公开".
    path = fixtures.write_pdf(text_rep, outdir / f"split-{repeat_header}.pdf", split_t3_after="deny_4",
                              repeat_header=repeat_header)
    rep = parse_file(path)
    assert cells(rep) == cells(text_rep)
    before, after = rep.t3.rows["deny_4"], rep.t3.rows["deny_5"]
    ref_before, ref_after = rep.ref(before.line), rep.ref(after.line)
    # One table, numbered on across the pages; the continuation's label columns are blank.
    assert ref_before.split("第")[0] == ref_after.split("第")[0]
    assert ref_before.endswith("页）") and ref_before[-4:] != ref_after[-4:]
    assert rep.line_text(after.line).startswith("5.属于三类内部事务信息")
    lines = read_report(path).text.split("\n")
    assert sum("勾稽关系" in ln for ln in lines) == 1  # a repeated header is dropped


def test_running_header_and_page_numbers_removed(outdir):
    path = fixtures.write_pdf(parse_file(SEEDS[1]), outdir / "001.pdf")
    lines = [ln.strip() for ln in read_report(path).text.split("\n")]
    assert fixtures.PDF_HEADER not in lines
    assert not [ln for ln in lines if ln.startswith("- ") and ln.endswith(" -")]


def test_pdf_without_text_layer(outdir):
    path = fixtures.write_pdf_pages(outdir / "scan.pdf", [None, None])
    with pytest.raises(InputError) as e:
        read_report(path)
    assert "没有文字层" in e.value.reason and "扫描" in e.value.reason
    r = run("check", str(path))
    assert r.returncode == 2 and "scan.pdf" in r.stderr and "没有文字层" in r.stderr and "Traceback" not in r.stderr


def test_pdf_with_one_scanned_page_is_read_with_a_note(outdir):
    text = "某县人民政府2021年政府信息公开工作年度报告\n一、总体情况\n本年度共收到政府信息公开申请2件。"
    path = fixtures.write_pdf_pages(outdir / "mixed.pdf", [text, None])
    rep = parse_file(path)
    assert rep.year == 2021
    assert any(n.code == "ingest" and "第2页没有文字层" in n.message for n in rep.parse_notes)


def test_encrypted_and_broken_pdfs(outdir, tmp_path):
    locked = fixtures.write_pdf_pages(outdir / "locked.pdf", ["机密"], password="secret")
    with pytest.raises(InputError) as e:
        read_report(locked)
    assert "加密" in e.value.reason
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\ngarbage")
    with pytest.raises(InputError) as e:
        read_report(broken)
    assert "损坏" in e.value.reason
    r = run("check", str(broken), str(SEEDS[0]))
    assert r.returncode == 2 and "broken.pdf" in r.stderr and "固原市人民政府办公室" in r.stdout


@pytest.mark.parametrize("seed", SEEDS, ids=seed_id)
def test_tables_without_ruling_lines_never_get_a_wrong_number(seed, outdir):
    """Without ruling lines a table is read as text rows. A blank cell can then no longer be placed:
    the row becomes ambiguous (unknown cells, parse note), but no cell gets a different number."""
    text_rep = parse_file(seed)
    rep = parse_file(fixtures.write_pdf(text_rep, outdir / f"{seed.stem}.unruled.pdf", ruled=False))
    expected, got = cells(text_rep), cells(rep)
    for t in expected:
        for key, values in expected[t].items():
            for want, have in zip(values, got[t][key]):
                assert have == want or have is None, (t, key, values, got[t][key])
    if seed_id(seed) in ("000", "001", "004"):  # no blank cells: read exactly
        assert got == expected
