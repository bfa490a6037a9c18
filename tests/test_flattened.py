"""Issue 10, layout 4: crawler-flattened text (the whole report on one or a few lines).

Fixtures are rendered at test time by tools/flattened.py from the seeds and the faulty variants.
"""
from functools import lru_cache

import pytest

from auditor.api import parse_extracted, parse_file
from auditor.ingest import Extracted
from auditor.parse import flattened
from auditor.testing import audit_text
from tools.flattened import flatten
from tools.variants import SEED_FILES, VARIANTS, variant_text

# Findings a faulty variant cannot keep once flattened, and why (the information does not survive).
LOST = {
    "000-extra-sec7": {"NAT-SEC-EXTRA"},  # an extra "七、…" heading has no known wording to find it by
    "000-decimal": {"NAT-COUNT-INT", "NAT-T3-SUM"},  # "0000000.50.5": where the decimals belong is unknown
    "000-published-gt-total": {"NAT-T2-19-PUB"},  # "104034" also splits as 1/0/4034, which passes
    "001-negative-stock": {"NAT-T2-19-DELTA"},  # "25-42…" splits several ways
    "002-issued-gt": {"NAT-T2-21-ISSUED"},  # "301114" splits several ways
    "002-fee-yuan": {"NAT-T2-21-FEE-UNIT"},  # the unit is glued to the next row's digits
    "002-carried-forward-1": {"NAT-T3-COL"},  # the other 002 rows it sums against are ambiguous
}


@lru_cache(maxsize=None)
def plain(name: str):
    text = SEED_FILES[name[5:]].read_text(encoding="utf-8") if name.startswith("seed:") else variant_text(name)
    return audit_text(text)


@lru_cache(maxsize=None)
def flat(name: str, lines: int = 1):
    text = SEED_FILES[name[5:]].read_text(encoding="utf-8") if name.startswith("seed:") else variant_text(name)
    return audit_text(flatten(text, lines))


def _parse_flat(text: str):
    return parse_extracted(Extracted(path="flat.txt", kind="txt", text=text))


def test_detection_only_on_flattened_text():
    for seed, path in SEED_FILES.items():
        text = path.read_text(encoding="utf-8")
        assert not flattened.is_flattened(text), seed
        assert flattened.is_flattened(flatten(text)), seed
        assert flattened.is_flattened(flatten(text, 3)), seed
    for name in VARIANTS:
        assert not flattened.is_flattened(variant_text(name)), name


@pytest.mark.parametrize("seed", sorted(SEED_FILES))
@pytest.mark.parametrize("lines", [1, 3])
def test_flattened_seed_cells_right_or_unknown(seed, lines):
    ref = parse_file(SEED_FILES[seed])
    rep = flat(f"seed:{seed}", lines).report
    assert rep.layout == "flattened" and not rep.structure_unreadable
    assert [s.number for s in rep.sections] == [s.number for s in ref.sections] == [1, 2, 3, 4, 5, 6]
    known = same = 0
    for name, table in ref.tables.items():
        assert rep.tables[name].found == table.found, name
        for key, row in table.rows.items():
            for col, cell in row.cells.items():
                if cell.value is None:
                    continue
                known += 1
                frow = rep.tables[name].rows.get(key)
                got = frow.cells[col].value if frow is not None else None
                assert got is None or got == cell.value, f"{seed} {name}.{key}.{col}: {got} != {cell.value}"
                same += got is not None
    assert same >= 0.85 * known, f"{seed}: only {same} of {known} cells read"


def test_unique_split_is_read_and_ambiguous_cells_unknown():
    rep = flat("seed:000").report
    assert [rep.t3.rows["new"].cells[c].value for c in rep.t3.rows["new"].columns] == [6, 0, 0, 0, 0, 0, 6]
    assert any(n.code == "table.flattened_split" and "只有一种方式" in n.message for n in rep.parse_notes)


def test_locations_point_into_the_source_line():
    text = flatten(SEED_FILES["000"].read_text(encoding="utf-8"))
    rep = _parse_flat(text)
    sec3 = rep.section(3)
    ref = rep.ref(sec3.line)
    assert ref.startswith("第1行第") and ref.endswith("字")
    offset = int(ref[len("第1行第"):-1]) - 1
    assert text[offset:].startswith("三、收到和处理政府信息公开申请情况")
    row = rep.t3.rows["total_processed"]
    offset = int(rep.ref(row.line)[len("第1行第"):-1]) - 1
    assert text[offset:].startswith("(七) 总计4000004")


def test_digit_splits():
    # "（七）总计30 0 00 0 131": "00" can only be two zeros; "30" and "131" split several ways
    got = flattened.digit_splits(["30", "0", "00", "0", "131"], 7)
    assert sorted(got) == sorted([(30, 0, 0, 0, 0, 1, 31), (30, 0, 0, 0, 0, 13, 1), (3, 0, 0, 0, 0, 0, 131)])
    assert flattened.digit_splits(["5000005"], 7) == [(5, 0, 0, 0, 0, 0, 5)]
    assert flattened.digit_splits(["05"], 1) == []  # leading zero: no reading
    assert flattened.digit_splits(["431", "-262296626"], 3)[0][:2] == (431, -2)
    assert flattened.digit_splits(["1" * 40], 7) is None  # C(39, 6) splits: above the cap


@pytest.mark.parametrize("seed", sorted(SEED_FILES))
def test_flattened_never_knows_a_cell_the_plain_text_does_not(seed):
    """Flattening only loses cell boundaries: a cell the plain text cannot tell (003's （七）总计
    has 8 values for 7 columns) is unknown in the flattened text too — "30000000" splits into 7
    cells only as 30/0/…, but also into 8 with a surplus value, as the plain text shows it."""
    ref = parse_file(SEED_FILES[seed])
    rep = flat(f"seed:{seed}").report
    for name, table in rep.tables.items():
        for key, row in table.rows.items():
            for col, cell in row.cells.items():
                if cell.value is not None:
                    assert ref.tables[name].value(key, col) == cell.value, (seed, name, key, col)


def test_surplus_readings_only_widen_a_row_that_splits():
    assert set(flattened.run_readings(["30000000"], 7)) == {(30, 0, 0, 0, 0, 0, 0), (3, 0, 0, 0, 0, 0, 0),
                                                          (0, 0, 0, 0, 0, 0, 0)}
    assert flattened.run_readings(["5000005"], 7) == [(5, 0, 0, 0, 0, 0, 5)]  # 7 digits: no surplus
    assert flattened.run_readings(["0000001", "1"], 7) == []  # no 7-cell split: stays unknown


def test_capped_row_says_so_and_is_unknown():
    text = flatten(SEED_FILES["000"].read_text(encoding="utf-8"))
    text = text.replace("(七) 总计4000004", "(七) 总计" + "1" * 40, 1)
    assert "1" * 40 in text
    rep = _parse_flat(text)
    row = rep.t3.rows["total_processed"]
    assert all(c.value is None for c in row.cells.values())
    assert any(n.code == "table.flattened_cap" and "上限" in n.message for n in rep.parse_notes)


def test_flattened_003_still_reports_its_total_error():
    out = flat("seed:003")
    assert any(f.rule == "NAT-T3-COL" and f.severity == "error" for f in out.findings)


def _with_total(run: str):
    text = flatten(SEED_FILES["000"].read_text(encoding="utf-8"))
    assert text.count("(七) 总计4000004") == 1
    return audit_text(text.replace("(七) 总计4000004", "(七) 总计" + run))


def test_result_rows_above_the_total_under_every_split_is_an_error():
    # "2 0 0 0 0 123" reads 2/0/0/0/0/1/23 or 2/0/0/0/0/12/3, or (a surplus value dropped from
    # 2/0/0/0/0/1/2/3) 0/0/0/0/1/2/3 and the like: 自然人 (2 or 0) < 4 (the result rows) in all
    out = _with_total("2 0 0 0 0 123")
    row = out.report.t3.rows["total_processed"]
    assert {(2, 0, 0, 0, 0, 1, 23), (2, 0, 0, 0, 0, 12, 3), (0, 0, 0, 0, 1, 2, 3)} <= set(row.readings)
    assert {r[0] for r in row.readings} == {2, 0} and row.cells["total"].value is None
    assert any(f.rule == "NAT-T3-COL" and f.severity == "error" and f.location.get("column") == "natural"
               for f in out.findings)


def test_ambiguous_split_gives_no_totals_verdict():
    # Flattened 001: "一、本年新收" and "（七）总计" runs split two ways each; the report is right,
    # so no split may raise a totals error, and the checks that need unknown cells say why not.
    out = flat("seed:001")
    t3 = out.report.t3
    assert len(t3.rows["new"].readings) > 2 and len(t3.rows["total_processed"].readings) > 2
    assert any(c.value is None for c in t3.rows["total_processed"].cells.values())
    assert not {"NAT-T3-COL", "NAT-T3-ROW"} & out.fired
    assert any(s.rule == "NAT-T3-COL" for s in out.skipped)


@pytest.mark.parametrize("seed", sorted(SEED_FILES))
def test_no_new_error_on_flattened_seed(seed):
    before = {f.rule for f in plain(f"seed:{seed}").findings if f.severity == "error"}
    after = {f.rule for f in flat(f"seed:{seed}").findings if f.severity == "error"}
    assert after <= before, f"{seed}: new errors {after - before}"
    assert not any(f.rule in ("NAT-SEC-MISSING", "NAT-TBL-MISSING") for f in flat(f"seed:{seed}").findings)


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_flattened_variant_keeps_its_findings(name):
    # (with the installed plugins a regional rule may stand in for a national one, on both sides)
    expect = set(VARIANTS[name]["expect"]) & plain(name).fired - LOST.get(name, set())
    got = flat(name)
    assert expect <= got.fired, f"{name}: lost {expect - got.fired}"
    new_errors = {f.rule for f in got.findings if f.severity == "error"} - {
        f.rule for f in plain(name).findings if f.severity == "error"}
    assert not new_errors, f"{name}: new errors {new_errors}"


def test_lost_list_is_current():
    """Every LOST entry is a variant finding that really does not survive (so the list cannot rot)."""
    for name, rules in LOST.items():
        assert rules <= set(VARIANTS[name]["expect"]) & plain(name).fired, name
        assert not (rules & flat(name).fired), f"{name}: {rules & flat(name).fired} survives now; shorten LOST"


def test_unlocatable_headings_are_said_once_not_six_errors():
    text = flatten(SEED_FILES["000"].read_text(encoding="utf-8"))
    for title in ("一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
                  "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"):
        assert text.count(title) == 1
        text = text.replace(title, " ".join(title))  # "一 、 总 体 情 况": no longer a heading we can cut
    out = audit_text(text)
    assert out.report.structure_unreadable
    notes = [n for n in out.report.parse_notes if n.code == "layout.structure_unreadable"]
    assert len(notes) == 1
    assert not any(f.rule in ("NAT-SEC-MISSING", "NAT-TBL-MISSING", "NAT-TBL-ROWS") for f in out.findings)
    assert any(s.rule == "NAT-SEC-MISSING" and "行结构" in s.reason for s in out.skipped)
    assert not any(f.severity == "error" and f.category in ("section", "table") for f in out.findings)


def test_truly_absent_section_in_flattened_text_is_still_reported():
    out = flat("000-no-sec6")
    assert not out.report.structure_unreadable
    assert "NAT-SEC-MISSING" in out.fired
