"""docs/plugins.md is literally true: every TOML and Python block of the guide loads, and the
testing kit fails a pack whose rules lack cases. (The guide's shell commands run in
test_distribution.py, in a fresh virtualenv.)"""
import re
import sys
import textwrap

import pytest

from conftest import ROOT

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

GUIDE = (ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")


def blocks(lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", GUIDE, flags=re.S)


def test_every_toml_block_parses_and_every_rule_block_is_a_valid_pack(tmp_path):
    from auditor.engine.rules import load_pack_file

    toml_blocks = blocks("toml")
    assert len(toml_blocks) >= 4
    rule_blocks = 0
    for i, text in enumerate(toml_blocks):
        data = tomllib.loads(text)  # every block is valid TOML
        if "rule" in data:
            rule_blocks += 1
            pack = tmp_path / f"block{i}.toml"
            pack.write_text('[pack]\nname = "shaanxi"\nregions = ["shaanxi"]\n\n' + text, encoding="utf-8")
            rules = load_pack_file(pack)  # schema-valid, implementation resolvable
            assert [r.id for r in rules] == [s["id"] for s in data["rule"]]
    assert rule_blocks >= 1


def test_region_block_makes_a_gazetteer_that_detects_a_place():
    from auditor.api import parse_extracted
    from auditor.ingest import Extracted
    from auditor.regions import Gazetteer

    table = next(tomllib.loads(b) for b in blocks("toml") if "places" in b)
    gaz = Gazetteer.from_table("shaanxi", table)
    rep = parse_extracted(Extracted("x.txt", "txt", "宝鸡市统计局2022年政府信息公开工作年度报告\n一、总体情况\n"))
    ev = gaz.evidence(rep)
    assert ev is not None and ev.region == "shaanxi"


def test_python_rule_example_runs_on_a_report_without_section_three():
    from auditor.plugin import RuleContext
    from auditor.testing import audit_text

    code = next(b for b in blocks("python") if "def app_process" in b)
    namespace: dict = {}
    exec(compile(code, "docs/plugins.md", "exec"), namespace)

    class FakeRule:  # the context a rule receives, with a summary the example fills
        id, pack, category, basis, params, status = "SX-APP", "shaanxi", "content", "", {}, "I"
        summary = "收到申请 {received} 件，未说明办理情况"

    seed = (ROOT / "sample_reports" / "000_4514475f3fb3965f.txt").read_text(encoding="utf-8")
    heading = next(ln for ln in seed.splitlines() if ln.startswith("三、"))
    for text in (seed, seed.replace(heading + "\n", "")):  # with and without the 三 heading
        report = audit_text(text).report
        assert report.t3.found
        out = list(namespace["app_process"](report, RuleContext(FakeRule(), "warning")))
        assert [type(o).__name__ for o in out] == ["Finding"]
        assert out[0].message == "收到申请 6 件，未说明办理情况"  # 6 new + 0 carried over


def test_grammar_extension_example_is_accepted():
    from auditor.parse.claims import check_extension

    code = next(b for b in blocks("python") if "auditor_claims_grammar" in b)
    namespace: dict = {}
    exec("from auditor.plugin import hookimpl\n" + code, namespace)
    fragment = namespace["auditor_claims_grammar"]()
    assert check_extension(fragment) is None  # combines with the core claims grammar


def test_cases_without_a_firing_or_passing_case_fail_the_pack(tmp_path, regional):
    from auditor.testing import coverage_problems

    cases = tmp_path / "gansu.cases.toml"
    cases.write_text(textwrap.dedent('''
        [defaults]
        pack = "gansu"
        text = "x"
        [[case]]
        name = "只有一个用例"
        fires = ["GS-PERIOD"]
    '''), encoding="utf-8")
    problems = coverage_problems(cases)
    gansu = sorted(r.id for r in regional if r.pack == "gansu")
    assert len(problems) == len(gansu)  # every rule lacks something
    assert any("GS-PERIOD" in p and "通过（silent）" in p and "报告问题" not in p for p in problems)


def test_shipped_plugin_cases_cover_every_rule(regional):
    from auditor.testing import coverage_problems

    for plugin in ("auditor-ningxia", "auditor-gansu"):
        for cases in (ROOT / "plugins" / plugin / "tests").glob("*.cases.toml"):
            assert coverage_problems(cases) == []


@pytest.mark.parametrize("lang", ["bash"])
def test_guide_shell_commands_use_the_scaffold_prefix(lang):
    """The guide generates with --prefix SX and then greps SX- (the default prefix would be SH)."""
    shell = "\n".join(blocks(lang))
    assert "new-plugin shaanxi --prefix SX" in shell and "grep SX-" in shell
