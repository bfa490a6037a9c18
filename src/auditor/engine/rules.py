"""Rules: metadata from TOML packs (validated by JSON Schema), implementations bound by name."""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from ..errors import ConfigError
from ..findings import ORGAN_KIND_LABEL, STATUS_TAG, TEMPLATE_LABEL, Finding, NotAssessable
from ..model import Report
from ..resources import schema

CheckFn = Callable[[Report, "RuleContext"], Iterable[Finding | NotAssessable]]


@dataclass
class Rule:
    id: str
    name: str
    pack: str
    severity: str
    category: str
    summary: str
    basis: str
    doc: dict[str, str]
    check: CheckFn
    params: dict[str, Any] = field(default_factory=dict)
    years: tuple[int | None, int | None] = (None, None)
    templates: tuple[str, ...] | None = None
    organ_kinds: tuple[str, ...] | None = None
    status: str | None = None
    source: str = ""
    regions: tuple[str, ...] | None = None  # the pack's regions; None = every report
    replaces: tuple[str, ...] = ()  # rules this one stands in for where it applies (e.g. a stricter regional form)
    scope: str = "report"  # "batch": a cross-report rule (auditor_batch_rules), run by auditor.crossreport
    title: str = ""  # short Chinese title for listings; packs without one fall back to the summary

    def applies(self, report: Report) -> str | None:
        """None if the rule applies to this report, else the Chinese reason it does not."""
        lo, hi = self.years
        if (lo is not None or hi is not None) and report.year is None:
            return "报告年度未知"
        if lo is not None and lo == hi and report.year != lo:
            return f"仅适用于 {lo} 年度报告"
        if lo is not None and report.year < lo:
            return f"仅适用于 {lo} 年及以后的报告"
        if hi is not None and report.year > hi:
            return f"仅适用于 {hi} 年及以前的报告"
        # Reasons are read by users: the codes (templates, organ kinds) in their Chinese names.
        if self.templates is not None and report.template not in self.templates:
            wanted = "或".join(TEMPLATE_LABEL.get(t, t) for t in self.templates)
            actual = TEMPLATE_LABEL.get(report.template, "格式未识别") if report.template else "格式未识别"
            return f"仅适用于{' ' if wanted[:1].isdigit() else ''}{wanted}的报告（本报告：{actual}）"
        if self.organ_kinds is not None and report.organ_kind not in self.organ_kinds:
            wanted = "、".join(ORGAN_KIND_LABEL.get(k, k) for k in self.organ_kinds)
            actual = ORGAN_KIND_LABEL.get(report.organ_kind, "机关类型未识别") if report.organ_kind else "机关类型未识别"
            return f"仅适用于{wanted}的报告（本报告：{actual}）"
        return None


class RuleContext:
    """Handed to a rule's check: builds findings with the rule's metadata."""

    def __init__(self, rule: Rule, severity: str):
        self.rule = rule
        self.severity = severity
        self.params = rule.params

    def fail(self, location: dict | None = None, expected: Any = None, actual: Any = None,
             evidence: list[dict] | None = None, formula: str | None = None, **message_args) -> Finding:
        if formula is not None:
            message_args.setdefault("formula", formula)
        return Finding(rule=self.rule.id, pack=self.rule.pack, severity=self.severity,
                       category=self.rule.category, message=self.rule.summary.format(**message_args),
                       location=location or {}, expected=expected, actual=actual,
                       evidence=evidence or [], basis=self.rule.basis, formula=formula,
                       status=STATUS_TAG.get(self.rule.status or ""))

    def skip(self, reason: str, location: dict | None = None) -> NotAssessable:
        return NotAssessable(rule=self.rule.id, pack=self.rule.pack, reason=reason, location=location or {})


def _resolve_impl(ref: str) -> CheckFn:
    module, _, name = ref.partition(":")
    return getattr(importlib.import_module(module), name)


def load_pack_file(path: Path) -> list[Rule]:
    """Load and validate one TOML rule pack. Raises ConfigError naming the file and the key.

    A built-in pack unchanged since the package was built comes from its validated form, a pack
    validated by an earlier run from the per-user cache (engine/packcache.py); every other pack is
    parsed and validated here.
    """
    from . import packcache

    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise ConfigError(f"{path}: 无法读取规则包（{exc.strerror or '读取失败'}）") from None
    data = packcache.validated(path, raw)
    if data is None:
        data = packcache.user_validated(raw)
    if data is None:
        data = parse_and_validate(path, raw)
        packcache.remember_validated(raw, data)
    return _rules_from(path, data)


def parse_and_validate(path: Path, raw: bytes) -> dict:
    """The pack's content, checked against rulepack.schema.json; ConfigError otherwise."""
    import jsonschema

    from ..resources import tomllib

    from ..schema_messages import schema_error, toml_error

    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: 不是 UTF-8 编码的文本文件") from None
    except Exception as exc:
        raise ConfigError(f"{path}: {toml_error(exc)}") from None
    validator = jsonschema.Draft202012Validator(schema("rulepack.schema.json"))
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        raise ConfigError(f"{path}: 规则包格式错误，{schema_error(errors[0], data)}")
    return data


def _rules_from(path: Path, data: dict) -> list[Rule]:
    from . import declarative

    pack = data["pack"]["name"]
    regions = tuple(data["pack"]["regions"]) if data["pack"].get("regions") else None
    rules = []
    for spec in data["rule"]:
        if "kind" in spec:
            check = declarative.KINDS[spec["kind"]]
        else:
            try:
                check = _resolve_impl(spec["impl"])
            except ImportError as exc:
                what = f"找不到模块 {exc.name}" if getattr(exc, "name", None) else "模块导入失败"
                raise ConfigError(f"{path}: 规则 {spec['id']} 的实现 {spec['impl']} 无法加载（{what}）") from None
            except AttributeError:
                raise ConfigError(f"{path}: 规则 {spec['id']} 的实现 {spec['impl']} 无法加载（模块中没有这个函数）") from None
        years = spec.get("years", [None, None])
        rules.append(Rule(
            id=spec["id"], name=spec["name"], pack=pack, severity=spec["severity"],
            category=spec["category"], summary=spec["summary"], basis=spec["basis"], doc=spec["doc"],
            check=check, params=spec.get("params", {}), years=(years[0], years[1]),
            templates=tuple(spec["templates"]) if "templates" in spec else None,
            organ_kinds=tuple(spec["organ_kinds"]) if "organ_kinds" in spec else None,
            status=spec.get("status"), source=str(path), regions=regions,
            replaces=tuple(spec.get("replaces", ())), title=spec.get("title", "")))
    return rules
