"""`auditor new-plugin`: a working regional rule-pack package with one TOML rule, one Python rule,
and their tests (rule cases as data, plus an ordinary pytest test)."""
from __future__ import annotations

import re
from pathlib import Path
from string import Template

from . import __version__
from .errors import ConfigError
from .resources import load_toml

NAME = re.compile(r"^[a-z][a-z0-9_]{1,30}$")


def create(name: str, directory: Path, region: str | None = None, prefix: str | None = None) -> Path:
    """Write the package `auditor-<name>` under `directory`; return its path. Never overwrites."""
    if not NAME.match(name):
        raise ConfigError(f"插件名“{name}”无效：只能用小写字母、数字和下划线，以字母开头")
    provinces = load_toml("regions.toml")
    region = region or name
    if region not in provinces:
        raise ConfigError(f"地区代码“{region}”未知，请用 --region 指定省级地区代码（{', '.join(sorted(provinces))}）")
    prefix = (prefix or name[:2]).upper()
    if not re.fullmatch(r"[A-Z][A-Z0-9]{1,5}", prefix):
        raise ConfigError(f"规则编号前缀“{prefix}”无效：2–6 个大写字母或数字，以字母开头")
    root = directory / f"auditor-{name.replace('_', '-')}"
    if root.exists():
        raise ConfigError(f"{root} 已存在，未做任何修改")
    names = provinces[region]["names"]
    values = {"name": name, "dist": root.name, "module": f"auditor_{name}", "region": region,
              "prefix": prefix, "province": max(names, key=len), "names": repr(names).replace("'", '"'),
              "core_version": __version__, "province_code": provinces[region].get("province_code", "")}
    for rel, text in _FILES.items():
        path = root / Template(rel).substitute(values)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(Template(text).substitute(values), encoding="utf-8")
    return root


_FILES = {
    "pyproject.toml": '''[build-system]
requires = ["hatchling>=1.18"]
build-backend = "hatchling.build"

[project]
name = "$dist"
version = "0.1.0"
description = "auditor 规则包：$province"
requires-python = ">=3.10"
dependencies = ["gov-report-auditor>=$core_version"]

[project.optional-dependencies]
test = ["pytest>=7.4"]

# This line is what makes auditor find the pack once the package is installed.
[project.entry-points.auditor]
$name = "$module"

[tool.hatch.build.targets.wheel]
packages = ["src/$module"]
''',
    "README.md": '''# $dist

$province 的 auditor 规则包（由 `auditor new-plugin` 生成）。

    pip install -e '.[test]'
    auditor rules | grep $prefix-
    python -m pytest

编写规则的方法见 auditor 仓库的 docs/plugins.md。
''',
    "src/$module/__init__.py": '''"""auditor plugin: the $province rule pack and its region detection."""
from __future__ import annotations

from pathlib import Path

from auditor.plugin import Gazetteer, hookimpl, read_toml_file

HERE = Path(__file__).parent
_GAZETTEER = Gazetteer.from_table("$region", read_toml_file(HERE / "region.toml"))


@hookimpl
def auditor_rule_packs():
    """The TOML packs of this plugin."""
    return [HERE / "rules.toml"]


@hookimpl
def auditor_detect_region(report):
    """Evidence that a report belongs to $province (organ name, document citations, mentions)."""
    return _GAZETTEER.evidence(report)
''',
    "src/$module/region.toml": '''# How reports of $province are recognised. `province_code` (GB/T 2260) brings in every city,
# county and district of the province from auditor's national division table, so detection of
# places works as generated. Add local names the table lacks (townships, development zones) to
# `places`, and the prefixes of the province's document numbers to `doc_prefixes`, for example:
#   places = ["高新区", "杨凌示范区"]
#   doc_prefixes = ["陕政办发", "陕政发", "陕政办函"]
# `auditor check --show-skipped` tells when the pack was not applied because of the region.
names = $names
province_code = "$province_code"
places = []
doc_prefixes = []
''',
    "src/$module/rules.toml": '''# The $province rule pack. Rules apply only to reports detected as "$region" (or selected
# explicitly with --select). Schema: auditor/schemas/rulepack.schema.json.
[pack]
name = "$name"
description = "$province"
regions = ["$region"]

# A rule written entirely as data: a phrase that must occur somewhere in the report.
[[rule]]
id = "$prefix-CONTACT"
name = "contact"
title = "未提供联系方式"
severity = "info"
category = "content"
status = "I"
summary = "报告未提供咨询联系方式（联系电话或地址）"
basis = "（请填写依据，例如省级年报编制通知的文号和条目）"
kind = "phrase_required"
params = {pattern = "联系电话|电话[:：]|联系方式|联系地址"}
[rule.doc]
"问题" = "报告没有告诉读者对报告有疑问时如何联系编制机关。"
"依据" = "（请写明依据及核实程度。）"
"反例" = "全文没有联系电话或地址。"
"正例" = "“如对本报告有疑问，请联系县政府办公室，联系电话：0000-1234567。”"

# A rule written in Python: checks.py, function overview_length.
[[rule]]
id = "$prefix-OVERVIEW-LENGTH"
name = "overview-length"
title = "总体情况过长"
severity = "info"
category = "content"
status = "I"
summary = "“一、总体情况”约{count}字，超过{limit}字"
basis = "（请填写依据）"
impl = "$module.checks:overview_length"
params = {limit = 1000}
[rule.doc]
"问题" = "总体情况篇幅过长。"
"依据" = "（请写明依据及核实程度。）"
"反例" = "总体情况超过一千字。"
"正例" = "总体情况在一千字以内，按五个方面简要叙述。"
''',
    "src/$module/checks.py": '''"""Python rules of the $province pack. A rule is a function (report, ctx) that yields
ctx.fail(...) for each problem, or ctx.skip(reason) when it cannot assess the report."""
from __future__ import annotations

import re

from auditor.plugin import section_line, section_text

_HAN = re.compile(r"[\\u4e00-\\u9fff]")


def overview_length(report, ctx):
    text = section_text(report, 1)
    if text is None:
        yield ctx.skip("未找到“一、总体情况”")
        return
    count = len(_HAN.findall(text))
    limit = ctx.params["limit"]
    if count > limit:
        yield ctx.fail(location={"section": 1, "line": section_line(report, 1)}, expected=f"≤{limit}",
                       actual=count, count=count, limit=limit)
''',
    "tests/$name.cases.toml": '''# Rule cases as data: pytest collects every *.cases.toml file (auditor's pytest plugin).
# A case is a report (inline `text`, or `file` relative to this file) with optional `edits`
# (each must occur exactly once); `fires` must produce findings, `silent` must be assessed and
# produce none, `absent` must produce none.

[defaults]
text = """
${province}示范县2024年政府信息公开工作年度报告

本报告根据《中华人民共和国政府信息公开条例》编制，所列数据的统计期限为2024年1月1日至12月31日。如对本报告有疑问，请联系县政府办公室，联系电话：0000-1234567。

一、总体情况
2024年，示范县持续推进政务公开工作，全年主动公开政府信息120条。

二、主动公开政府信息情况
见下表。

三、收到和处理政府信息公开申请情况
本年度未收到政府信息公开申请。

四、政府信息公开行政复议、行政诉讼情况
本年度未发生政府信息公开行政复议、行政诉讼。

五、存在的主要问题及改进情况
存在的问题是公开深度不够。下一步将加强培训，改进公开质量。

六、其他需要报告的事项
本年度未收取信息处理费。
"""

[[case]]
name = "示例报告：有联系方式，总体情况不长"
silent = ["$prefix-CONTACT", "$prefix-OVERVIEW-LENGTH"]

[[case]]
name = "删去联系电话"
edits = [["如对本报告有疑问，请联系县政府办公室，联系电话：0000-1234567。", ""]]
fires = ["$prefix-CONTACT"]

[[case]]
name = "总体情况超过一千字"
edits = [["持续推进政务公开工作，", "持续推进政务公开工作，${long}"]]
fires = ["$prefix-OVERVIEW-LENGTH"]
''',
    "tests/test_$name.py": '''"""Ordinary pytest tests can use auditor.testing directly."""
from pathlib import Path

from auditor.testing import audit_text, load_cases

CASES = Path(__file__).parent / "$name.cases.toml"


def test_example_report_is_recognised_as_$region():
    outcome = audit_text(load_cases(CASES)[0].text())
    assert outcome.report.region == "$region"
    assert "$prefix-CONTACT" in outcome.active


def test_pack_rules_do_not_apply_elsewhere():
    text = load_cases(CASES)[0].text().replace("$province", "某省")
    outcome = audit_text(text)
    assert outcome.report.region is None and "$prefix-CONTACT" not in outcome.active
''',
}
# A long overview for the failing length case (1,100 Han characters).
_FILES = {k: v.replace("${long}", "加强政务公开标准化规范化建设。" * 80) for k, v in _FILES.items()}
