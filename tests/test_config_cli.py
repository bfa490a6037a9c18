"""Configuration (select / extend-select / ignore / severity / per-file-ignores / fail-on) and the CLI."""
import json
import os
import subprocess
import sys

import pytest

from conftest import ROOT, SEEDS

S003 = str(SEEDS[3])


def run(*args, cwd=None):
    env = dict(os.environ, NO_COLOR="1")
    return subprocess.run([sys.executable, "-m", "auditor.cli", *args], capture_output=True, text=True,
                          cwd=cwd or ROOT, env=env, timeout=120)


def rules_in(stdout):
    return {f["rule"] for r in json.loads(stdout)["reports"] for f in r["findings"]}


def test_select_and_ignore_on_command_line():
    r = run("check", S003, "--format", "json", "--select", "NAT-T3")
    assert rules_in(r.stdout) == {"NAT-T3-COL", "NAT-T3-ROW"}
    r = run("check", S003, "--format", "json", "--ignore", "totals,parse")
    got = rules_in(r.stdout)
    assert "NAT-T3-COL" not in got and "NAT-PARSE-UNSURE" not in got and "NAT-GOV-ASSESS" in got
    assert r.returncode == 0  # no error left


def test_config_file_select_severity_fail_on(tmp_path):
    (tmp_path / "auditor.toml").write_text(
        'select = ["totals"]\nextend-select = ["NAT-GOV-ASSESS"]\nignore = ["NAT-T3-ROW"]\n'
        'severity = { "NAT-T3-COL" = "warning" }\nfail-on = "warning"\n', encoding="utf-8")
    r = run("check", S003, "--format", "json", cwd=tmp_path)
    doc = json.loads(r.stdout)
    got = {f["rule"]: f["severity"] for f in doc["reports"][0]["findings"]}
    assert got == {"NAT-T3-COL": "warning", "NAT-GOV-ASSESS": "warning"}
    assert r.returncode == 1


def test_pyproject_tool_section_and_per_file_ignores(tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        '[tool.auditor]\nper-file-ignores = { "003_*.txt" = ["NAT-T3", "parse"] }\nfail-on = "never"\n',
        encoding="utf-8")
    r = run("check", S003, "--format", "json", cwd=tmp_path)
    assert r.returncode == 0
    got = rules_in(r.stdout)
    assert not any(x.startswith("NAT-T3") for x in got) and "NAT-PARSE-UNSURE" not in got


@pytest.mark.parametrize("content,needle", [
    ('selekt = ["NAT"]\n', "未知的配置项 selekt"),
    ('fail-on = "sometimes"\n', "fail-on"),
    ('select = ["NAT-NOPE"]\n', "不匹配任何规则"),
    ('severity = { "NAT-T3-COL" = "fatal" }\n', "severity.NAT-T3-COL"),
    ('select = [\n', "TOML 语法错误"),
])
def test_invalid_config_is_a_clear_error(tmp_path, content, needle):
    cfg = tmp_path / "auditor.toml"
    cfg.write_text(content, encoding="utf-8")
    r = run("check", S003, cwd=tmp_path)
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert needle in r.stderr and "auditor.toml" in r.stderr


def test_rules_lists_the_whole_pack(rules):
    r = run("rules")
    assert r.returncode == 0
    assert "NAT-T3-COL" in r.stdout and "NAT-TXT-RECEIVED" in r.stdout
    assert f"共 {len(rules)} 条规则" in r.stdout


def test_explain_prints_chinese_doc_and_basis():
    r = run("explain", "nat-t3-col")
    assert r.returncode == 0
    for part in ("【问题】", "【依据】", "【反例】", "【正例】", "【法律依据】", "勾稽关系"):
        assert part in r.stdout
    r = run("explain", "NAT-NOPE")
    assert r.returncode == 2 and "没有编号" in r.stderr


def test_parse_json_and_text():
    r = run("parse", str(SEEDS[0]), "--format", "json")
    assert json.loads(r.stdout)["tables"]["t3"]["rows"]["new"]["cells"]["total"]["value"] == 6
    r = run("parse", str(SEEDS[3]))
    assert r.returncode == 0 and "多种读法" in r.stdout


def test_text_output_groups_and_exit_code():
    r = run("check", str(ROOT / "sample_reports"))
    assert r.returncode == 1
    assert "[错误]" in r.stdout and "共审查 5 份报告" in r.stdout and "公式：" in r.stdout
    assert "\033[" not in r.stdout  # no colour when not a terminal


def test_show_skipped_lists_not_assessable():
    r = run("check", S003, "--show-skipped")
    assert "无法评估" in r.stdout and "自然人" in r.stdout
