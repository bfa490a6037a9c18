"""Every 表二/表三/表四 cell of the five seeds equals a golden file verified by hand against the text."""
import json
from pathlib import Path

import jsonschema
import pytest

from auditor.api import parse_file
from auditor.resources import schema
from conftest import ROOT, SEEDS, seed_id

GOLDEN = ROOT / "tests" / "golden" / "parse"


def model(path: Path) -> dict:
    d = parse_file(path).to_dict()
    d["source"] = path.name
    # The province depends on which regional plugins are installed: tested in test_regions.py.
    d.pop("region"), d.pop("region_basis")
    return d


@pytest.mark.parametrize("seed", SEEDS, ids=seed_id)
def test_parse_matches_golden(seed):
    golden = json.loads((GOLDEN / f"{seed.stem}.json").read_text(encoding="utf-8"))
    assert model(seed) == golden


@pytest.mark.parametrize("seed", SEEDS, ids=seed_id)
def test_parse_output_validates_against_schema(seed):
    jsonschema.validate(parse_file(seed).to_dict(), schema("report.schema.json"))


@pytest.mark.parametrize("seed", SEEDS, ids=seed_id)
def test_six_sections_found(seed):
    rep = parse_file(seed)
    assert [s.number for s in rep.sections] == [1, 2, 3, 4, 5, 6]


EXPECTED_PROFILE = {
    "000": ("固原市人民政府办公室", 2020, "gov_office", "2019"),
    "001": ("景泰县", 2020, "gov_county_plus", "2019"),
    "002": ("红寺堡区人民政府办公室", 2022, "gov_office", "2021"),
    "003": ("兴庆区掌政镇", 2020, "township", "2019"),
    "004": ("吴忠市人民政府办公室", 2020, "gov_office", "2019"),
}


@pytest.mark.parametrize("seed", SEEDS, ids=seed_id)
def test_profile(seed):
    rep = parse_file(seed)
    assert (rep.organ, rep.year, rep.organ_kind, rep.template) == EXPECTED_PROFILE[seed_id(seed)]


def test_variant_section_titles():
    rep = parse_file(SEEDS[1])  # "[bookmark: _GoBack]六、其他需要报告的事项"
    assert rep.section(6).line == 641
    rep = parse_file(SEEDS[4])  # "五、政府信息公开工作存在的主要问题及改进情况"
    assert rep.section(5).title.startswith("五、政府信息公开工作存在")


def test_undetermined_cells_are_null_never_guessed():
    t3 = parse_file(SEEDS[2]).t3  # 002: 自然人 blank in 二 and （一）, by tab position
    assert t3.rows["carried"].cells["natural"].value is None
    assert t3.rows["carried"].cells["natural"].raw == ""
    assert t3.rows["granted"].cells["total"].value == 0
    t3 = parse_file(SEEDS[3]).t3  # 003: 6- and 8-value rows
    assert all(c.value is None for c in t3.rows["granted"].cells.values())
    assert t3.rows["granted"].ambiguous
    tp = t3.rows["total_processed"]
    assert tp.cells["natural"].value is None  # 3 or 0 depending on the reading
    assert tp.cells["total"].value == 0  # 0 in every reading
    assert tp.raw_values == ["3", "0", "0", "0", "0", "0", "0", "0"]


def test_signed_and_unit_values_kept_as_printed():
    t2 = parse_file(SEEDS[1]).t2
    assert t2.rows["art20_5.license"].cells["delta"].raw == "+23"
    assert t2.rows["art20_5.other_services"].cells["delta"].value == -262
    proc = t2.rows["art20_9.procurement"].cells["amount"]
    assert (proc.value, proc.raw) == (24575.93, "24575.93万")
