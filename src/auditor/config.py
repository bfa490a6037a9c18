"""Configuration: `auditor.toml`, or `[tool.auditor]` in `pyproject.toml`, validated by JSON Schema.

Rule selection works like ruff's: `select` replaces the default (every rule of the enabled packs),
`extend-select` adds, `ignore` removes (and wins). A selector is a rule id, an id prefix
("NAT-T3"), a pack name ("national"), a category ("totals"), the verification status of the
rule's basis ("status:verified", "status:practice", "status:inferred"; or 已核实 / 据实践 / 推定)
or "ALL".
"""
from __future__ import annotations

import fnmatch
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .errors import ConfigError
from .findings import CATEGORIES, STATUS_LABEL, STATUS_TAG
from .limits import Limits
from .resources import read_toml_file, schema


@dataclass
class Config:
    path: str | None = None
    packs: list[str] | None = None
    select: list[str] | None = None
    extend_select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    severity: dict[str, str] = field(default_factory=dict)
    per_file_ignores: dict[str, list[str]] = field(default_factory=dict)
    fail_on: str = "error"
    region: str | None = None
    cross: dict = field(default_factory=dict)  # [cross]: thresholds of the cross-report checks
    limits: Limits = field(default_factory=Limits)  # per-file resource limits ([limits], see limits.py)
    # Ids of all installed rules: a selector equal to one of them selects exactly that rule.
    rule_ids: frozenset[str] = frozenset()


def find_config(start: Path) -> Path | None:
    for d in [start, *start.parents]:
        if (d / "auditor.toml").is_file():
            return d / "auditor.toml"
        py = d / "pyproject.toml"
        if py.is_file():
            try:
                if "auditor" in read_toml_file(py).get("tool", {}):
                    return py
            except Exception:
                continue
    return None


def load_config(path: Path | None) -> Config:
    if path is None:
        return Config()
    import jsonschema

    try:
        data = read_toml_file(path)
    except FileNotFoundError:
        raise ConfigError(f"{path}: 配置文件不存在") from None
    except Exception as exc:
        from .schema_messages import toml_error

        raise ConfigError(f"{path}: {toml_error(exc)}") from None
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("auditor", {})
        prefix = "tool.auditor."
    else:
        prefix = ""
    errors = sorted(jsonschema.Draft202012Validator(schema("config.schema.json")).iter_errors(data),
                    key=lambda e: list(e.absolute_path))
    if errors:
        e = errors[0]
        where = prefix + ".".join(str(p) for p in e.absolute_path) if e.absolute_path else (prefix.rstrip(".") or "顶层")
        if e.validator == "additionalProperties":
            extra = sorted(set(e.instance) - set(e.schema.get("properties", {})))
            raise ConfigError(f"{path}: 未知的配置项 {prefix}{', '.join(extra)}")
        from .schema_messages import reason

        raise ConfigError(f"{path}: 配置项 {where} 无效：{reason(e)}")
    return Config(path=str(path), packs=data.get("packs"), select=data.get("select"),
                  extend_select=data.get("extend-select", []), ignore=data.get("ignore", []),
                  severity=data.get("severity", {}), per_file_ignores=data.get("per-file-ignores", {}),
                  fail_on=data.get("fail-on", "error"), region=data.get("region"),
                  cross=data.get("cross", {}), limits=Limits.from_mapping(data.get("limits")))


# status:<tag> selectors: the tag, its Chinese label, or the Chinese label alone.
STATUS_SELECTORS = {**{t: t for t in STATUS_LABEL}, **{label: t for t, label in STATUS_LABEL.items()}}


def status_selector(selector: str) -> str | None:
    """"status:verified" / "status:已核实" / "已核实" -> "verified"; "" for a status selector with an
    unknown value; None when the selector is not about status."""
    s = selector.strip()
    if s in STATUS_SELECTORS and not s.isascii():
        return STATUS_SELECTORS[s]
    head, sep, value = s.replace("：", ":").partition(":")
    if not sep or head.strip().lower() != "status":
        return None
    return STATUS_SELECTORS.get(value.strip().lower(), STATUS_SELECTORS.get(value.strip(), ""))


def is_broad_selector(selector: str) -> bool:
    """ALL, a category or a status: selects by kind, not by naming rules or packs on purpose."""
    s = selector.strip()
    return s.upper() == "ALL" or s in CATEGORIES or status_selector(s) is not None


def selector_matches(selector: str, rule, rule_ids: frozenset[str] = frozenset()) -> bool:
    s = selector.strip()
    if s.upper() == "ALL":
        return True
    status = status_selector(s)
    if status is not None:
        return bool(status) and STATUS_TAG.get(rule.status or "") == status
    if s == rule.pack:
        return True
    if s in CATEGORIES:
        return rule.category == s
    if s.upper() in rule_ids:  # a full id never selects the longer ids it happens to prefix
        return rule.id == s.upper()
    return rule.id.startswith(s.upper())


def resolve(rules: list, cfg: Config, where: str = "配置") -> list:
    """The rules selected by the configuration. Unknown selectors and packs are errors."""
    cfg.rule_ids = frozenset(r.id for r in rules)
    ids = cfg.rule_ids
    known_packs = {r.pack for r in rules}
    if cfg.packs is not None:
        unknown = [p for p in cfg.packs if p not in known_packs]
        if unknown:
            raise ConfigError(f"{cfg.path or where}: packs 中的规则包 {', '.join(unknown)} 未安装"
                              f"（已安装：{', '.join(sorted(known_packs))}）")
        rules = [r for r in rules if r.pack in cfg.packs]
    for name, sels in (("select", cfg.select or []), ("extend-select", cfg.extend_select),
                       ("ignore", cfg.ignore), ("severity", list(cfg.severity))):
        for s in sels:
            if status_selector(s) == "":
                raise ConfigError(f"{cfg.path or where}: {name} 中的“{s}”无效：依据可信度只能是 "
                                  + "、".join(f"status:{t}（{label}）" for t, label in STATUS_LABEL.items()))
            if not any(selector_matches(s, r, ids) for r in rules):
                raise ConfigError(f"{cfg.path or where}: {name} 中的“{s}”不匹配任何规则")
    chosen = rules if cfg.select is None else [r for r in rules if any(selector_matches(s, r, ids) for s in cfg.select)]
    chosen += [r for r in rules if r not in chosen and any(selector_matches(s, r, ids) for s in cfg.extend_select)]
    return [r for r in chosen if not any(selector_matches(s, r, ids) for s in cfg.ignore)]


def severity_for(rule, cfg: Config) -> str:
    if not cfg.severity:  # the usual case
        return rule.severity
    # The most specific selector wins (a full id over a prefix over a pack or category).
    best, best_len = rule.severity, -1
    for sel, sev in cfg.severity.items():
        if selector_matches(sel, rule, cfg.rule_ids) and len(sel) > best_len:
            best, best_len = sev, len(sel)
    return best


def ignored_for_file(rule, cfg: Config, path: str) -> bool:
    if not cfg.per_file_ignores:  # the usual case: nothing to match, no Path built
        return False
    p = Path(path)
    posix, name = os.path.normcase(p.as_posix()), os.path.normcase(p.name)
    for matches, sels in _file_matchers(tuple((k, tuple(v)) for k, v in cfg.per_file_ignores.items())):
        if matches(posix) or matches(name):
            if any(selector_matches(s, rule, cfg.rule_ids) for s in sels):
                return True
    return False


@lru_cache(maxsize=64)
def _file_matchers(items: tuple) -> list:
    """(pattern matcher, selectors) of each per-file-ignores entry, compiled once (fnmatch rules)."""
    return [(re.compile(fnmatch.translate(os.path.normcase(pattern))).match, sels) for pattern, sels in items]
