"""Plugin manager: loads plugins from the `auditor` entry-point group and collects their rules."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pluggy

from .errors import ConfigError
from .hookspecs import AuditorSpec
from .installed import entry_points  # (importlib.metadata's answers, kept between runs)
from .stdio import plugin_prints_to_stderr


@dataclass
class LoadedPlugins:
    manager: pluggy.PluginManager
    rules: list = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # Chinese, one line each, naming the plugin
    versions: dict[str, str] = field(default_factory=dict)
    distributions: dict[str, str] = field(default_factory=dict)  # plugin name -> distribution name
    rule_plugins: dict[str, str] = field(default_factory=dict)  # rule id -> plugin that provided it
    claims_grammar: tuple[str, ...] = ()  # checked `%extend` fragments for grammars/claims.lark

    def call(self, hook: str, **kwargs):
        """(plugin name, answer) of every plugin implementing `hook`; a plugin that raises is
        reported in `errors` and skipped."""
        for name, plugin in self.manager.list_name_plugin():
            impl = getattr(plugin, hook, None)
            if impl is None:
                continue
            try:
                with plugin_prints_to_stderr():
                    answer = impl(**kwargs)
            except Exception as exc:
                msg = f"插件“{name}”的 {hook} 出错：{type(exc).__name__}: {exc}"
                if msg not in self.errors:
                    self.errors.append(msg)
                continue
            if answer is not None:
                yield name, answer


@lru_cache(maxsize=1)
def default_plugins() -> "LoadedPlugins":
    """The installed plugins, loaded once per process."""
    return load_plugins()


def load_plugins() -> LoadedPlugins:
    with plugin_prints_to_stderr():  # plugin imports and hooks may print; stdout stays ours
        return _load_plugins()


def _load_plugins() -> LoadedPlugins:
    pm = pluggy.PluginManager("auditor")
    pm.add_hookspecs(AuditorSpec)
    out = LoadedPlugins(pm)
    for ep in sorted(entry_points(group="auditor"), key=lambda e: (e.name != "national", e.name)):
        if pm.has_plugin(ep.name):
            continue
        try:
            module = ep.load()
            pm.register(module, name=ep.name)
            out.errors.extend(hook_problems(ep.name, module))
            dist = getattr(ep, "dist", None)
            out.versions[ep.name] = dist.version if dist is not None else ""
            out.distributions[ep.name] = dist.metadata["Name"] if dist is not None else ""
        except pluggy.PluginValidationError as exc:  # a hook whose arguments do not match the spec
            import re

            hook = re.search(r"for hook '(\w+)'", str(exc))
            out.errors.append(f"插件“{ep.name}”加载失败：钩子 {hook.group(1) if hook else ''} 的参数与 auditor 的定义不符"
                              "（见 auditor.hookspecs）")
        except Exception as exc:  # a broken plugin must not take the run down
            out.errors.append(f"插件“{ep.name}”加载失败：{type(exc).__name__}: {exc}")
    try:
        pm.check_pending()  # @hookimpl functions whose name is no hook of auditor
    except pluggy.PluginValidationError as exc:  # hook_problems names them; this is the backstop
        name = pm.get_name(exc.plugin) or "?"
        if not any(e.startswith(f"插件“{name}”的函数") for e in out.errors):
            out.errors.append(f"插件“{name}”有 auditor 不认识的钩子（请核对钩子名称，见 auditor.hookspecs）")
    if not pm.has_plugin("national"):
        # Running from a source tree without installed metadata: register the built-in pack directly.
        from .packs import national

        pm.register(national, name="national")
        from . import __version__

        out.versions["national"] = __version__
        out.distributions["national"] = "gov-report-auditor"
    for plugin_name, paths in _pack_paths(pm, out):
        for path in paths:
            from .engine.rules import load_pack_file

            try:
                pack_rules = load_pack_file(Path(path))
                out.rules.extend(pack_rules)
                for r in pack_rules:
                    out.rule_plugins.setdefault(r.id, plugin_name)
            except ConfigError as exc:
                out.errors.append(f"插件“{plugin_name}”的规则包无法加载：{exc}")
    _load_batch_rules(out)
    out.claims_grammar = tuple(_grammar_extensions(out))
    seen: dict[str, str] = {}
    unique = []
    for r in out.rules:
        if r.id in seen:
            out.errors.append(f"规则编号 {r.id} 重复（{seen[r.id]} 与 {r.source}），后者被忽略")
            continue
        seen[r.id] = r.source
        unique.append(r)
    out.rules = unique
    return out


def _is_hookimpl(fn) -> bool:
    return getattr(fn, "auditor_impl", None) is not None  # set by auditor.plugin.hookimpl


def hook_problems(name: str, plugin) -> list[str]:
    """A plugin's functions named like hooks but wrong: a misspelt hook name (never called, with or
    without @hookimpl) or a hook function without @hookimpl (pluggy would not see it). Chinese,
    naming the plugin; each makes `plugins` and `check` exit 2 like a pack that fails to load."""
    import difflib

    hooks = sorted(n for n in dir(AuditorSpec) if n.startswith("auditor_"))
    problems = []
    for attr in dir(plugin):  # a module, or an object whose methods are the hooks
        fn = getattr(plugin, attr, None)
        if not attr.startswith("auditor_") or not callable(fn) or isinstance(fn, type):
            continue
        if attr not in hooks:
            near = difflib.get_close_matches(attr, hooks, n=1)
            problems.append(f"插件“{name}”的函数 {attr} 不是 auditor 的钩子，不会被调用"
                            + (f"（是否应为 {near[0]}？）" if near else f"（钩子有：{'、'.join(hooks)}）"))
        elif not _is_hookimpl(fn):
            problems.append(f"插件“{name}”的钩子函数 {attr} 缺少 @hookimpl 标记"
                            "（from auditor.plugin import hookimpl，在函数前加 @hookimpl）")
    return problems


def _load_batch_rules(out: LoadedPlugins) -> None:
    """Cross-report rules: the same packs and metadata as per-report rules, marked scope "batch"."""
    from .engine.rules import load_pack_file

    for name, paths in out.call("auditor_batch_rules"):
        for path in paths:
            try:
                pack_rules = load_pack_file(Path(path))
            except ConfigError as exc:
                out.errors.append(f"插件“{name}”的跨报告规则包无法加载：{exc}")
                continue
            for r in pack_rules:
                if r.category != "cross-report":
                    out.errors.append(f"插件“{name}”的跨报告规则 {r.id} 类别应为 cross-report，已忽略")
                    continue
                r.scope = "batch"
                out.rules.append(r)
                out.rule_plugins.setdefault(r.id, name)


def _grammar_extensions(out: LoadedPlugins):
    from .parse.claims import check_extension

    for name, fragment in out.call("auditor_claims_grammar"):
        error = check_extension(fragment) if isinstance(fragment, str) else f"应返回文法文本，得到 {fragment!r}"
        if error:
            out.errors.append(f"插件“{name}”的正文数字文法扩展无效，已忽略：{error}")
        else:
            yield fragment


def _pack_paths(pm: pluggy.PluginManager, out: LoadedPlugins):
    for name, answer in out.call("auditor_rule_packs"):
        yield name, list(answer)
