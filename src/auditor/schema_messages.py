"""Chinese wording for JSON-Schema validation errors and TOML syntax errors.

jsonschema's and tomllib's messages are English ("'doc' is a required property", "Expected '='
after a key (at line 3, column 5)"); config files and rule packs are written by Chinese users, so
the reason is re-worded from the error's fields, and rule positions are 1-based with the rule id.
"""
from __future__ import annotations

import re

_TYPES = {"string": "文本", "integer": "整数", "number": "数值", "boolean": "true 或 false", "array": "列表",
          "object": "表（键值对）", "null": "空值"}


def toml_error(exc: Exception) -> str:
    """'TOML 语法错误（第 3 行第 5 列）' from a tomllib/tomli TOMLDecodeError."""
    m = re.search(r"line (\d+), column (\d+)", str(exc))
    if m:
        return f"TOML 语法错误（第 {m.group(1)} 行第 {m.group(2)} 列）"
    return "TOML 语法错误（文件意外结束，可能缺少右括号或引号）" if "end of document" in str(exc) else "TOML 语法错误"


def schema_error(e, data=None, prefix: str = "") -> str:
    """'位置：原因' for one jsonschema ValidationError. A path into `rule` (a rule pack's list of
    rules) names the rule by its 1-based position and id."""
    return f"{location(list(e.absolute_path), data, prefix)}：{reason(e)}"


def location(path: list, data=None, prefix: str = "") -> str:
    if not path:
        return prefix.rstrip(".") or "顶层"
    parts = []
    if path[0] == "rule" and len(path) > 1 and isinstance(path[1], int):
        rule_id = None
        if isinstance(data, dict) and isinstance(data.get("rule"), list) and path[1] < len(data["rule"]):
            spec = data["rule"][path[1]]
            rule_id = spec.get("id") if isinstance(spec, dict) else None
        parts.append(f"第 {path[1] + 1} 条规则" + (f"（{rule_id}）" if rule_id else ""))
        path = path[2:]
    rest = ".".join(str(p + 1) if isinstance(p, int) else str(p) for p in path)
    if rest:
        parts.append(f"字段 {prefix if not parts else ''}{rest}")
    return "，".join(parts)


def reason(e) -> str:
    kind, value, inst = e.validator, e.validator_value, e.instance
    if kind == "required":
        missing = [k for k in value if isinstance(inst, dict) and k not in inst]
        return "缺少必填字段" + "、".join(f"“{k}”" for k in missing)
    if kind == "additionalProperties":
        known = set((e.schema or {}).get("properties", {}))
        extra = sorted(set(inst) - known) if isinstance(inst, dict) else []
        return "不认识的字段" + "、".join(f"“{k}”" for k in extra)
    if kind == "enum":
        return f"取值“{inst}”无效（可用：{'、'.join(str(v) for v in value)}）"
    if kind == "const":
        return f"取值应为“{value}”"
    if kind == "type":
        wanted = value if isinstance(value, list) else [value]
        return "类型应为" + "或".join(_TYPES.get(t, t) for t in wanted)
    if kind == "pattern":
        return f"“{inst}”的写法不符合要求（应匹配 {value}）"
    if kind == "minLength":
        return f"至少 {value} 个字符"
    if kind == "maxLength":
        return f"最多 {value} 个字符"
    if kind in ("minimum", "exclusiveMinimum"):
        return f"应不小于 {value}" if kind == "minimum" else f"应大于 {value}"
    if kind in ("maximum", "exclusiveMaximum"):
        return f"应不大于 {value}" if kind == "maximum" else f"应小于 {value}"
    if kind == "minItems":
        return f"至少 {value} 项"
    if kind == "maxItems":
        return f"最多 {value} 项"
    if kind in ("oneOf", "anyOf"):
        return "取值不符合任何一种允许的写法"
    return "取值无效"
