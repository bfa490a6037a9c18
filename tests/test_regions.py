"""Region detection (core gazetteer + plugin hooks), --region, and which packs apply to which report."""
import json
from pathlib import Path

import pluggy
import pytest

from auditor.api import parse_file
from auditor.hookspecs import AuditorSpec
from auditor.plugins import LoadedPlugins
from auditor.regions import DOCUMENT_CITATION, ORGAN_NAME, TEXT_MENTION, RegionEvidence, decide
from conftest import SEEDS, seed_id
from test_config_cli import run

EXPECTED = {"000": ("ningxia", "固原"), "001": ("gansu", "景泰"), "002": ("ningxia", "红寺堡"),
            "003": ("ningxia", "兴庆区"), "004": ("ningxia", "吴忠")}


def core_only() -> LoadedPlugins:
    pm = pluggy.PluginManager("auditor")
    pm.add_hookspecs(AuditorSpec)
    return LoadedPlugins(pm)


@pytest.mark.parametrize("seed", SEEDS, ids=seed_id)
def test_plugins_detect_region_from_organ_name(seed, regional):
    rep = parse_file(seed)
    region, place = EXPECTED[seed_id(seed)]
    assert rep.region == region and place in rep.region_basis


def test_core_alone_knows_every_province_and_its_divisions(tmp_path):
    # 固原市 is a Ningxia city: the core's division table (GB/T 2260) knows it without any plugin.
    rep = parse_file(SEEDS[0], plugins=core_only())
    assert rep.region == "ningxia" and "固原" in rep.region_basis
    # A short name (红寺堡 for 红寺堡区) counts in the organ name …
    report = tmp_path / "r.txt"
    text = SEEDS[0].read_text(encoding="utf-8").replace("固原市人民政府办公室", "红寺堡教育局", 1)
    report.write_text(text, encoding="utf-8")
    assert parse_file(report, plugins=core_only()).region == "ningxia"
    # … and a place of another province in the organ name outweighs the body's mentions of 宁夏.
    report.write_text(text.replace("红寺堡教育局", "宝鸡市统计局", 1), encoding="utf-8")
    rep = parse_file(report, plugins=core_only())
    assert rep.region == "shaanxi" and "宝鸡" in rep.region_basis


def test_division_names_shared_by_two_provinces_are_not_evidence():
    from auditor.regions import division_places

    full, short = division_places("21")  # Liaoning has 朝阳市; Beijing has 朝阳区
    assert "朝阳市" in full and "朝阳" not in short
    _full_qh, short_qh = division_places("63")  # 海南藏族自治州 (Qinghai): "海南" is a province's name
    assert "海南" not in short_qh
    full_gs, short_gs = division_places("62")
    assert "景泰县" in full_gs and "景泰" not in short_gs  # two characters sit inside other words
    _f, short_nx = division_places("64")
    assert "红寺堡" in short_nx


def test_a_two_character_county_inside_a_word_is_no_evidence(tmp_path):
    # "示范县" contains Henan's 范县; the title's 陕西省 decides.
    report = tmp_path / "r.txt"
    report.write_text("陕西省示范县2024年政府信息公开工作年度报告\n一、总体情况\n", encoding="utf-8")
    rep = parse_file(report, plugins=core_only())
    assert rep.region == "shaanxi"
    report.write_text("某省示范县2024年政府信息公开工作年度报告\n一、总体情况\n", encoding="utf-8")
    assert parse_file(report, plugins=core_only()).region is None


def test_strongest_evidence_wins_and_ties_are_not_broken():
    organ = RegionEvidence("gansu", ORGAN_NAME, 1, "机关名称或标题含“兰州”")
    cites = RegionEvidence("ningxia", DOCUMENT_CITATION, 5, "正文引用“宁政办发”文件")
    assert decide([cites, organ])[0] == "gansu"
    region, _reason, note = decide([organ, RegionEvidence("ningxia", ORGAN_NAME, 1, "机关名称或标题含“银川”")])
    assert region is None and "无法确定所属地区" in note.message
    close = [RegionEvidence("gansu", TEXT_MENTION, 3, "a"), RegionEvidence("ningxia", TEXT_MENTION, 2, "b")]
    assert decide(close)[0] is None
    clear = [RegionEvidence("gansu", TEXT_MENTION, 9, "a"), RegionEvidence("ningxia", TEXT_MENTION, 2, "b")]
    assert decide(clear)[0] == "gansu"


def test_raising_region_hook_is_reported_and_parsing_goes_on():
    loaded = core_only()

    class Broken:
        @staticmethod
        def auditor_detect_region(report):
            raise RuntimeError("boom")

    class Ningxia:
        @staticmethod
        def auditor_detect_region(report):
            return RegionEvidence("ningxia", ORGAN_NAME, 1, "机关名称或标题含“固原”")

    loaded.manager.register(Broken, name="broken-region")
    loaded.manager.register(Ningxia, name="ningxia-like")
    rep = parse_file(SEEDS[0], plugins=loaded)
    assert rep.region == "ningxia"  # the other plugin's answer still counts
    assert any("broken-region" in e and "boom" in e for e in loaded.errors)


def test_each_report_lists_the_packs_applied(regional):
    r = run("check", *map(str, SEEDS), "--format", "json")
    packs = {Path(rep["source"]).name[:3]: rep["packs"] for rep in json.loads(r.stdout)["reports"]}
    assert packs == {"000": ["national", "ningxia"], "001": ["national", "gansu"], "002": ["national", "ningxia"],
                     "003": ["national", "ningxia"], "004": ["national", "ningxia"]}


def test_region_override_and_explicit_selection(regional):
    r = run("check", str(SEEDS[1]), "--format", "json", "--region", "ningxia")
    rep = json.loads(r.stdout)["reports"][0]
    assert rep["profile"]["region"] == "ningxia" and rep["packs"] == ["national", "ningxia"]
    # A regional rule selected by name applies to any report.
    r = run("check", str(SEEDS[1]), "--format", "json", "--select", "NX-GF-CITE")
    assert {f["rule"] for f in json.loads(r.stdout)["reports"][0]["findings"]} == {"NX-GF-CITE"}
    # Selected by ALL, it still keeps to its region.
    r = run("check", str(SEEDS[1]), "--format", "json", "--select", "ALL")
    assert not [f for f in json.loads(r.stdout)["reports"][0]["findings"] if f["rule"].startswith("NX-")]


def test_unknown_region_is_an_error():
    r = run("check", str(SEEDS[0]), "--region", "atlantis")
    assert r.returncode == 2 and "atlantis" in r.stderr and "Traceback" not in r.stderr


def test_plugins_command_lists_versions_and_counts(regional):
    r = run("plugins")
    assert r.returncode == 0
    lines = {ln.split()[0]: ln.split() for ln in r.stdout.splitlines()[1:]}
    counts = {p: sum(1 for x in regional if x.pack == p) for p in ("national", "ningxia", "gansu")}
    for name, dist in (("national", "gov-report-auditor"), ("ningxia", "auditor-ningxia"), ("gansu", "auditor-gansu")):
        assert lines[name][1] == dist and lines[name][2] == "0.1.0" and int(lines[name][4]) == counts[name]


def _region_from_all_evidence(rep, loaded):
    """Reference: the decision on every gazetteer's head-else-body evidence, no body search spared."""
    from auditor import regions

    evidence = regions.core_evidence(rep)
    for _name, answer in loaded.call("auditor_detect_region", report=rep):
        evidence += [ev for ev in (answer if isinstance(answer, (list, tuple)) else [answer])
                     if isinstance(ev, RegionEvidence)]
    region, basis, note = decide(evidence)
    return region, basis, note.message if note else None


@pytest.mark.parametrize("head, body", [
    ("固原市人民政府办公室", ""),  # Ningxia organ
    ("固原市人民政府办公室", "依据甘政办发〔2024〕1号。甘肃省兰州市、甘肃省天水市有关工作。"),  # + Gansu body
    ("某局", "依据甘政办发〔2024〕1号。甘肃省兰州市、甘肃省天水市有关工作。"),  # body alone decides
    ("兰州市银川路街道办事处", "宁夏回族自治区、宁夏回族自治区。"),  # Gansu and Ningxia heads: a tie
    ("某局", ""),  # no evidence at all
])
def test_skipping_moot_body_searches_decides_as_all_evidence_would(tmp_path, monkeypatch, regional, head, body):
    """With organ-name evidence found by the core, the plugins' gazetteers do not search the body
    (a lower tier cannot win or tie); the region, its basis and any tie note are those of all the
    evidence."""
    from auditor import regions
    from auditor.plugins import default_plugins

    text = SEEDS[0].read_text(encoding="utf-8").replace("固原市人民政府办公室", head, 1)
    report = tmp_path / "r.txt"
    report.write_text(text.replace("一、总体情况", "一、总体情况\n" + body, 1), encoding="utf-8")
    searched = []
    real_body = regions.Gazetteer.body_evidence
    monkeypatch.setattr(regions.Gazetteer, "body_evidence",
                        lambda self, rep: searched.append(self.region) or real_body(self, rep))
    rep = parse_file(report)
    if head == "固原市人民政府办公室":
        assert searched == []  # neither the core's nor the plugins' gazetteers read the body
    note = next((n.message for n in rep.parse_notes if n.code == "profile.region"), None)
    assert (rep.region, rep.region_basis, note) == _region_from_all_evidence(rep, default_plugins())
