"""End to end in a fresh virtualenv: the core and the regional plugins as separately installed
distributions, one plugin removed, a plugin that fails at import, and a pack generated with
`auditor new-plugin`, installed and tested. Slow (pip installs); needs the package registry or a
warm pip cache."""
import json
import os
import subprocess
import sys
import venv

import pytest

from conftest import ROOT

pytestmark = pytest.mark.skipif(os.environ.get("AUDITOR_SKIP_DIST") == "1", reason="AUDITOR_SKIP_DIST=1")


def sh(*args, cwd=None, check=True):
    env = dict(os.environ, NO_COLOR="1", PIP_DISABLE_PIP_VERSION_CHECK="1")
    env.pop("PYTHONPATH", None)
    r = subprocess.run([str(a) for a in args], capture_output=True, text=True, cwd=cwd, env=env, timeout=900)
    if check and r.returncode not in (0, 1):
        raise AssertionError(f"{args} -> {r.returncode}\n{r.stdout[-2000:]}\n{r.stderr[-2000:]}")
    return r


@pytest.fixture(scope="module")
def fresh(tmp_path_factory):
    where = tmp_path_factory.mktemp("dist")
    venv.create(where / "venv", with_pip=True)
    bindir = where / "venv" / ("Scripts" if sys.platform == "win32" else "bin")
    pip = bindir / "pip"
    sh(pip, "install", "-q", ROOT, ROOT / "plugins" / "auditor-ningxia", ROOT / "plugins" / "auditor-gansu")
    return where, bindir


def rule_ids(bindir):
    out = sh(bindir / "auditor", "rules").stdout
    return {line.split()[0] for line in out.splitlines() if line and not line.startswith("共")}


def test_installed_plugins_then_one_removed(fresh):
    where, bindir = fresh
    ids = rule_ids(bindir)
    assert {"NAT-T3-COL", "NX-APP-PROCESS", "GS-PERIOD"} <= ids
    r = sh(bindir / "auditor", "check", ROOT / "sample_reports", "--format", "json", cwd=where)
    packs = {os.path.basename(rep["source"])[:3]: rep["packs"] for rep in json.loads(r.stdout)["reports"]}
    assert packs["001"] == ["national", "gansu"] and packs["003"] == ["national", "ningxia"]

    sh(bindir / "pip", "uninstall", "-q", "-y", "auditor-gansu")
    ids = rule_ids(bindir)
    assert not any(i.startswith("GS-") for i in ids) and "NX-APP-PROCESS" in ids
    r = sh(bindir / "auditor", "check", ROOT / "sample_reports", "--format", "json", cwd=where)
    reports = {os.path.basename(rep["source"])[:3]: rep for rep in json.loads(r.stdout)["reports"]}
    assert reports["001"]["packs"] == ["national"] and r.returncode == 1 and "Traceback" not in r.stderr
    sh(bindir / "pip", "install", "-q", ROOT / "plugins" / "auditor-gansu")


def test_plugin_failing_at_import_is_named_and_the_run_completes(fresh, tmp_path):
    _where, bindir = fresh
    pkg = tmp_path / "auditor-broken"
    (pkg / "auditor_broken").mkdir(parents=True)
    (pkg / "auditor_broken" / "__init__.py").write_text("raise ImportError('缺少依赖 foo')\n", encoding="utf-8")
    (pkg / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n'
        '[project]\nname = "auditor-broken"\nversion = "0.0.1"\n'
        '[project.entry-points.auditor]\nbroken = "auditor_broken"\n', encoding="utf-8")
    sh(bindir / "pip", "install", "-q", pkg)
    try:
        r = sh(bindir / "auditor", "check", ROOT / "sample_reports" / "002_0a0f92715d043311.txt", check=False)
        assert r.returncode == 2  # an audit without an installed pack is not a clean result
        assert "插件“broken”加载失败" in r.stderr and "缺少依赖 foo" in r.stderr and "Traceback" not in r.stderr
        assert "红寺堡区人民政府办公室" in r.stdout and "NX-GF-CITE" in r.stdout  # the other packs still ran
        p = sh(bindir / "auditor", "plugins", check=False)
        assert p.returncode == 2 and "broken" in p.stdout and "ningxia" in p.stdout
    finally:
        sh(bindir / "pip", "uninstall", "-q", "-y", "auditor-broken")


def test_new_plugin_installs_and_its_tests_pass(fresh, tmp_path):
    _where, bindir = fresh
    r = sh(bindir / "auditor", "new-plugin", "demo", "--region", "shaanxi", "--prefix", "DM", "--dir", tmp_path)
    root = tmp_path / "auditor-demo"
    assert r.returncode == 0 and (root / "tests" / "demo.cases.toml").is_file()
    sh(bindir / "pip", "install", "-q", f"{root}[test]")
    try:
        assert {"DM-CONTACT", "DM-OVERVIEW-LENGTH"} <= rule_ids(bindir)
        t = sh(bindir / "python", "-m", "pytest", "-q", root, "-p", "no:cacheprovider", cwd=root, check=False)
        assert t.returncode == 0, t.stdout[-3000:]
        assert "6 passed" in t.stdout  # 3 cases, the case-coverage check, 2 ordinary tests
        # The generated cases really test: break the rule's pattern and they fail.
        rules = root / "src" / "auditor_demo" / "rules.toml"
        rules.write_text(rules.read_text(encoding="utf-8").replace("联系电话|", "不存在的词|").replace(
            "电话[:：]|联系方式|联系地址", "不存在的词"), encoding="utf-8")
        sh(bindir / "pip", "install", "-q", "--force-reinstall", "--no-deps", root)
        t = sh(bindir / "python", "-m", "pytest", "-q", root, "-p", "no:cacheprovider", cwd=root, check=False)
        assert t.returncode == 1 and "DM-CONTACT" in t.stdout
    finally:
        sh(bindir / "pip", "uninstall", "-q", "-y", "auditor-demo")


def test_plugin_guide_commands_do_what_the_guide_says(fresh, tmp_path):
    """Section 2 of docs/plugins.md, run literally in a fresh folder with the fresh venv on PATH."""
    import re

    guide = (ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")
    part = guide[guide.index("## 2."):guide.index("## 3.")]
    commands = [c.split("  #")[0].strip() for b in re.findall(r"```bash\n(.*?)```", part, flags=re.S)
                for c in b.splitlines() if c.strip()]
    assert commands[0].startswith("auditor new-plugin shaanxi") and len(commands) >= 5
    _where, bindir = fresh
    env = dict(os.environ, PATH=f"{bindir}{os.pathsep}{os.environ['PATH']}", NO_COLOR="1",
               PIP_DISABLE_PIP_VERSION_CHECK="1")
    env.pop("PYTHONPATH", None)
    outputs = {}
    try:
        for cmd in commands:
            r = subprocess.run(["bash", "-c", cmd], cwd=tmp_path, env=env, capture_output=True, text=True,
                               timeout=900)
            assert r.returncode == 0, f"{cmd} -> {r.returncode}\n{r.stdout[-2000:]}\n{r.stderr[-2000:]}"
            outputs[cmd] = r.stdout
        plugins_out = next(v for k, v in outputs.items() if k.startswith("auditor plugins"))
        assert "shaanxi" in plugins_out and "陕西" in plugins_out
        grep_out = next(v for k, v in outputs.items() if "grep SX-" in k)
        assert {ln.split()[0] for ln in grep_out.splitlines()} == {"SX-CONTACT", "SX-OVERVIEW-LENGTH"}
        pytest_out = next(v for k, v in outputs.items() if "pytest" in k)
        assert "6 passed" in pytest_out  # 3 cases + the coverage check + 2 ordinary tests
    finally:
        sh(bindir / "pip", "uninstall", "-q", "-y", "auditor-shaanxi", check=False)
