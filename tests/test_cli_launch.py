"""`auditor --help` from the per-user cache (auditor.cli_launch): the same page typer renders,
printed without importing typer once it is cached; every other command line goes to auditor.cli."""
import os
import subprocess
import sys

_LAUNCH = ("import sys\n"
           "from auditor.cli_launch import main\n"
           "sys.argv = ['auditor'] + sys.argv[1:]\n"
           "try:\n    main()\nexcept SystemExit as exc:\n"
           "    sys.stderr.write(f'\\nexit={exc.code} typer={\"typer\" in sys.modules}')\n")


def _launch(cache: str, *args: str) -> tuple[str, str]:
    env = dict(os.environ, AUDITOR_CACHE_DIR=cache, NO_COLOR="1")
    r = subprocess.run([sys.executable, "-c", _LAUNCH, *args], capture_output=True, text=True, env=env, timeout=60)
    return r.stdout, r.stderr.rsplit("\n", 1)[-1]


def _typer_page() -> str:
    r = subprocess.run([sys.executable, "-m", "auditor.cli", "--help"], capture_output=True, text=True,
                       env=dict(os.environ, NO_COLOR="1"), timeout=60)
    assert r.returncode == 0
    return r.stdout


def test_help_page_is_typers_and_is_printed_from_the_cache_without_typer(tmp_path):
    page = _typer_page()
    assert page.startswith("用法：auditor") and "\x1b" not in page
    cache = str(tmp_path / "cache")
    assert _launch(cache, "--help") == (page, "exit=0 typer=True")  # rendered, and kept
    assert _launch(cache, "--help") == (page, "exit=0 typer=False")  # from the cache
    assert len(list((tmp_path / "cache").glob("help-*.json"))) == 1


def test_help_page_without_a_cache_dir_or_with_a_damaged_entry(tmp_path):
    page = _typer_page()
    assert _launch("", "--help") == (page, "exit=0 typer=True")  # AUDITOR_CACHE_DIR= : no cache
    cache = tmp_path / "cache"
    _launch(str(cache), "--help")
    (entry,) = cache.glob("help-*.json")
    entry.write_text('{"key": "x", "data": 1}', encoding="utf-8")  # damaged: rendered again
    assert _launch(str(cache), "--help") == (page, "exit=0 typer=True")
    assert _launch(str(cache), "--help") == (page, "exit=0 typer=False")


def test_other_command_lines_go_to_the_cli(tmp_path):
    out, status = _launch(str(tmp_path), "--version")
    assert "auditor" in out and status == "exit=0 typer=True"
    out, status = _launch(str(tmp_path), "rules", "--help")
    assert "用法：auditor rules" in out and status == "exit=0 typer=True"
    assert not list(tmp_path.glob("help-*.json"))
