"""Command line: auditor check / parse / rules / explain / serve."""
# (No `from __future__ import annotations` here: typer reads the commands' annotations, and
# strings it would have to evaluate with typing.get_type_hints cost ~3% of `auditor --help`.)
import sys
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer

app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None,
                  help="政府信息公开工作年度报告审查工具：解析报告正文和表格，按规则包检查问题。")

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class OutFormat(str, Enum):  # auditor parse
    text = "text"
    json = "json"


def _err(msg: str) -> None:
    from .render.text import printable  # a file name or report text may hold terminal escapes

    sys.stderr.write(f"auditor: {printable(msg)}\n")


def _load_rules(config: Optional[Path], select, ignore, fail_on, region=None):
    from .config import find_config, load_config, resolve
    from .errors import ConfigError
    from .plugins import load_plugins

    try:
        cfg = load_config(config if config is not None else find_config(Path.cwd()))
    except ConfigError as exc:
        _err(str(exc))
        raise typer.Exit(EXIT_ERROR)
    if select:
        cfg.select = [s for item in select for s in item.split(",") if s]
    if ignore:
        cfg.ignore = cfg.ignore + [s for item in ignore for s in item.split(",") if s]
    if fail_on:
        cfg.fail_on = fail_on
    if region:
        cfg.region = region
    loaded = load_plugins()
    for e in loaded.errors:
        _err(e)
    try:
        rules = resolve(loaded.rules, cfg, where="命令行")
    except ConfigError as exc:
        _err(str(exc))
        raise typer.Exit(EXIT_ERROR)
    if cfg.region:
        _check_region(cfg.region, loaded.rules, "--region" if region else f"{cfg.path}: region")
    return cfg, rules, loaded


def _check_region(code: str, rules, where: str) -> None:
    from .regions import known_regions

    known = set(known_regions()) | {reg for r in rules for reg in (r.regions or ())}
    if code not in known:
        _err(f"{where} 的地区代码“{code}”无效（可用：{', '.join(sorted(known))}）")
        raise typer.Exit(EXIT_ERROR)


@app.command(help="审查一个或多个报告文件或目录（可并行批量审查）。")
def check(
    paths: List[str] = typer.Argument(..., help="报告文件或目录（目录中本工具能读取的各种格式的报告文件均会审查）；"
                                               "@清单.txt 为每行一个路径的文件清单；- 表示从标准输入读取报告文本"),
    format: Optional[List[str]] = typer.Option(None, "--format", "-f", help="输出格式：text、json、jsonl、csv、xlsx、html，可重复或用逗号分隔"),
    show_skipped: bool = typer.Option(False, "--show-skipped", help="同时列出无法评估或不适用的规则及原因，以及因地区不符未应用的规则包"),
    config: Optional[Path] = typer.Option(None, "--config", help="配置文件（默认查找 auditor.toml 或 pyproject.toml 的 [tool.auditor]）"),
    select: Optional[List[str]] = typer.Option(None, "--select", help="只运行这些规则（编号、前缀、规则包、类别或依据可信度"
                                                                      " status:verified/practice/inferred，可用逗号分隔）"),
    ignore: Optional[List[str]] = typer.Option(None, "--ignore", help="不运行这些规则"),
    fail_on: Optional[str] = typer.Option(None, "--fail-on", help="达到该级别即以退出码 1 结束：error、warning、info 或 never"),
    output: Optional[List[Path]] = typer.Option(None, "--output", "-o", help="把结果写入文件（可重复，每种格式一个，按扩展名对应格式；默认输出到屏幕）"),
    output_dir: Optional[Path] = typer.Option(None, "--output-dir", help="把未用 -o 指定的各格式结果写入该目录（auditor-results.<扩展名>）"),
    region: Optional[str] = typer.Option(None, "--region", help="指定报告所属省级地区（如 ningxia、gansu），不再自动识别"),
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", min=1, help="并行审查的进程数（默认：全部处理器核）"),
    resume: bool = typer.Option(False, "--resume", help="跳过 JSONL 输出文件中已完成的报告（按文件内容的 sha256 匹配）"),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="不显示进度条"),
    statistics: bool = typer.Option(False, "--statistics", help="屏幕上只输出每条规则的问题数统计（text 或 json）"),
    baseline: Optional[Path] = typer.Option(None, "--baseline", help="基线文件：已记录的问题不再显示，只显示新问题"),
    write_baseline: Optional[Path] = typer.Option(None, "--write-baseline", help="把本次发现的全部问题写入基线文件"),
    history: Optional[Path] = typer.Option(None, "--history", help="往年报告的目录，或往年 --format json --with-tables 的输出文件：只作跨年度比较的对象，不再审查"),
    with_tables: bool = typer.Option(False, "--with-tables", help="JSON 输出包含表格和正文段落（供下一年 --history 使用）"),
    no_ocr: bool = typer.Option(False, "--no-ocr", help="不对扫描件（没有文字层的页面）做文字识别，"
                                                        "效果与在配置文件中关闭文字识别相同"),
):
    from dataclasses import replace

    from .batch import CheckOptions, run_check

    if fail_on and fail_on not in ("error", "warning", "info", "never"):
        _err(f"--fail-on 的取值“{fail_on}”无效（应为 error、warning、info 或 never）")
        raise typer.Exit(EXIT_ERROR)
    cfg, rules, loaded = _load_rules(config, select, ignore, fail_on, region)
    if no_ocr:
        cfg.limits = replace(cfg.limits, ocr=False)
    opts = CheckOptions(paths=paths, formats=format or [], outputs=output or [], output_dir=output_dir,
                        show_skipped=show_skipped, jobs=jobs, resume=resume, quiet=quiet, statistics=statistics,
                        baseline=baseline, write_baseline=write_baseline,
                        history=history, with_tables=with_tables)
    code = run_check(opts, rules, cfg, loaded, _err)
    if loaded.errors and code in (EXIT_OK, EXIT_FINDINGS):
        _err(f"有 {len(loaded.errors)} 个插件或规则包未能加载（见上），本次审查未使用它们的规则")
        code = EXIT_ERROR  # an audit without an installed pack is not a clean result
    raise typer.Exit(code)


@app.command(help="解析一个报告，输出结构化模型（章节、表格单元格、解析说明）。")
def parse(
    path: Path = typer.Argument(..., help="报告文件"),
    format: OutFormat = typer.Option(OutFormat.text, "--format", "-f", help="输出格式：text 或 json"),
    region: Optional[str] = typer.Option(None, "--region", help="指定报告所属省级地区，不再自动识别"),
):
    from .api import parse_file
    from .errors import InputError, internal_error
    from .plugins import load_plugins

    loaded = load_plugins()
    if region:
        _check_region(region, loaded.rules, "--region")
    try:
        report = parse_file(path, loaded, region)
    except InputError as exc:
        _err(f"{exc.path}: {exc.reason}")
        raise typer.Exit(EXIT_ERROR)
    except MemoryError:
        from .limits import MEMORY_EXCEEDED

        _err(f"{path}: {MEMORY_EXCEEDED}")
        raise typer.Exit(EXIT_ERROR)
    except Exception as exc:  # a parser defect: one line naming the file, as `check` reports it
        _err(f"{path}: {internal_error(exc)}")
        raise typer.Exit(EXIT_ERROR)
    if format == OutFormat.json:
        import json

        sys.stdout.write(json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n")
        return
    from .render.parse_text import render_report

    render_report(report, sys.stdout)


@app.command(help="列出已安装的规则（可按编号前缀、规则包或类别筛选）。")
def rules(
    pattern: Optional[str] = typer.Argument(None, help="只列出编号以此开头、属于该规则包/类别或依据可信度相符的规则，"
                                                       "如 NAT-T3、ningxia、totals、status:verified（已核实）"),
    config: Optional[Path] = typer.Option(None, "--config", help="配置文件"),
    all_rules: bool = typer.Option(True, "--all/--selected", help="列出全部规则，或只列出配置选中的规则"),
    format: OutFormat = typer.Option(OutFormat.text, "--format", "-f", help="输出格式：text 或 json"),
):
    from .findings import SEVERITY_LABEL, STATUS_LABEL, STATUS_TAG

    cfg, selected, loaded = _load_rules(config, None, None, None)
    if pattern is not None:
        from .config import status_selector

        bad = next((p for p in pattern.split(",") if status_selector(p) == ""), None)
        if bad is not None:
            _err(f"“{bad}”无效：依据可信度只能是 status:verified（已核实）、status:practice（据实践）、status:inferred（推定）")
            raise typer.Exit(EXIT_ERROR)
    ids = frozenset(r.id for r in loaded.rules)
    shown = [r for r in (loaded.rules if all_rules else selected) if pattern is None or _rule_matches(r, pattern, ids)]
    if pattern is not None and not shown:
        _err(f"没有与“{pattern}”匹配的规则（用 auditor rules 查看全部规则）")
        raise typer.Exit(EXIT_ERROR)
    shown.sort(key=lambda r: (r.pack != "national", r.pack, r.id))
    if format == OutFormat.json:
        import json

        doc = [{"id": r.id, "title": _title(r), "pack": r.pack, "severity": r.severity, "category": r.category,
                "status": STATUS_TAG.get(r.status or ""), "summary": r.summary, "basis": r.basis,
                "selected": r in selected} for r in shown]
        sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
        return
    for r in shown:
        mark = "" if r in selected else "（未选中）"
        tag = STATUS_LABEL.get(STATUS_TAG.get(r.status or ""), "")
        sys.stdout.write(f"{r.id:<26} {r.pack:<10} {SEVERITY_LABEL[r.severity]:<3} {tag:<4} {_title(r)}{mark}\n")
    sys.stdout.write(f"共 {len(shown)} 条规则\n")


def _rule_matches(rule, pattern: str, rule_ids: frozenset[str] = frozenset()) -> bool:
    """The one selector resolver (config.selector_matches): id, prefix, pack, category, status."""
    from .config import selector_matches

    return any(selector_matches(p, rule, rule_ids) for p in pattern.split(",") if p.strip())


def _title(rule) -> str:
    return rule.title or _plain_summary(rule.summary)


@app.command(help="列出已加载的插件（规则包）及其版本、规则数和适用地区。")
def plugins():
    from .plugins import load_plugins
    from .regions import known_regions

    loaded = load_plugins()
    names = known_regions()
    counts: dict[str, int] = {}
    regions: dict[str, set] = {}
    for r in loaded.rules:
        counts[r.pack] = counts.get(r.pack, 0) + 1
        regions.setdefault(r.pack, set()).update(r.regions or ())
    sys.stdout.write(f"{'插件':<12}{'分发包':<24}{'版本':<10}{'规则包':<12}{'规则数':>6}  适用地区\n")
    for name, _plugin in sorted(loaded.manager.list_name_plugin(), key=lambda p: (p[0] != "national", p[0])):
        packs = sorted({r.pack for r in loaded.rules if _rule_from(r, loaded, name)}) or ["—"]
        for pack in packs:
            where = "、".join(names.get(g, g) for g in sorted(regions.get(pack, ()))) or "全国（所有报告）"
            sys.stdout.write(f"{name:<14}{loaded.distributions.get(name, ''):<27}{loaded.versions.get(name, ''):<12}"
                             f"{pack:<15}{counts.get(pack, 0):>6}  {where}\n")
    for e in loaded.errors:
        sys.stdout.write(f"加载失败：{e}\n")
    if loaded.errors:
        raise typer.Exit(EXIT_ERROR)


@app.command("new-plugin", help="生成一个地区规则包插件（含一条 TOML 规则、一条 Python 规则及其测试）。")
def new_plugin(
    name: str = typer.Argument(..., help="插件名，如 shaanxi（小写字母、数字、下划线）"),
    directory: Path = typer.Option(Path("."), "--dir", help="在该目录下生成 auditor-<插件名>/"),
    region: Optional[str] = typer.Option(None, "--region", help="省级地区代码（默认与插件名相同）"),
    prefix: Optional[str] = typer.Option(None, "--prefix", help="规则编号前缀（默认取插件名前两个字母的大写）"),
):
    from .errors import ConfigError
    from .scaffold import create

    try:
        root = create(name, directory, region, prefix)
    except ConfigError as exc:
        _err(str(exc))
        raise typer.Exit(EXIT_ERROR)
    sys.stdout.write(f"已生成 {root}\n下一步：\n  pip install -e '{root}[test]'\n"
                     f"  auditor rules | grep {name}\n  python -m pytest {root}\n")


def _rule_from(rule, loaded, plugin_name: str) -> bool:
    return loaded.rule_plugins.get(rule.id) == plugin_name


def _plain_summary(s: str) -> str:
    import re

    return re.sub(r"\{[a-z_]+\}", "…", s)


@app.command(help="解释一条规则：问题、依据、反例、正例、法律依据；给出前缀时列出匹配的规则。")
def explain(rule_id: str = typer.Argument(..., help="规则编号，如 NAT-T3-COL；或编号前缀，如 NAT-T3")):
    from .findings import CATEGORY_LABEL, ORGAN_KIND_LABEL, SEVERITY_LABEL, STATUS_LABEL, STATUS_TAG, TEMPLATE_LABEL
    from .plugins import load_plugins
    from .render.text import pack_label

    loaded = load_plugins()
    exact = [r for r in loaded.rules if r.id.upper() == rule_id.upper()]
    if not exact:
        ids = frozenset(r.id for r in loaded.rules)
        matching = sorted((r for r in loaded.rules if _rule_matches(r, rule_id, ids)), key=lambda r: r.id)
        if matching:
            sys.stdout.write(f"“{rule_id}”不是完整的规则编号；匹配的规则有 {len(matching)} 条：\n")
            for r in matching:
                sys.stdout.write(f"  {r.id:<26} {_title(r)}\n")
            sys.stdout.write("用 auditor explain 完整编号 查看其中一条的说明。\n")
            return
        _err(f"没有编号为“{rule_id}”的规则（用 auditor rules 查看全部规则）")
        raise typer.Exit(EXIT_ERROR)
    r = exact[0]
    status = STATUS_LABEL.get(STATUS_TAG.get(r.status or ""), "")
    out = [f"{r.id}　{_title(r)}",
           f"规则包：{pack_label(r.pack)}　级别：{SEVERITY_LABEL[r.severity]}　类别：{CATEGORY_LABEL.get(r.category, r.category)}"
           + (f"　依据可信度：{status}" if status else ""),
           f"提示语：{_plain_summary(r.summary)}", ""]
    for k in ("问题", "依据", "反例", "正例"):
        out.append(f"【{k}】{r.doc[k]}")
    out.append(f"【法律依据】{r.basis}")
    applies = []
    if r.years != (None, None):
        lo, hi = r.years
        hi = hi if hi and hi < 2100 else None
        applies.append(f"{lo} 年度报告" if lo and lo == hi else f"{lo} 年及以后的报告" if lo and not hi
                       else f"{hi} 年及以前的报告" if hi and not lo else f"{lo}–{hi} 年度报告")
    if r.templates:
        applies.append("、".join(TEMPLATE_LABEL.get(t, t) for t in r.templates))
    if r.organ_kinds:
        applies.append("、".join(ORGAN_KIND_LABEL.get(k, k) for k in r.organ_kinds))
    if r.regions:
        from .regions import known_regions

        names = known_regions()
        applies.append("、".join(names.get(g, g) for g in r.regions) + "的报告")
    if applies:
        out.append("【适用范围】" + "；".join(a for a in applies if a))
    sys.stdout.write("\n".join(out) + "\n")


def _show_version(value: bool) -> None:
    if not value:
        return
    from . import __version__
    from .plugins import load_plugins

    loaded = load_plugins()
    sys.stdout.write(f"auditor {__version__}\n")
    for name, _plugin in sorted(loaded.manager.list_name_plugin(), key=lambda p: (p[0] != "national", p[0])):
        if name == "national":
            continue
        dist = loaded.distributions.get(name, "")
        sys.stdout.write(f"  插件 {name} {loaded.versions.get(name, '')}" + (f"（{dist}）" if dist else "") + "\n")
    for e in loaded.errors:
        sys.stdout.write(f"  加载失败：{e}\n")
    raise typer.Exit(EXIT_ERROR if loaded.errors else EXIT_OK)


@app.callback()
def _root(version: bool = typer.Option(False, "--version", is_eager=True, callback=_show_version,
                                       help="显示 auditor 及已安装插件的版本并退出")):
    """政府信息公开工作年度报告审查工具：解析报告正文和表格，按规则包检查问题。"""


def command():
    """The click command behind `auditor`, with Chinese help pages (tests invoke it too)."""
    import typer.main

    from .cli_help import localize
    from .cli_startup import install

    install()  # typer's pydantic coercion only where a value needs it (cold start)
    cmd = typer.main.get_command(app)
    localize(cmd)
    return cmd


@app.command(help="启动本机自查网页：上传或粘贴报告，在浏览器里查看审查结果（需要安装 auditor[web]）。")
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="监听地址（默认只允许本机访问；设为 0.0.0.0 可供局域网内其他电脑访问）"),
    port: int = typer.Option(8765, "--port", help="端口"),
    max_upload_mb: float = typer.Option(50, "--max-upload-mb", help="上传文件大小上限（MB）"),
    timeout: float = typer.Option(120, "--timeout", help="每份报告的审查时限（秒）"),
    memory_mb: int = typer.Option(2048, "--memory-mb", help="每份报告审查进程的内存上限（MB，0 为不限）"),
    jobs: int = typer.Option(0, "--jobs", "-j", help="同时审查的报告数（默认为处理器核数）"),
    config: Optional[Path] = typer.Option(None, "--config", help="配置文件（默认查找 auditor.toml 或 pyproject.toml 的 [tool.auditor]）"),
):
    import os

    try:
        from .web import WebSettings, is_loopback, serve as run_server
    except ImportError as exc:
        _err(f"网页功能需要额外的依赖（{exc.name}）：请运行 pip install 'gov-report-auditor[web]'")
        raise typer.Exit(EXIT_ERROR)
    from .config import find_config, load_config
    from .errors import ConfigError

    if max_upload_mb <= 0 or timeout <= 0 or memory_mb < 0 or jobs < 0 or not 0 < port < 65536:
        _err("--max-upload-mb、--timeout 须为正数，--memory-mb、--jobs 不能为负数，--port 须在 1–65535 之间")
        raise typer.Exit(EXIT_ERROR)
    cfg_path = config if config is not None else find_config(Path.cwd())
    try:
        load_config(cfg_path)
    except ConfigError as exc:
        _err(str(exc))
        raise typer.Exit(EXIT_ERROR)
    settings = WebSettings(max_upload_bytes=int(max_upload_mb * 1024 * 1024), timeout=timeout, memory_mb=memory_mb,
                           jobs=jobs or max(1, os.cpu_count() or 1), config=str(cfg_path) if cfg_path else None)
    if not is_loopback(host):
        _err(f"警告：正在监听 {host}，局域网内的其他电脑都可以访问此页面并上传文件。"
             "只在可信的办公网络中这样使用；用完请关闭。")
    shown = f"[{host}]" if ":" in host else host
    sys.stderr.write(f"自查网页已启动：在浏览器中打开 http://{'127.0.0.1' if host in ('0.0.0.0', '::') else shown}:{port}/"
                     "  （按 Ctrl+C 停止）\n")
    try:
        run_server(host, port, settings)
    except OSError as exc:
        _err(f"无法在 {host}:{port} 上启动（{exc.strerror or exc}）")
        raise typer.Exit(EXIT_ERROR)


def main() -> None:
    from .cli_help import show_usage_error

    try:
        code = command().main(prog_name="auditor", standalone_mode=False)
    except KeyboardInterrupt:
        _err("已中断")
        sys.exit(130)
    except Exception as exc:  # click's usage errors, whatever click/typer version raised them
        kinds = {k.__name__ for k in type(exc).__mro__}
        if "UsageError" in kinds:
            sys.exit(show_usage_error(exc))
        if "Abort" in kinds:
            _err("已取消")
            sys.exit(1)
        raise
    sys.exit(code if isinstance(code, int) else EXIT_OK)


if __name__ == "__main__":
    main()
