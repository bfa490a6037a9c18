"""Chinese help pages and usage errors for the command line.

click's and typer's own strings ("Usage", "Options", "Show this message and exit", "Missing
argument", "Try … for help") are English, and recent typer releases vendor click without gettext,
so there is no catalogue to translate. Instead the help page is written here from the commands'
parameters (their help texts are already Chinese), and usage errors are re-worded from the
exception's fields (class, option name, parameter) — never from its English message.
"""
from __future__ import annotations

import sys

# Chinese placeholders for argument names and option value types in usage lines.
ARGUMENT_NAMES = {"paths": "路径…", "path": "文件", "rule_id": "规则编号", "name": "名称", "pattern": "筛选条件"}
TYPE_NAMES = {"text": "文本", "path": "路径", "integer": "整数", "float": "数值", "filename": "文件",
              "boolean": "是/否", "choice": "取值"}


def value_kind(param) -> tuple[str, list[str]]:
    """("choice", values) or (type name, []) for an option's value, across click/typer versions:
    click parameters carry `.type`; typer 0.2x's own parameters carry the annotation."""
    ptype = getattr(param, "type", None)
    if ptype is not None:
        choices = getattr(ptype, "choices", None)
        if choices:
            return "choice", [str(getattr(c, "value", c)) for c in choices]
        return getattr(ptype, "name", "text"), []
    import enum
    import pathlib
    import typing

    ann = getattr(getattr(param, "type_descriptor", None), "annotation", str)
    while typing.get_origin(ann) is not None:  # Optional[...], List[...]
        args = [a for a in typing.get_args(ann) if a is not type(None)]
        ann = args[0] if args else str
    if isinstance(ann, type) and issubclass(ann, enum.Enum):
        return "choice", [str(m.value) for m in ann]
    names = {int: "integer", float: "float", bool: "boolean", str: "text"}
    if isinstance(ann, type) and issubclass(ann, pathlib.PurePath):
        return "path", []
    return names.get(ann, "text"), []


def _metavar(param) -> str:
    if param.param_type_name == "argument":
        name = ARGUMENT_NAMES.get(param.name or "", param.name or "")
        return name if param.required else f"[{name}]"
    kind, choices = value_kind(param)
    if kind == "choice":
        return "[" + "|".join(choices) + "]"
    return TYPE_NAMES.get(kind, "取值")


def _option_names(param) -> str:
    names = ", ".join(sorted(param.opts, key=len))
    if getattr(param, "secondary_opts", None):
        names += " / " + ", ".join(param.secondary_opts)
    if not getattr(param, "is_flag", False) and not getattr(param, "count", False):
        names += " " + _metavar(param)
    return names


def _default_text(param) -> str | None:
    if param.required or getattr(param, "is_flag", False) and not getattr(param, "secondary_opts", None):
        return None
    default = param.default
    if default is None or default == [] or default == () or callable(default):
        return None
    if getattr(param, "secondary_opts", None) and isinstance(default, bool):
        return (param.opts if default else param.secondary_opts)[0]
    return str(getattr(default, "value", default))


def usage_line(ctx) -> str:
    cmd = ctx.command
    pieces = [ctx.command_path]
    params = cmd.get_params(ctx)
    if any(p.param_type_name == "option" for p in params):
        pieces.append("[选项]")
    pieces += [_metavar(p) for p in params if p.param_type_name == "argument"]
    if hasattr(cmd, "list_commands"):
        pieces.append("命令 [参数]…")
    return "用法：" + " ".join(pieces)


def help_page(ctx) -> str:
    cmd = ctx.command
    out = [usage_line(ctx), ""]
    if cmd.help:
        out += ["  " + cmd.help.strip(), ""]
    params = cmd.get_params(ctx)
    rows_args = [(_metavar(p).strip("[]"), (getattr(p, "help", None) or "") + ("" if not p.required else "  [必填]"))
                 for p in params if p.param_type_name == "argument"]
    rows_opts = []
    for p in params:
        if p.param_type_name != "option" or p.hidden:
            continue
        if p.name == "help":
            rows_opts.append((_option_names(p).split(" ")[0], "显示本帮助并退出"))
            continue
        text = p.help or ""
        default = _default_text(p)
        if default:
            text += f"  [默认：{default}]"
        if p.required:
            text += "  [必填]"
        rows_opts.append((_option_names(p), text))
    for title, rows in (("参数", rows_args), ("选项", rows_opts)):
        if rows:
            out.append(f"{title}：")
            out += _table(rows)
            out.append("")
    if hasattr(cmd, "list_commands"):
        rows = []
        for name in cmd.list_commands(ctx):
            sub = cmd.get_command(ctx, name)
            if sub is not None and not sub.hidden:
                rows.append((name, (sub.help or "").strip().split("\n")[0]))
        if rows:
            out.append("命令：")
            out += _table(rows)
            out.append("")
    return "\n".join(out).rstrip() + "\n"


def _width(s: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def _table(rows: list[tuple[str, str]]) -> list[str]:
    left = min(max(_width(a) for a, _ in rows), 30)
    lines = []
    for a, b in rows:
        if _width(a) > left:
            lines.append(f"  {a}")
            lines.append(f"  {'':<{left}}  {b}")
        else:
            lines.append(f"  {a}{' ' * (left - _width(a))}  {b}")
    return lines


def localize(command) -> None:
    """Give `command` and all its subcommands the Chinese help page and usage line.

    Bound on the instances (not by subclassing) so every command gets it, including commands a
    later change adds without knowing about this module."""
    from types import MethodType

    command.format_help = MethodType(lambda self, ctx, formatter: formatter.write(help_page(ctx)), command)
    command.get_usage = MethodType(lambda self, ctx: usage_line(ctx), command)
    for sub in getattr(command, "commands", {}).values():
        localize(sub)


def usage_error_message(exc) -> str:
    """A Chinese one-line reason for a click UsageError (any click or typer version)."""
    kinds = {k.__name__ for k in type(exc).__mro__}
    param = getattr(exc, "param", None)
    hint = _param_hint(exc, param)
    if "NoSuchOption" in kinds:
        alts = sorted(getattr(exc, "possibilities", None) or [])
        return f"没有选项“{exc.option_name}”" + (f"（是否想用 {'、'.join(alts)}？）" if alts else "")
    if "MissingParameter" in kinds:
        what = "参数" if getattr(param, "param_type_name", "") == "argument" else "选项"
        return f"缺少{what}“{hint}”"
    if "BadParameter" in kinds:
        kind, choices = value_kind(param) if param is not None else ("", [])
        if kind == "choice":
            return f"“{hint}”的取值无效（可用：{'、'.join(choices)}）"
        return f"“{hint}”的取值无效" + (f"（应为{TYPE_NAMES[kind]}）" if kind in TYPE_NAMES and kind != "text" else "")
    if "BadOptionUsage" in kinds:
        return f"选项“{getattr(exc, 'option_name', '')}”需要一个取值"
    text = str(getattr(exc, "message", "") or "")
    if "unexpected extra argument" in text:
        extra = text[text.find("(") + 1:text.rfind(")")] if "(" in text else ""
        return f"多余的参数：{extra}" if extra else "多余的参数"
    if "No such command" in text:
        name = text.split("'")[1] if text.count("'") >= 2 else ""
        return f"没有命令“{name}”"
    return "命令行用法错误"


def _param_hint(exc, param) -> str:
    hint = getattr(exc, "param_hint", None)
    if isinstance(hint, (list, tuple)):
        hint = " / ".join(hint)
    if hint:
        return str(hint).strip("'\"")
    if param is None:
        return ""
    if param.param_type_name == "argument":
        return ARGUMENT_NAMES.get(param.name or "", param.name or "")
    return " / ".join(param.opts)


def show_usage_error(exc) -> int:
    """Print a usage error in Chinese (the usage line, the reason, where to get help); exit code."""
    ctx = getattr(exc, "ctx", None)
    kinds = {k.__name__ for k in type(exc).__mro__}
    if "NoArgsIsHelpError" in kinds and ctx is not None:
        sys.stdout.write(help_page(ctx))
        return 2
    if ctx is not None:
        sys.stderr.write(usage_line(ctx) + "\n")
    sys.stderr.write(f"用 {ctx.command_path if ctx is not None else 'auditor'} --help 查看帮助。\n")
    sys.stderr.write(f"auditor: 错误：{usage_error_message(exc)}\n")
    return 2
