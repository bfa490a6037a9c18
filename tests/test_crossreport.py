"""Cross-report rules: rule cases as data (tools/series.py CROSS_CASES), a meta-test that every
batch rule has a firing and a silent case, identity, similarity, history and the CLI."""
import json
import subprocess
import sys

import pytest

from tools.series import CROSS_CASES, SETS, write_set


@pytest.fixture(scope="session")
def set_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("cross_sets")
    cache = {}

    def get(name):
        if name not in cache:
            cache[name] = write_set(name, root)
        return cache[name]
    return get


@pytest.fixture(scope="session")
def batch_outcome(set_dir):
    from auditor.testing import audit_batch

    cache = {}

    def run(name):
        if name not in cache:
            d = set_dir(name)
            cache[name] = audit_batch(sorted(d.iterdir()))
        return cache[name]
    return run


def _by_name(outcomes, fname):
    return next(o for src, o in outcomes.items() if src.endswith("/" + fname))


@pytest.mark.parametrize("case", CROSS_CASES, ids=[c["name"] for c in CROSS_CASES])
def test_cross_case(case, batch_outcome):
    outcomes = batch_outcome(case["set"])
    problems = []
    for rule, files in case["fires"].items():
        for f in files:
            o = _by_name(outcomes, f)
            if rule not in o.fired:
                why = next((s.reason for s in o.skipped if s.rule == rule), "没有发现问题")
                problems.append(f"{rule} should fire on {f}: {why}")
    for rule, files in case["silent"].items():
        for f in files:
            o = _by_name(outcomes, f)
            if rule in o.fired:
                problems.append(f"{rule} should be silent on {f}: {next(x.message for x in o.findings if x.rule == rule)}")
            skipped = [s.reason for s in o.skipped if s.rule == rule]
            if skipped:
                problems.append(f"{rule} was not assessed on {f}: {skipped[0]}")
    assert not problems, "\n".join(problems)


def test_every_batch_rule_has_cases_and_doc(rules):
    batch = [r for r in rules if r.scope == "batch"]
    assert len(batch) >= 8
    fires = {r for c in CROSS_CASES for r in c["fires"]}
    silent = {r for c in CROSS_CASES for r in c["silent"]}
    for r in batch:
        assert r.category == "cross-report"
        assert r.id in fires, f"{r.id} has no firing case"
        assert r.id in silent, f"{r.id} has no silent case"
        for k in ("问题", "依据", "反例", "正例"):
            assert len(r.doc.get(k, "")) >= 2
    assert fires | silent <= {r.id for r in batch}, "cases for rules that do not exist"


def test_findings_point_at_both_reports(batch_outcome):
    o = _by_name(batch_outcome("series-faulty"), "2022_红寺堡区政府办公室.txt")
    f = next(x for x in o.findings if x.rule == "NAT-X-T3-CARRY")
    assert f.location["line"] == 42 and f.location["row"] == "carried"
    (rel,) = f.related
    assert rel["source"].endswith("2021_红寺堡区政府办公室.txt") and rel["year"] == 2021 and rel["line"] == 65
    assert rel["cells"][0]["value"] == 1
    copy = next(x for x in _by_name(batch_outcome("series-faulty"), "2023_红寺堡区政府办公室.txt").findings
                if x.rule == "NAT-X-COPY-PREV")
    assert {(e["line"], e["other_line"]) for e in copy.evidence} == {(76, 76), (78, 78)}


def test_per_report_audit_ignores_batch_rules(rules):
    from auditor.testing import audit_file
    from tools.series import series
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as tmp:
        p = Path(tmp) / "a.txt"
        p.write_text(series(True)["2022_红寺堡区政府办公室.txt"], encoding="utf-8")
        out = audit_file(p)
    assert not any(f.rule.startswith("NAT-X-") for f in out.findings)
    assert not any(s.rule.startswith("NAT-X-") for s in out.skipped)


def test_organ_identity():
    from auditor.crossreport.identity import match, organ_key, place_name

    assert organ_key("关于银川市兴庆区掌政镇人民政府2021年度的") == organ_key("银川市兴庆区掌政镇人民政府")
    assert organ_key("固原市人民政府办公厅（本级）") == organ_key("固原市人民政府办公室")
    assert place_name("银川市兴庆区掌政镇人民政府") == "掌政镇"
    assert place_name("景泰县财政局") is None
    cands = {organ_key("银川市兴庆区掌政镇人民政府"): ["a"]}
    assert match(organ_key("兴庆区掌政镇人民政府"), cands) == (["a"], None)
    two = {organ_key("银川市兴庆区掌政镇人民政府"): ["a"], organ_key("石嘴山市兴庆区掌政镇人民政府"): ["b"]}
    docs, reason = match(organ_key("兴庆区掌政镇人民政府"), two)
    assert docs == [] and "多个机关" in reason


def test_ambiguous_organ_is_not_compared_and_says_why(tmp_path):
    from auditor.testing import audit_batch
    from tools.series import series

    texts = series(True)
    for fname, text in texts.items():
        (tmp_path / fname).write_text(text, encoding="utf-8")
    # a second 2021 report of the same organ: which one is "last year's" is ambiguous
    (tmp_path / "2021_copy.txt").write_text(texts["2021_红寺堡区政府办公室.txt"], encoding="utf-8")
    out = audit_batch(sorted(tmp_path.iterdir()))
    o = _by_name(out, "2022_红寺堡区政府办公室.txt")
    assert "NAT-X-T3-CARRY" not in o.fired
    assert any(s.rule == "NAT-X-T3-CARRY" and "无法确定与哪一份比较" in s.reason for s in o.skipped)


def test_similarity_index_finds_copies_without_all_pairs():
    from auditor.crossreport.similarity import ShingleIndex, jaccard, normalize, sample, shingles

    base = "本机关认真落实政府信息公开条例，持续加大公开力度，规范依申请公开办理流程，按时答复每一件申请。" * 3
    texts = [base.replace("本机关", f"第{i}机关") + f"独有的内容{i}" * 5 for i in range(3)]
    texts.append("完全不同的一段文字，讲述政务新媒体的管理、网站栏目的维护和公开专区的建设情况。" * 3)
    idx = ShingleIndex()
    sh = [shingles(normalize(t)) for t in texts]
    for i, s in enumerate(sh):
        idx.add(i, sample(s))
    pairs = idx.candidates(min_ratio=0.5)
    assert (0, 1) in pairs and all(3 not in p for p in pairs)
    assert jaccard(sh[0], sh[1]) > 0.6 and jaccard(sh[0], sh[3]) < 0.1


def test_cli_history_from_folder_and_json(set_dir, tmp_path):
    d = set_dir("series-faulty")
    files = sorted(d.iterdir())
    hist = tmp_path / "hist"
    hist.mkdir()
    (hist / files[0].name).write_bytes(files[0].read_bytes())
    exe = [sys.executable, "-m", "auditor.cli"]
    # this year's report alone, last year's from a folder
    r = subprocess.run(exe + ["check", str(files[1]), "--select", "NAT-X", "--history", str(hist), "-f", "json"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert [f["rule"] for f in doc["reports"][0]["findings"]] == ["NAT-X-T3-CARRY"] * 2
    assert len(doc["reports"]) == 1  # history is not audited
    import jsonschema
    from auditor.resources import schema
    jsonschema.validate(doc, schema("findings.schema.json"))
    # last year's JSON output (with tables) serves as history too
    out = tmp_path / "2021.json"
    r = subprocess.run(exe + ["check", str(files[0]), "-f", "json", "--with-tables", "-o", str(out), "--fail-on", "never"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    r = subprocess.run(exe + ["check", str(files[1]), "--select", "NAT-X", "--history", str(out)],
                       capture_output=True, text=True)
    assert r.returncode == 0 and "NAT-X-T3-CARRY" in r.stdout and "↔" in r.stdout, r.stdout + r.stderr
    # JSON without tables: a clear message, the run goes on
    bare = tmp_path / "bare.json"
    subprocess.run(exe + ["check", str(files[0]), "-f", "json", "-o", str(bare), "--fail-on", "never"])
    r = subprocess.run(exe + ["check", str(files[1]), "--select", "NAT-X", "--history", str(bare), "--show-skipped"],
                       capture_output=True, text=True)
    assert r.returncode == 0 and "--with-tables" in r.stderr and "NAT-X-T3-CARRY" in r.stdout
    r = subprocess.run(exe + ["check", str(files[1]), "--history", str(tmp_path / "nope")], capture_output=True, text=True)
    assert r.returncode == 2 and "不存在" in r.stderr
    # a damaged history file: a clear message, never a traceback
    data = json.loads(out.read_text(encoding="utf-8"))
    data["reports"][0]["cross"]["tables"] = "x"
    out.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    r = subprocess.run(exe + ["check", str(files[1]), "--select", "NAT-X", "--history", str(out)], capture_output=True, text=True)
    assert r.returncode == 0 and "格式无效" in r.stderr and "Traceback" not in r.stderr
    (tmp_path / "bad.json").write_text("{", encoding="utf-8")
    r = subprocess.run(exe + ["check", str(files[1]), "--history", str(tmp_path / "bad.json")], capture_output=True, text=True)
    assert r.returncode == 2 and "JSON" in r.stderr and "Traceback" not in r.stderr


def test_config_threshold_and_severity(batch_outcome, set_dir, tmp_path):
    from auditor.config import Config, resolve
    from auditor.plugins import default_plugins
    from auditor import batch, crossreport

    loaded = default_plugins()
    files = sorted(set_dir("series-faulty").iterdir())
    results = [batch.audit_file(f, [], Config(), loaded) for f in files]
    cfg = Config(select=["NAT-X-COPY-PREV"], severity={"NAT-X-COPY-PREV": "error"}, cross={"copy-threshold": 1.01})
    rules = resolve(loaded.rules, cfg)
    out = crossreport.run(results, rules, cfg)
    assert not any(getattr(o, "severity", None) for v in out.values() for o in v)
    cfg.cross = {}
    out = crossreport.run(results, rules, cfg)
    sev = [o.severity for v in out.values() for o in v if hasattr(o, "severity")]
    assert sev == ["error"]
    cfg = Config(ignore=["cross-report"])
    assert crossreport.run(results, resolve(loaded.rules, cfg), cfg) == {}


def test_parent_named_without_prefix_is_not_a_foreign_organ(tmp_path):
    """A township whose name lacks its county names the county government: normal, not a copy."""
    from auditor.testing import audit_batch
    from tools.series import _report

    (tmp_path / "county.txt").write_text(_report(2022, "红寺堡区人民政府"), encoding="utf-8")
    lines = _report(2022, "大河乡人民政府", new=6).split("\n")
    lines[6] = "2022年,红寺堡区人民政府统一部署,持续加大公开力度,有序增加公开深度。"  # 一、's first paragraph
    town = "\n".join(lines)
    (tmp_path / "town.txt").write_text(town, encoding="utf-8")
    out = audit_batch(sorted(tmp_path.iterdir()))
    o = _by_name(out, "town.txt")
    assert "NAT-X-ORGAN-NAME" not in o.fired


def test_batch_runner_adds_cross_findings_to_every_output(set_dir, tmp_path):
    """`auditor check FOLDER` (the batch runner, in parallel) runs the cross-report rules: the
    planted chain break is in the JSON, the streamed JSONL (rewritten at the end) and the text."""
    folder = set_dir("series-faulty")
    jsonl, js = tmp_path / "r.jsonl", tmp_path / "r.json"
    r = subprocess.run([sys.executable, "-m", "auditor.cli", "check", str(folder), "-j", "2", "-f", "jsonl,json,text",
                        "-o", str(jsonl), "-o", str(js), "--fail-on", "never"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    rules_in = lambda reports: {f["rule"] for rep in reports for f in rep["findings"]}  # noqa: E731
    from_json = json.loads(js.read_text(encoding="utf-8"))["reports"]
    from_jsonl = [json.loads(ln) for ln in jsonl.read_text(encoding="utf-8").splitlines()]
    assert "NAT-X-T3-CARRY" in rules_in(from_json) and "NAT-X-T3-CARRY" in rules_in(from_jsonl)
    assert "NAT-X-T3-CARRY" in r.stdout and "↔" in r.stdout
    assert all("cross" not in rep for rep in from_json)  # only with --with-tables


def test_finding_on_the_other_reports_ocr_text_says_so_in_every_output(set_dir, tmp_path):
    """Last year's report read by OCR: this year's cross-report finding that cites its cells is
    marked in text, JSON, CSV and HTML (and the related entry says which side was OCR'd); one that
    cites only text-layer lines is not."""
    from typer.testing import CliRunner

    import jsonschema
    from auditor.api import parse_file
    from auditor.cli import app
    from auditor.crossreport.doc import CrossDoc, to_cross_data
    from auditor.render.record import OCR_MARK
    from auditor.resources import schema

    files = sorted(set_dir("series-faulty").iterdir())
    runner = CliRunner()
    hist = tmp_path / "2021.json"
    r = runner.invoke(app, ["check", str(files[0]), "-f", "json", "--with-tables", "-o", str(hist), "--fail-on", "never"])
    assert r.exit_code == 0, r.output
    last_year = parse_file(files[0])
    carried_forward = last_year.tables["t3"].rows["carried_forward"].line

    def audit_with_ocr_lines(lines, out):
        """This year's audit against last year's JSON, its OCR'd `lines` as a scan would give them."""
        last_year.mark_ocr([2], lines)
        cross = to_cross_data(last_year)
        assert CrossDoc.from_data(str(files[0]), cross).ocr == CrossDoc.from_report(last_year).ocr == last_year.ocr_info
        data = json.loads(hist.read_text(encoding="utf-8"))
        data["reports"][0]["cross"] = cross
        (tmp_path / "hist.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        out.mkdir()
        r = runner.invoke(app, ["check", str(files[1]), "--select", "NAT-X-T3-CARRY", "--history",
                                str(tmp_path / "hist.json"), "-f", "text,json,csv,html", "--output-dir", str(out)])
        assert r.exit_code == 0, r.output
        doc = json.loads((out / "auditor-results.json").read_text(encoding="utf-8"))
        jsonschema.validate(doc, schema("findings.schema.json"))
        findings = doc["reports"][0]["findings"]
        assert [f["rule"] for f in findings] == ["NAT-X-T3-CARRY"] * 2
        return findings, {ext: (out / f"auditor-results.{ext}").read_text(encoding="utf-8-sig")
                          for ext in ("txt", "csv", "html")}

    findings, outputs = audit_with_ocr_lines([carried_forward], tmp_path / "ocr")
    assert all(f["ocr"] is True and f["related"][0]["ocr"] is True for f in findings)
    assert "ocr" not in json.loads((tmp_path / "ocr" / "auditor-results.json").read_text(encoding="utf-8"))["reports"][0]
    assert OCR_MARK in outputs["txt"] and OCR_MARK in outputs["html"] and "是：据文字识别" in outputs["csv"]

    findings, outputs = audit_with_ocr_lines([carried_forward + 1], tmp_path / "text")
    assert not any("ocr" in f or "ocr" in f["related"][0] for f in findings)
    assert OCR_MARK not in outputs["txt"] + outputs["html"] and "文字识别" not in outputs["csv"].split("\n", 1)[1]
