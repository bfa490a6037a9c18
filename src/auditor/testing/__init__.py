"""Testing kit for rule-pack authors.

Rule cases are data: a `*.cases.toml` file next to a pack's tests lists reports (a file, or inline
text, optionally edited) and the rules that must fire or must stay silent on them. With auditor
installed, pytest collects such files automatically (plugin `auditor.testing.pytest_plugin`):

    [[case]]
    name = "前言缺少统计期限"
    file = "data/report.txt"                     # relative to this file; or inline: text = '''…'''
    edits = [["统计数据从2022年1月1日至12月31日", ""]]   # each must occur exactly once
    region = "ningxia"                            # optional: skip region detection
    fires = ["NX-PREAMBLE-PERIOD"]                # must produce a finding
    silent = ["NX-GF-CITE"]                       # must be assessed and produce nothing
    absent = ["NAT-PERIOD-MISSING"]               # must produce nothing (may be skipped or replaced)

`audit_text()` and `audit_file()` run the installed rules on a report for ordinary Python tests.
"""
from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ..config import Config
from ..findings import Finding, NotAssessable
from ..model import Report


@dataclass
class Outcome:
    report: Report
    findings: list[Finding]
    skipped: list[NotAssessable]
    active: list[str] = field(default_factory=list)  # ids of the rules that applied to the report

    @property
    def fired(self) -> set[str]:
        return {f.rule for f in self.findings}

    def silent(self, rule_id: str) -> bool:
        """Assessed (applied, not skipped) and no finding."""
        return (rule_id in self.active and rule_id not in self.fired
                and not any(s.rule == rule_id for s in self.skipped))


def audit_file(path: str | Path, *, region: str | None = None, select: list[str] | None = None) -> Outcome:
    """Audit one report exactly as `auditor check` does, with the installed plugins."""
    from .. import batch
    from ..config import resolve
    from ..engine.run import applicable
    from ..plugins import default_plugins

    loaded = default_plugins()
    cfg = Config(select=select, region=region)
    rules = resolve(loaded.rules, cfg, where="测试")
    res = batch.audit_file(Path(path), rules, cfg, loaded)
    if res.error:
        raise ValueError(f"{path}: {res.error}")
    return Outcome(res.report, res.findings, res.skipped, [r.id for r in applicable(res.report, rules, cfg)])


def audit_batch(paths, *, history=None, region: str | None = None,
                select: list[str] | None = None) -> dict[str, Outcome]:
    """Audit several reports as `auditor check` does, cross-report rules included: {source: Outcome}."""
    from .. import batch, crossreport
    from ..config import resolve
    from ..engine.run import applicable
    from ..plugins import default_plugins

    loaded = default_plugins()
    cfg = Config(select=select, region=region)
    rules = resolve(loaded.rules, cfg, where="测试")
    results = [batch.audit_file(Path(p), rules, cfg, loaded) for p in paths]
    bad = [r for r in results if r.error]
    if bad:
        raise ValueError(f"{bad[0].source}: {bad[0].error}")
    crossreport.merge(results, crossreport.run(results, rules, cfg, history=history, plugins=loaded))
    return {r.source: Outcome(r.report, r.findings, r.skipped, [x.id for x in applicable(r.report, rules, cfg)])
            for r in results}


def audit_text(text: str, *, region: str | None = None, select: list[str] | None = None,
               suffix: str = ".txt") -> Outcome:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"report{suffix}"
        path.write_text(text, encoding="utf-8")
        return audit_file(path, region=region, select=select)


@dataclass
class Case:
    name: str
    source: Path  # the cases file
    spec: dict

    def text(self) -> str:
        if "text" in self.spec:
            text = self.spec["text"]
        else:
            text = (self.source.parent / self.spec["file"]).read_text(encoding="utf-8")
        for old, new in self.spec.get("edits", []):
            count = text.count(old)
            if count != 1:
                raise ValueError(f"用例“{self.name}”：要替换的文字出现 {count} 次（应为 1 次）：{old[:40]}")
            text = text.replace(old, new)
        return text + self.spec.get("append", "")

    def run(self) -> list[str]:
        """Problems found (Chinese), empty when the case holds."""
        out = audit_text(self.text(), region=self.spec.get("region"))
        problems = []
        for rule_id in self.spec.get("fires", []):
            if rule_id not in out.fired:
                why = next((s.reason for s in out.skipped if s.rule == rule_id), None)
                why = why or ("规则未应用于该报告（地区或适用范围不符）" if rule_id not in out.active else "没有发现问题")
                problems.append(f"{rule_id} 应报告问题，但未报告：{why}")
        for rule_id in self.spec.get("absent", []):
            if rule_id in out.fired:
                msg = next(f.message for f in out.findings if f.rule == rule_id)
                problems.append(f"{rule_id} 不应报告问题，却报告了：{msg}")
        for rule_id in self.spec.get("silent", []):
            if not out.silent(rule_id):
                if rule_id in out.fired:
                    msg = next(f.message for f in out.findings if f.rule == rule_id)
                    problems.append(f"{rule_id} 不应报告问题，却报告了：{msg}")
                elif rule_id not in out.active:
                    problems.append(f"{rule_id} 未应用于该报告，无法验证其通过（检查地区或适用范围）")
                else:
                    why = next(s.reason for s in out.skipped if s.rule == rule_id)
                    problems.append(f"{rule_id} 未能评估：{why}")
        return problems


def load_cases(path: str | Path) -> list[Case]:
    from ..resources import read_toml_file

    path = Path(path)
    data = read_toml_file(path)
    defaults = data.get("defaults", {})
    cases = []
    for i, spec in enumerate(data.get("case", []), 1):
        merged = {**defaults, **spec}
        if "text" not in merged and "file" not in merged:
            raise ValueError(f"{path}: 第 {i} 个用例既没有 text 也没有 file")
        cases.append(Case(merged.get("name", f"case{i}"), path, merged))
    return cases


def coverage_problems(cases_file: str | Path) -> list[str]:
    """Rules of the tested pack(s) that lack a case where they fire or a case where they pass."""
    from ..plugins import default_plugins
    from ..resources import read_toml_file

    folder = Path(cases_file).parent
    files = sorted(folder.glob("*.cases.toml"))
    cases = [c for f in files for c in load_cases(f)]
    pack_of = {r.id: r.pack for r in default_plugins().rules}
    named = read_toml_file(Path(cases_file)).get("defaults", {}).get("pack")
    if named:
        packs = {named}
    else:
        packs = {pack_of[i] for c in cases for k in ("fires", "silent") for i in c.spec.get(k, [])
                 if i in pack_of and pack_of[i] != "national"}
    if not packs:
        return []
    fires = {i for c in cases for i in c.spec.get("fires", [])}
    silent = {i for c in cases for i in c.spec.get("silent", [])}
    problems = []
    for rule_id in sorted(i for i, p in pack_of.items() if p in packs):
        missing = [what for what, ids in (("报告问题（fires）", fires), ("通过（silent）", silent)) if rule_id not in ids]
        if missing:
            problems.append(f"规则 {rule_id} 没有{'和'.join(missing)}的用例（{folder}/*.cases.toml）")
    return problems
