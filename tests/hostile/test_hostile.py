"""The hostile suite (issue 11): each hostile file is audited by `auditor check` in a subprocess
limited to 500 MB of address space and 10 s, next to a good report. It must end in time, name the
file with a Chinese reason, exit 2, still audit the good report, and leave both inputs unchanged."""
from __future__ import annotations

import hashlib
import os
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.hostile.generate import CASES, SEED, Case

MEMORY = 500 * 1024 * 1024
SECONDS = 10

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX only (rlimits, FIFOs)")


def _limit() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def run_check(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "auditor.cli", "check", *args], cwd=cwd,
                          capture_output=True, timeout=SECONDS, preexec_fn=_limit,
                          env={**os.environ, "NO_COLOR": "1", **(env or {})})


def _digest(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_input(case: Case, tmp_path: Path):
    bad = case.make(tmp_path)
    good = tmp_path / "good_report.txt"
    shutil.copyfile(SEED, good)
    before = {p: _digest(p) for p in (bad, good) if p.is_file() and not p.is_symlink()} if case.hashable \
        else {good: _digest(good)}
    res = run_check(str(bad), str(good), cwd=tmp_path)  # raises TimeoutExpired after 10 s
    out, err = res.stdout, res.stderr.decode("utf-8", "replace")
    assert b"Traceback" not in res.stderr, err
    assert "\n  " + str(good) in out.decode(), "the good report in the same batch was not audited"
    if case.reason is not None:
        assert res.returncode == 2, (res.returncode, err)
        line = next((ln for ln in err.splitlines() if str(bad) in ln), "")
        assert case.reason in line, err
        assert any("\u4e00" <= ch <= "\u9fff" for ch in line.split(str(bad), 1)[1])
    else:
        assert res.returncode in (0, 1), (res.returncode, err)
        assert "\n  " + str(bad) in out.decode(), "the report was not audited"
    for needle in case.forbidden:
        assert needle not in out and needle not in res.stderr, needle
    for needle in case.required:
        assert needle in out, needle
    for p, digest in before.items():
        assert _digest(p) == digest, f"{p} was modified"


def _parse_json(path: Path, cwd: Path) -> dict:
    import json

    res = subprocess.run([sys.executable, "-m", "auditor.cli", "parse", "--format", "json", str(path)],
                         cwd=cwd, capture_output=True, timeout=SECONDS, preexec_fn=_limit)
    assert res.returncode == 0, res.stderr.decode()
    return json.loads(res.stdout)


@pytest.mark.parametrize("make", [c.make for c in CASES if c.name.startswith("txt_stray_byte")],
                         ids=["utf-8", "gb18030"])
def test_stray_byte_is_replaced_and_said(make, tmp_path: Path):
    rep = _parse_json(make(tmp_path), tmp_path)
    notes = [n["message"] for n in rep["parse_notes"]]
    assert any("1 个字节" in n and "已替换" in n for n in notes), notes
    assert rep["tables"]["t3"]["found"] if "found" in rep["tables"]["t3"] else True


def test_parse_output_is_terminal_safe(tmp_path: Path):
    bad = next(c for c in CASES if c.name == "txt_control_chars").make(tmp_path)
    res = subprocess.run([sys.executable, "-m", "auditor.cli", "parse", str(bad)], cwd=tmp_path,
                         capture_output=True, timeout=SECONDS, preexec_fn=_limit)
    assert res.returncode == 0, res.stderr.decode()
    assert b"\x1b" not in res.stdout and b"\x07" not in res.stdout


def test_escape_sequences_in_a_file_name(tmp_path: Path):
    name = tmp_path / "evil\x1b[2Jname.txt"
    shutil.copyfile(SEED, name)
    res = run_check(str(name), cwd=tmp_path)
    assert b"\x1b" not in res.stdout and b"\x1b" not in res.stderr
    assert b"evil\\x1b[2Jname.txt" in res.stdout


def test_batch_goes_on_after_every_hostile_file(tmp_path: Path):
    """All the refused cases in one batch: each named, the good report still audited, exit 2."""
    light = [c for c in CASES if c.reason and not c.name.startswith(("docx_bomb", "docx_lying", "txt_too"))]
    bads = []
    for c in light:
        sub = tmp_path / c.name
        sub.mkdir()
        bads.append(c.make(sub))
    good = tmp_path / "good_report.txt"
    shutil.copyfile(SEED, good)
    res = run_check(*map(str, bads), str(good), cwd=tmp_path)
    err = res.stderr.decode()
    assert res.returncode == 2
    for c, bad in zip(light, bads):
        assert any(str(bad) in ln and c.reason in ln for ln in err.splitlines()), (c.name, err)
    assert "\n  " + str(good) in res.stdout.decode()
