"""Unreadable input: one line naming the file and the reason, exit code 2, no traceback; the rest
of a batch goes on; nothing the user gave is modified."""
import hashlib
import os
import subprocess
import sys
import zipfile

import pytest

from conftest import SEEDS

AUDITOR = [sys.executable, "-m", "auditor.cli"]


def run(*args, cwd=None):
    env = dict(os.environ, NO_COLOR="1")
    return subprocess.run([*AUDITOR, *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=120)


@pytest.fixture()
def bad_files(tmp_path):
    garbage = tmp_path / "garbage.txt"
    garbage.write_bytes(bytes(range(256)) * 40)
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    fake = tmp_path / "fake.docx"
    fake.write_bytes(b"this is not a zip file at all")
    nodoc = tmp_path / "nodoc.docx"
    with zipfile.ZipFile(nodoc, "w") as z:
        z.writestr("hello.txt", "not a word document")
    unknown = tmp_path / "report.xyz"
    unknown.write_text("一二三", encoding="utf-8")
    english = tmp_path / "english.txt"
    english.write_text("just some english text\n" * 20, encoding="utf-8")
    return {"garbage": garbage, "empty": empty, "fake": fake, "nodoc": nodoc, "unknown": unknown,
            "english": english}


@pytest.mark.parametrize("name,reason", [
    ("garbage", "二进制"), ("empty", "文件为空"), ("fake", "不是有效的 DOCX"), ("nodoc", "DOCX 文件已损坏"),
    ("unknown", "不支持的文件类型"), ("english", "没有可识别的中文正文"),
])
def test_parse_bad_input(bad_files, name, reason):
    r = run("parse", str(bad_files[name]))
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and str(bad_files[name]) in lines[0] and reason in lines[0]


def test_batch_goes_on_and_exit_code_2(bad_files, tmp_path):
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in bad_files.values()}
    r = run("check", str(bad_files["garbage"]), str(SEEDS[0]), str(bad_files["fake"]), "--format", "json")
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    import json

    doc = json.loads(r.stdout)
    by_source = {e["source"]: e for e in doc["reports"]}
    assert by_source[str(SEEDS[0])]["error"] is None and by_source[str(SEEDS[0])]["profile"]["year"] == 2020
    assert by_source[str(bad_files["garbage"])]["error"]
    assert doc["summary"]["unreadable"] == 2
    assert before == {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in bad_files.values()}


def test_missing_path():
    r = run("check", "no/such/file.txt")
    assert r.returncode == 2 and "文件不存在" in r.stderr and "Traceback" not in r.stderr


def test_reading_a_small_file_does_not_set_aside_the_size_limit():
    """read(n) reserves n bytes: a report is read by its own size, not the 100 MB limit (that
    reserve counted against the worker's address-space cap, and showed as 100 MB peak)."""
    import tracemalloc

    from auditor.ingest import read_report

    read_report(SEEDS[0])
    tracemalloc.start()
    try:
        read_report(SEEDS[0])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 5 * 2**20


def test_a_file_that_grew_after_its_size_was_taken_is_read_whole(tmp_path, monkeypatch):
    import os

    import auditor.ingest as ingest

    path = tmp_path / "grew.txt"
    path.write_bytes(SEEDS[0].read_bytes())
    real_fstat = os.fstat

    def stale_fstat(fd):  # the size as it was before the writer finished
        st = real_fstat(fd)
        return os.stat_result((st.st_mode, st.st_ino, st.st_dev, st.st_nlink, st.st_uid, st.st_gid, 100,
                               st.st_atime, st.st_mtime, st.st_ctime))

    monkeypatch.setattr(ingest.os, "fstat", stale_fstat)
    assert ingest._read_regular(path, ingest.DEFAULT) == SEEDS[0].read_bytes()


def test_a_file_that_grew_past_the_size_limit_is_refused_not_cut(tmp_path, monkeypatch):
    """The size fstat gives only sizes the first read: the rest of a file that grew is read too,
    up to the size limit, and a file past the limit is refused, not cut."""
    import dataclasses

    from auditor import ingest
    from auditor.errors import InputError
    from auditor.limits import DEFAULT

    p = tmp_path / "grew.txt"
    body = ("一、总体情况\n" * 400).encode("utf-8")
    p.write_bytes(body)
    real = os.fstat
    monkeypatch.setattr(ingest.os, "fstat", lambda fd: os.stat_result((*real(fd)[:6], 3, *real(fd)[7:])))
    assert ingest._read_regular(p, DEFAULT) == body
    small = dataclasses.replace(DEFAULT, max_file_mb=(len(body) - 1) / 1024 / 1024)
    with pytest.raises(InputError):
        ingest._read_regular(p, small)
    exact = dataclasses.replace(DEFAULT, max_file_mb=len(body) / 1024 / 1024)
    assert ingest._read_regular(p, exact) == body
