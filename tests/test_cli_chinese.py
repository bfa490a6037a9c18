"""Everything the command line prints for help and usage errors is Chinese (issue: no
"Usage/Options/Show this message and exit"). Identifiers — option names, choice values, rule ids,
file extensions, program and plugin names — are allowed."""
import os
import re
import subprocess
import sys

import pytest

COMMANDS = ["check", "parse", "rules", "explain", "plugins", "new-plugin", "serve"]
ALLOWED = {"auditor", "text", "json", "toml", "pyproject", "tool", "txt", "docx", "html", "htm", "pdf",
           "error", "warning", "info", "never", "ningxia", "gansu", "shaanxi", "all", "selected", "dir",
           "NAT", "COL", "national", "totals", "status", "verified", "practice", "inferred", "plugin", "Python", "TOML", "JSON", "JSONL", "jsonl", "csv", "xlsx", "sha", "new", "serve", "web", "bogus", "nosuch", "xml", *COMMANDS}  # plus the bad inputs below


def run(*args):
    env = dict(os.environ, NO_COLOR="1")
    return subprocess.run([sys.executable, "-m", "auditor.cli", *args], capture_output=True, text=True,
                          env=env, timeout=60)


def english_words(text: str) -> set[str]:
    text = re.sub(r"--?[a-z][a-z-]*", " ", text)            # option names
    text = re.sub(r"\[[a-z|]+\]", " ", text)                 # choice lists [text|json]
    text = re.sub(r"\b[A-Z]{2,}(?:-[A-Z0-9]+)+\b", " ", text)  # rule ids
    text = re.sub(r"auditor-<[^>]+>/?|\.[a-z]{2,5}\b|\[tool\.auditor\]", " ", text)
    return {w for w in re.findall(r"[A-Za-z]{3,}", text) if w not in ALLOWED}


@pytest.mark.parametrize("args", [["--help"], []] + [[c, "--help"] for c in COMMANDS], ids=str)
def test_help_pages_are_chinese(args):
    r = run(*args)
    out = r.stdout + r.stderr
    assert "用法：auditor" in out and "Traceback" not in out
    assert english_words(out) == set(), out


@pytest.mark.parametrize("args, reason", [
    (["check"], "缺少参数“路径…”"),
    (["rules", "--format", "xml"], "“--format / -f”的取值无效（可用：text、json）"),
    (["check", "--bogus", "x"], "没有选项“--bogus”"),
    (["nosuch"], "没有命令“nosuch”"),
    (["check", "--fail-on"], "选项“--fail-on”需要一个取值"),
    (["explain", "a", "b"], "多余的参数"),
], ids=lambda v: v if isinstance(v, str) else " ".join(v))
def test_usage_errors_are_chinese_with_exit_2(args, reason):
    r = run(*args)
    assert r.returncode == 2
    assert reason in r.stderr and "--help 查看帮助" in r.stderr
    assert english_words(r.stderr) == set(), r.stderr
    assert "Traceback" not in r.stderr


def test_version_lists_core_and_plugins(regional):
    r = run("--version")
    assert r.returncode == 0 and r.stdout.startswith("auditor ")
    assert "插件 ningxia" in r.stdout and "插件 gansu" in r.stdout


def test_unknown_output_format_is_a_chinese_error():
    r = run("check", "--format", "xml", "x")
    assert r.returncode == 2 and "--format 的取值“xml”无效（可用：text、json、jsonl、csv、xlsx、html）" in r.stderr
    assert english_words(r.stderr) == set(), r.stderr
