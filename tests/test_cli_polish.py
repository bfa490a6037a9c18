"""Issue 16, the rest: what a careful first user of `auditor` and a new plugin author trip over.

Each test names the item it covers; each fails on the code before the fix (see the comments)."""
import json
import os
import re
import subprocess
import sys
import types

import jsonschema
import pytest
from typer.testing import CliRunner

from auditor.resources import schema
from conftest import ROOT, SEEDS

runner = CliRunner()


def run(*args, cwd=None):
    env = dict(os.environ, NO_COLOR="1")
    return subprocess.run([sys.executable, "-m", "auditor.cli", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd or ROOT, env=env, timeout=180)


def cli(*args):
    from auditor.cli import app

    return runner.invoke(app, [str(a) for a in args])


# --- fake plugins (entry points added in-process) ----------------------------------------------

def _add_plugin(monkeypatch, name, module):
    import auditor.plugins as plugins

    class EP:
        dist = None

        def __init__(self):
            self.name = name

        def load(self):
            return module

    real = plugins.entry_points
    monkeypatch.setattr(plugins, "entry_points", lambda group: [*real(group=group), EP()])


@pytest.fixture
def broken_pack(monkeypatch, tmp_path):
    """A plugin whose pack fails validation (a rule without [rule.doc])."""
    from auditor.plugin import hookimpl

    pack = tmp_path / "rules.toml"
    pack.write_text('[pack]\nname = "demo"\n[[rule]]\nid = "DM-X"\nname = "x"\nseverity = "info"\n'
                    'category = "text"\nsummary = "x"\nbasis = "x"\nkind = "phrase_required"\n'
                    '[rule.params]\npattern = "x"\n', encoding="utf-8")
    mod = types.ModuleType("auditor_demo_broken")
    mod.auditor_rule_packs = hookimpl(lambda: [str(pack)])
    _add_plugin(monkeypatch, "demo", mod)
    return "插件“demo”的规则包无法加载"


# --- item 1: an unreadable file is reported once ------------------------------------------------

def test_unreadable_file_is_reported_once_on_stderr(tmp_path):
    missing = tmp_path / "没有这个文件.txt"
    r = run("check", SEEDS[0], missing)
    assert r.returncode == 2
    # Before: "✗ path: 文件不存在" on stdout and "auditor: path: 文件不存在" on stderr.
    assert (r.stdout + r.stderr).count("文件不存在") == 1 and "文件不存在" in r.stderr
    assert r.stdout.rstrip().splitlines()[-1].endswith(f"；1 份无法读取（{missing}）")
    j = run("check", SEEDS[0], missing, "-f", "json")
    doc = json.loads(j.stdout)
    assert doc["summary"]["unreadable"] == 1 and j.stderr.count("文件不存在") == 1
    assert [rep["error"] for rep in doc["reports"] if rep["error"]] == ["文件不存在"]


# --- item 2: a pack that fails to load shows in every output format -----------------------------

def test_load_problem_in_every_output_format(broken_pack, tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "out"
    out.mkdir()
    # Two reports: the cross-report step holds records back, the JSONL stream must still say it.
    r = cli("check", SEEDS[0], SEEDS[1], "-f", "text,json,jsonl,xlsx,html", "--output-dir", out, "-q", "-j", "1")
    assert r.exit_code == 2
    text = (out / "auditor-results.txt").read_text(encoding="utf-8")
    assert text.startswith("！有插件或规则包未能加载") and broken_pack in text.splitlines()[1]
    assert text.rstrip().splitlines()[-1].endswith("；1 个插件或规则包未能加载")
    doc = json.loads((out / "auditor-results.json").read_text(encoding="utf-8"))
    jsonschema.validate(doc, schema("findings.schema.json"))
    assert len(doc["load_problems"]) == 1 and broken_pack in doc["load_problems"][0]
    assert doc["summary"]["load_problems"] == 1
    recs = [json.loads(ln) for ln in (out / "auditor-results.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(recs) == 2 and all(rec["load_problems"] == doc["load_problems"] for rec in recs)
    ws = load_workbook(out / "auditor-results.xlsx")["汇总"]
    head = [c.value for c in ws[1]]
    for row in (2, 3):
        assert broken_pack in ws.cell(row, head.index("未能加载的插件或规则包") + 1).value
    html = (out / "auditor-results.html").read_text(encoding="utf-8")
    assert 'id="load-problems"' in html and "插件“demo”的规则包无法加载" in html


def test_no_load_problem_no_notice(tmp_path):
    r = cli("check", SEEDS[0], "-f", "json")
    doc = json.loads(r.stdout)
    assert doc["load_problems"] == [] and "load_problems" not in doc["reports"][0]


# --- item 3: no internal codes in what users read -----------------------------------------------

CODES = re.compile(r"township|gov_office|gov_county_plus|department|\b(?:made|published|total_public|prev|delta|"
                   r"decisions|issued|repealed|valid|count|amount)=|/mixed|\bmixed\b|\b(?:natural|commercial|research|"
                   r"social|legal)\b|(?:ningxia|gansu)(?!（)")


def user_text(out: str) -> str:
    """Output without the file paths (a seed's name is no code)."""
    return "\n".join(ln for ln in out.splitlines() if "sample_reports/" not in ln and "文件：" not in ln)


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name[:3])
def test_parse_and_show_skipped_speak_chinese(seed, regional):
    for args in (["parse", seed], ["check", seed, "--show-skipped"]):
        r = run(*args)
        found = sorted({m.group() for m in CODES.finditer(user_text(r.stdout))})
        assert found == [], (args[0], found)  # before: "gov_office", "ningxia", "made=", "2021/mixed"


def test_explain_speaks_chinese(regional):
    for rule in regional:
        out = cli("explain", rule.id).stdout
        assert not CODES.search(out.split("\n", 1)[1]), (rule.id, CODES.search(out).group())
    assert "规则包：ningxia（宁夏）" in cli("explain", "NX-GF-CITE").stdout


def test_skip_reasons_name_template_and_organ_kind():
    from auditor.engine.rules import Rule
    from auditor.model import Report

    rule = Rule("X", "x", "p", "info", "text", "", "", {}, None, templates=("2021", "mixed"),
                organ_kinds=("gov_county_plus",))
    rep = Report(source="x", kind="txt", lines=[])
    rep.template, rep.organ_kind = "2019", "township"
    assert rule.applies(rep) == "仅适用于 2021 年版格式或新旧格式混用的报告（本报告：2019 年版格式）"
    rep.template = "2021"
    assert rule.applies(rep) == "仅适用于县级以上人民政府的报告（本报告：乡镇、街道）"


# --- item 4: --show-skipped lists the packs skipped for region ----------------------------------

def test_show_skipped_lists_packs_skipped_for_region(regional):
    r = run("check", SEEDS[0], "--show-skipped")
    assert "[规则包] 已应用：national（全国）、ningxia（宁夏）" in r.stdout
    assert "未应用 gansu（甘肃）：只用于甘肃的报告；本报告识别为宁夏（机关名称或标题含“固原市”）" in r.stdout
    doc = json.loads(run("check", SEEDS[0], "--show-skipped", "-f", "json").stdout)
    assert doc["reports"][0]["packs_skipped"] == [
        {"pack": "gansu", "region": "ningxia", "reason": "只用于甘肃的报告；本报告识别为宁夏（机关名称或标题含“固原市”）"}]
    assert "packs_skipped" not in json.loads(run("check", SEEDS[0], "-f", "json").stdout)["reports"][0]


# --- item 5: a clean report in two lines, organ · year first --------------------------------------

def test_clean_report_reads_like_a_finished_tool(regional):
    r = run("check", SEEDS[0], "--select", "NAT-T3")
    assert r.returncode == 0
    assert r.stdout.splitlines() == [
        "✓ 固原市人民政府办公室 · 2020 年度：未发现问题",
        f"  {SEEDS[0]}（政府办公室（厅），宁夏，2019 年版格式）",
        "",
        "共审查 1 份报告：错误 0，警告 0，提示 0",
    ]


def test_report_with_findings_header(regional):
    lines = run("check", SEEDS[3]).stdout.splitlines()
    assert lines[0] == "■ 兴庆区掌政镇 · 2020 年度：错误 2，警告 3，提示 12"
    assert lines[1] == f"  {SEEDS[3]}（乡镇、街道，宁夏，2019 年版格式）" and lines[2] == "  [错误]"


def test_own_text_output_still_recognised(tmp_path):
    from auditor.batch import is_own_output

    out = tmp_path / "结果.txt"
    assert run("check", SEEDS[0], "--select", "NAT-T3", "-o", out).returncode == 0
    assert is_own_output(out)
    only_bad = tmp_path / "坏.txt"
    run("check", tmp_path / "没有.txt", "-o", only_bad)
    assert only_bad.read_text(encoding="utf-8").startswith("共审查 1 份报告") and is_own_output(only_bad)


# --- item 6: parse-uncertainty evidence shows the row as read -----------------------------------

def test_parse_unsure_evidence_is_the_row_as_read():
    doc = json.loads(run("check", SEEDS[2], "-f", "json").stdout)
    f = next(f for f in doc["reports"][0]["findings"] if f["rule"] == "NAT-PARSE-UNSURE" and f["location"]["line"] == 44)
    # Before: "1 1 | (二)部分 计其他情形 | 公开(区分处理的, 只计这一情形, 不) | 2 | 0 | …"
    assert f["evidence"][0]["text"] == "表三行“（二）部分公开”：读到 7 个数值 2、0、0、0、0、0、2"
    doc = json.loads(run("check", SEEDS[3], "-f", "json").stdout)
    texts = [f["evidence"][0]["text"] for f in doc["reports"][0]["findings"] if f["rule"] == "NAT-PARSE-UNSURE"]
    assert "表三行“（七）总计”：读到 8 个数值 3、0、0、0、0、0、0、0，表格应有 7 列" in texts
    assert not any("|" in t for t in texts)


# --- item 7: misspelt hook names and a missing @hookimpl are reported ----------------------------

def test_misspelt_hook_and_missing_hookimpl_are_reported(monkeypatch):
    from auditor.plugin import hookimpl

    mod = types.ModuleType("auditor_typo")
    mod.auditor_rule_pack = hookimpl(lambda: [])  # misspelt: auditor_rule_packs

    def auditor_detect_region(report):  # no @hookimpl
        return None

    mod.auditor_detect_region = auditor_detect_region
    _add_plugin(monkeypatch, "typo", mod)
    p = cli("plugins")
    assert p.exit_code == 2
    assert "插件“typo”的函数 auditor_rule_pack 不是 auditor 的钩子，不会被调用（是否应为 auditor_rule_packs？）" in p.stdout
    assert "插件“typo”的钩子函数 auditor_detect_region 缺少 @hookimpl 标记" in p.stdout
    c = cli("check", SEEDS[0], "-f", "json")
    assert c.exit_code == 2 and "auditor_rule_pack" in c.stderr
    assert any("typo" in e for e in json.loads(c.stdout)["load_problems"])


def test_hooks_of_an_object_plugin_are_checked_too(monkeypatch):
    """A plugin object (not a module) with a marked method pluggy cannot match (check_pending)."""
    from auditor.plugin import hookimpl

    class Typo:
        @hookimpl
        def auditor_claim_grammar(self):
            return None

    _add_plugin(monkeypatch, "typo2", Typo())
    from auditor.plugins import load_plugins

    errors = [e for e in load_plugins().errors if "typo2" in e]
    assert errors == ["插件“typo2”的函数 auditor_claim_grammar 不是 auditor 的钩子，不会被调用"
                      "（是否应为 auditor_claims_grammar？）"]


def test_hook_with_wrong_arguments_is_a_chinese_error(monkeypatch):
    from auditor.plugin import hookimpl

    mod = types.ModuleType("auditor_args")
    mod.auditor_detect_region = hookimpl(lambda doc: None)  # the spec's argument is `report`
    _add_plugin(monkeypatch, "args", mod)
    from auditor.plugins import load_plugins

    errors = [e for e in load_plugins().errors if "args" in e]
    assert errors == ["插件“args”加载失败：钩子 auditor_detect_region 的参数与 auditor 的定义不符（见 auditor.hookspecs）"]


# --- item 8: select by verification status --------------------------------------------------------

def test_select_by_status_through_the_one_resolver(tmp_path, regional):
    from auditor.findings import STATUS_TAG

    by_id = {r.id: STATUS_TAG.get(r.status or "") for r in regional}
    for sel in ("status:verified", "status:已核实", "已核实"):
        r = cli("rules", sel)
        ids = {ln.split()[0] for ln in r.stdout.splitlines()[:-1]}
        assert r.exit_code == 0 and ids == {i for i, s in by_id.items() if s == "verified"}, sel
    (tmp_path / "auditor.toml").write_text('select = ["status:inferred"]\nfail-on = "never"\n', encoding="utf-8")
    doc = json.loads(run("check", SEEDS[3], "-f", "json", cwd=tmp_path).stdout)
    got = {f["rule"] for f in doc["reports"][0]["findings"]}
    assert got and all(by_id[i] == "inferred" for i in got)  # before: "不匹配任何规则", exit 2
    bad = run("check", SEEDS[0], "--select", "status:maybe")
    assert bad.returncode == 2 and "依据可信度只能是 status:verified（已核实）" in bad.stderr


def test_status_selector_does_not_apply_regional_packs_everywhere(regional):
    """status: selects a kind of rule, like a category: a regional pack still needs its region."""
    doc = json.loads(run("check", SEEDS[1], "-f", "json", "--select", "status:verified").stdout)
    assert "ningxia" not in doc["reports"][0]["packs"]


# --- item 9: the README's extension list is the readers' list -------------------------------------

def test_readme_extensions_are_the_readers():
    from auditor.batch import extension_list

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    exts, explicit = extension_list(), extension_list(explicit=True)
    wanted = [f"（{exts}；{explicit} 只在直接指定时读取，文件夹中的不自动审查）", f"目录下的 {exts} 全部审查"]
    for w in wanted:
        assert w in readme, f"README.md 应写作：{w}"
    assert "目录中没有可审查的报告文件（" + exts + "）" in run("check", ROOT / "docs").stderr


def test_web_file_chooser_offers_the_readers_extensions():
    from auditor.ingest import SUPPORTED
    from auditor.render.html import _env

    page = _env().get_template("upload.html.j2").render(title="自查", csrf="x", regions={}, max_mb="50 MB",
                                                        static_prefix="/static", nonce=None, css="")
    assert f'accept="{",".join(SUPPORTED)}"' in page and " ".join(SUPPORTED) in page


def test_parse_reports_a_parser_defect_in_one_line(monkeypatch):
    """`auditor parse` meets a parser defect as `check` does: the file and the exception in one
    Chinese line, exit 2, no traceback."""
    import auditor.api

    def broken(*_a, **_k):
        raise ValueError("max() arg is an empty sequence")

    monkeypatch.setattr(auditor.api, "parse_file", broken)
    result = cli("parse", SEEDS[0])
    assert result.exit_code == 2
    assert "解析时发生内部错误（ValueError: max() arg is an empty sequence），请报告此问题" in result.output
    assert "Traceback" not in result.output and not isinstance(result.exception, ValueError)
