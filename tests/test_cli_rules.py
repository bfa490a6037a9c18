"""`auditor rules` and `auditor explain`: titles, status tags, filters, JSON, prefixes."""
import json

from typer.testing import CliRunner

from auditor.cli import app

runner = CliRunner()


def test_rules_shows_titles_and_status_tags_not_placeholders(regional):
    r = runner.invoke(app, ["rules"])
    assert r.exit_code == 0
    assert "表三勾稽关系不成立" in r.stdout and "…" not in r.stdout and "{" not in r.stdout
    line = next(ln for ln in r.stdout.splitlines() if ln.startswith("NAT-T3-COL "))
    assert "已核实" in line and "错误" in line


def test_rules_filter_by_prefix_pack_and_category(regional):
    ids = lambda out: {ln.split()[0] for ln in out.splitlines() if not ln.startswith("共")}  # noqa: E731
    assert ids(runner.invoke(app, ["rules", "NAT-T3"]).stdout) == {"NAT-T3-COL", "NAT-T3-ROW", "NAT-T3-SUM"}
    assert all(i.startswith("NX-") for i in ids(runner.invoke(app, ["rules", "ningxia"]).stdout))
    totals = ids(runner.invoke(app, ["rules", "totals"]).stdout)
    assert "NAT-T3-COL" in totals and "NAT-SEC-MISSING" not in totals
    bad = runner.invoke(app, ["rules", "XYZ"])
    assert bad.exit_code == 2 and "没有与“XYZ”匹配的规则" in bad.stderr


def test_rules_json_lists_title_status_and_selection(regional):
    r = runner.invoke(app, ["rules", "--format", "json"])
    doc = json.loads(r.stdout)
    by_id = {d["id"]: d for d in doc}
    assert by_id["NAT-T3-COL"]["status"] == "verified" and by_id["NAT-T3-SUM"]["status"] == "inferred"
    assert by_id["NX-THEMES-2020"]["status"] == "practice" and all(d["title"] for d in doc)


def test_explain_full_id_and_prefix(regional):
    r = runner.invoke(app, ["explain", "nat-t3-col"])
    assert r.exit_code == 0 and "【法律依据】" in r.stdout and "依据可信度：已核实" in r.stdout
    assert "类别：表格合计" in r.stdout  # the category in Chinese, not the code
    p = runner.invoke(app, ["explain", "NAT-T3"])
    assert p.exit_code == 0 and "匹配的规则有 3 条" in p.stdout and "NAT-T3-ROW" in p.stdout
    assert runner.invoke(app, ["explain", "NOPE-1"]).exit_code == 2


def test_explain_scope_in_chinese(regional):
    r = runner.invoke(app, ["explain", "NX-THEMES-2020"])
    assert "【适用范围】2020 年度报告；宁夏的报告" in r.stdout
    d = runner.invoke(app, ["explain", "NAT-DEADLINE"])
    assert "township" not in d.stdout and "gov_county_plus" not in d.stdout


def test_no_internal_hedges_in_basis(regional):
    for r in regional:
        for hedge in ("记忆", "未经核实", "未核实", "（推定）"):
            assert hedge not in r.basis and hedge not in r.doc["依据"], (r.id, hedge)
