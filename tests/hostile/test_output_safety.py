"""Terminal safety of text output and stdout purity with noisy plugins (issue 11)."""
from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from auditor.findings import Finding
from tests.hostile.generate import SEED

ESC_TEXT = "表三\x1b[2J总计\x07与\x9b31m正文\u202e不符\x1b]0;t\x07"


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def _result(tmp_path: Path):
    from auditor.api import parse_file
    from auditor.batch import AuditResult

    rep = parse_file(SEED)
    f = Finding(rule="NAT-X", pack="national", severity="error", category="text", message=ESC_TEXT,
                location={"line": 3, "ref": "第3行\x1b[1A"}, expected=1, actual=2, formula="a\x1b=b",
                evidence=[{"text": ESC_TEXT, "ref": "第3行"}, {"label": "总计\x1b[0m", "raw": "1\x1b", "value": 1}],
                basis="依据\x07")
    return [AuditResult("报告\x1b[2J.txt", rep, [f], []), AuditResult("坏\x1b.txt", error="无法读取\x1b[2J")]


def test_text_render_escapes_report_text_and_keeps_own_colours(monkeypatch, tmp_path):
    from auditor.render.text import render

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    out = _Tty()
    render(_result(tmp_path), False, out)
    text = out.getvalue()
    for bad in ("\x1b[2J", "\x07", "\x9b", "\u202e", "\x1b]0", "\x1b[1A", "\x1b[0m\x1b"):
        assert bad not in text, repr(bad)
    assert "\\x1b[2J" in text and "\\x07" in text and "\\x9b" in text and "\\u202e" in text
    assert "\033[31;1m" in text  # the renderer's own colour codes are still there


def test_text_render_without_tty_has_no_escape_at_all(tmp_path):
    from auditor.render.text import render

    out = io.StringIO()
    render(_result(tmp_path), False, out)
    assert "\x1b" not in out.getvalue() and "\x07" not in out.getvalue()


def test_parse_text_render_escapes(tmp_path):
    from auditor.api import parse_extracted
    from auditor.ingest import Extracted
    from auditor.render.parse_text import render_report

    text = SEED.read_text(encoding="utf-8").replace("一、总体情况", "一、总体情况\x1b[2J", 1)
    rep = parse_extracted(Extracted(path="x\x1b[2J.txt", kind="txt", text=text))
    out = io.StringIO()
    render_report(rep, out)
    assert "\x1b" not in out.getvalue()
    assert "x\\x1b[2J.txt" in out.getvalue()


def test_printable_leaves_ordinary_text_alone():
    from auditor.render.text import printable

    s = "表三（七）总计\t= 12，比上年增长 3.5%。\n"
    assert printable(s) is s or printable(s) == s


def _noisy_plugin(root: Path) -> Path:
    """A plugin distribution on PYTHONPATH whose import, hooks and rule all print to stdout."""
    pkg = root / "noisy_plugin"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text(textwrap.dedent('''
        from pathlib import Path
        from auditor.plugin import hookimpl
        print("NOISE at import")

        @hookimpl
        def auditor_rule_packs():
            print("NOISE in hook")
            return [Path(__file__).parent / "rules.toml"]

        @hookimpl
        def auditor_detect_region(report):
            print("NOISE in region hook")
            return None

        def noisy(report, ctx):
            print("NOISE in rule")
            yield ctx.fail(location={"line": 1})
        '''), encoding="utf-8")
    (pkg / "rules.toml").write_text(textwrap.dedent('''
        [pack]
        name = "noisy"
        description = "测试用"

        [[rule]]
        id = "NZ-NOISE"
        name = "noise"
        severity = "info"
        category = "content"
        summary = "测试用的规则提示语"
        basis = "测试用的依据说明文字"
        impl = "noisy_plugin:noisy"
        [rule.doc]
        "问题" = "测试用的说明文字"
        "依据" = "测试用的说明文字"
        "反例" = "测试用的说明文字"
        "正例" = "测试用的说明文字"
        '''), encoding="utf-8")
    dist = root / "noisy_plugin-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: noisy-plugin\nVersion: 1.0\n", encoding="utf-8")
    (dist / "entry_points.txt").write_text("[auditor]\nnoisy = noisy_plugin\n", encoding="utf-8")
    return root


def test_plugin_prints_do_not_corrupt_json(tmp_path):
    site = _noisy_plugin(tmp_path / "site")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")])}
    res = subprocess.run([sys.executable, "-m", "auditor.cli", "check", "--format", "json", str(SEED)],
                         capture_output=True, env=env, timeout=60, cwd=tmp_path)
    doc = json.loads(res.stdout)  # would fail on "NOISE …" lines
    err = res.stderr.decode()
    for where in ("import", "hook", "region hook", "rule"):
        assert f"NOISE in {where}" in err if where != "import" else "NOISE at import" in err, (where, err)
    assert any(f["rule"] == "NZ-NOISE" for r in doc["reports"] for f in r.get("findings", [])) or \
        "NZ-NOISE" in res.stdout.decode()
