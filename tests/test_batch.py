"""Batch audits (issue 12) and the output side of hostile input (issue 11): parallel pool with a
time/memory guard per report, streaming JSONL with --resume, XLSX/CSV, baseline, statistics,
inputs (@list, -, duplicates), safe outputs."""
import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, SEEDS

AUDITOR = [sys.executable, "-m", "auditor.cli"]


def run(*args, cwd=None, input=None, timeout=180):
    env = dict(os.environ, NO_COLOR="1")
    return subprocess.run([*AUDITOR, *map(str, args)], capture_output=True, text=True, cwd=cwd, env=env,
                          timeout=timeout, input=input)


@pytest.fixture(scope="module")
def batch_dir(tmp_path_factory):
    """12 distinct reports (text, DOCX, HTML) made by tools/batchgen.py."""
    from tools.batchgen import generate

    d = tmp_path_factory.mktemp("batch")
    generate(d, 12, docx_share=0.17, html_share=0.17)
    return d


def jsonl_records(path):
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines()]


def _own(record: dict) -> dict:
    """A record without what the cross-report step adds at the end of a batch."""
    rec = dict(record)
    rec["findings"] = [f for f in rec.get("findings", []) if f["category"] != "cross-report"]
    rec["not_assessable"] = [s for s in rec.get("not_assessable", []) if not s["rule"].startswith("NAT-X-")]
    return rec


def test_generator_makes_distinct_mixed_reports(batch_dir):
    files = sorted(batch_dir.iterdir())
    assert len(files) == 12 and {f.suffix for f in files} == {".txt", ".docx", ".html"}
    assert len({f.read_bytes() for f in files}) == 12


def test_parallel_equals_serial_and_is_sorted(batch_dir, tmp_path):
    r1 = run("check", batch_dir, "-f", "json", "-j", "1", "-o", tmp_path / "j1.json")
    r2 = run("check", batch_dir, "-f", "json,jsonl", "-j", "2", "-o", tmp_path / "j2.json", "-o", tmp_path / "j2.jsonl")
    assert r1.returncode == r2.returncode == 1, r1.stderr + r2.stderr  # seed 003 copies have errors
    assert (tmp_path / "j1.json").read_bytes() == (tmp_path / "j2.json").read_bytes()
    doc = json.loads((tmp_path / "j1.json").read_text(encoding="utf-8"))
    sources = [r["source"] for r in doc["reports"]]
    assert sources == sorted(sources) and len(sources) == 12
    recs = jsonl_records(tmp_path / "j2.jsonl")
    assert [r["source"] for r in recs] == sources
    assert all(r["kind"] == "auditor-record" and len(r["sha256"]) == 64 and "t3" in r["tables"] for r in recs)
    assert [r["findings"] for r in recs] == [r["findings"] for r in doc["reports"]]


def test_text_and_json_output_unchanged_for_seeds(tmp_path):
    """The renderers read records now; text output still has the same shape and totals."""
    r = run("check", *SEEDS)
    assert r.stdout.splitlines()[:2] == ["■ 固原市人民政府办公室 · 2020 年度：提示 1",
                                         f"  {SEEDS[0]}（政府办公室（厅），宁夏，2019 年版格式）"]
    assert r.stdout.rstrip().splitlines()[-1].startswith("共审查 5 份报告：错误 2，")


# --- inputs ---------------------------------------------------------------------------------------

def test_duplicates_list_file_and_stdin(tmp_path):
    shutil.copy(SEEDS[0], tmp_path / "a.txt")
    shutil.copy(SEEDS[0], tmp_path / "b.txt")
    lst = tmp_path / "list.txt"
    lst.write_text(f"# reports\n{tmp_path / 'a.txt'}\n\n{tmp_path / 'b.txt'}\n{SEEDS[3]}\n", encoding="utf-8")
    r = run("check", f"@{lst}", "-f", "json")
    doc = json.loads(r.stdout)
    by = {Path(x["source"]).name: x for x in doc["reports"]}
    assert by["b.txt"]["duplicate_of"] == str(tmp_path / "a.txt") and by["b.txt"]["findings"] == []
    assert doc["summary"]["duplicates"] == 1 and doc["summary"]["reports"] == 3
    r = run("check", "-", "-f", "json", input=SEEDS[3].read_text(encoding="utf-8"))
    doc = json.loads(r.stdout)
    assert doc["reports"][0]["source"] == "-" and r.returncode == 1
    assert {f["rule"] for f in doc["reports"][0]["findings"]} >= {"NAT-T3-COL", "NAT-T3-ROW"}
    r = run("check", "@" + str(tmp_path / "missing.txt"))
    assert r.returncode == 2 and "无法读取文件列表" in r.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_fifo_input_is_refused_not_blocking(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    r = run("check", fifo, SEEDS[0], timeout=60)
    assert r.returncode == 2 and "不是普通文件" in r.stderr and "共审查 2 份报告" in r.stdout


# --- outputs are safe -----------------------------------------------------------------------------

def test_output_over_an_input_is_refused(tmp_path):
    shutil.copy(SEEDS[1], tmp_path / "r.txt")
    before = (tmp_path / "r.txt").read_bytes()
    for args in (["check", tmp_path / "r.txt", "-o", tmp_path / "r.txt"], ["check", tmp_path, "-o", tmp_path / "r.txt"]):
        r = run(*args)
        assert r.returncode == 2 and "拒绝覆盖" in r.stderr and "Traceback" not in r.stderr
    assert (tmp_path / "r.txt").read_bytes() == before


def test_output_into_missing_folder_is_exit_2(tmp_path):
    r = run("check", SEEDS[0], "-o", tmp_path / "no" / "such" / "out.json")
    assert r.returncode == 2 and "不存在" in r.stderr and "Traceback" not in r.stderr


def test_own_output_inside_audited_folder_is_skipped(tmp_path):
    shutil.copy(SEEDS[0], tmp_path / "a.txt")
    assert run("check", tmp_path, "-o", tmp_path / "out.txt").returncode == 0
    r = run("check", tmp_path, "-o", tmp_path / "out2.txt")
    text = (tmp_path / "out2.txt").read_text(encoding="utf-8")
    assert "共审查 1 份报告" in text and "out.txt: 是本工具生成的输出文件" in r.stderr
    # A real report is never taken for an output: the same content marker test on every seed.
    from auditor.batch import is_own_output

    assert not any(is_own_output(s) for s in SEEDS) and is_own_output(tmp_path / "out.txt")


def test_atomic_file_keeps_previous_output_on_failure(tmp_path):
    from auditor.outputs import AtomicFile

    target = tmp_path / "out.json"
    target.write_text("previous valid output", encoding="utf-8")
    f = AtomicFile(target)
    f.fh.write("half of a new")
    f.abort()  # what an interrupted or failed write does
    assert target.read_text(encoding="utf-8") == "previous valid output"
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]
    f = AtomicFile(target)
    f.fh.write("new")
    f.commit()
    assert target.read_text(encoding="utf-8") == "new" and len(list(tmp_path.iterdir())) == 1


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores directory permissions")
def test_unwritable_folder_is_exit_2(tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    try:
        r = run("check", SEEDS[0], "-o", ro / "out.json")
        assert r.returncode == 2 and "权限" in r.stderr
    finally:
        ro.chmod(0o700)


def test_format_destination_errors(tmp_path):
    r = run("check", SEEDS[0], "-f", "xlsx")
    assert r.returncode == 2 and "xlsx 格式需要" in r.stderr
    r = run("check", SEEDS[0], "-f", "pdf")
    assert r.returncode == 2 and "无效" in r.stderr
    r = run("check", SEEDS[0], "-f", "json,csv")
    assert r.returncode == 2 and "只能有一种格式输出到屏幕" in r.stderr
    r = run("check", SEEDS[0], "-f", "json,csv,jsonl", "--output-dir", tmp_path)
    assert r.returncode == 0 and sorted(p.name for p in tmp_path.iterdir()) == [
        "auditor-results.csv", "auditor-results.json", "auditor-results.jsonl"]


# --- spreadsheets ---------------------------------------------------------------------------------

def test_xlsx_and_csv(tmp_path):
    import openpyxl

    from auditor.api import parse_file

    files = [SEEDS[0], SEEDS[3]]
    r = run("check", *files, "-f", "xlsx,csv,json", "--output-dir", tmp_path)
    assert r.returncode == 1
    doc = json.loads((tmp_path / "auditor-results.json").read_text(encoding="utf-8"))
    findings = [(x["source"], f["rule"], f["message"]) for x in doc["reports"] for f in x["findings"]]
    wb = openpyxl.load_workbook(tmp_path / "auditor-results.xlsx")
    assert wb.sheetnames == ["汇总", "问题清单", "规则统计", "表三数据", "无法读取"]
    issues = wb["问题清单"]
    assert issues.freeze_panes == "A2" and issues.auto_filter.ref == f"A1:R{len(findings) + 1}"  # R: 文字识别
    rows = list(issues.iter_rows(values_only=True))
    assert rows[0][:4] == ("报告文件", "机关", "年度", "规则")
    assert [(r[0], r[3], r[6]) for r in rows[1:]] == findings
    assert issues.cell(2, 5).fill.fgColor.rgb.endswith({"错误": "F8CBAD", "警告": "FFE699", "提示": "DDEBF7"}[rows[1][4]])
    summary = list(wb["汇总"].iter_rows(values_only=True))
    assert [s[0] for s in summary[1:]] == [str(f) for f in files]
    assert summary[2][7] == sum(1 for x in findings if x[0] == str(SEEDS[3]) and x[1] in ("NAT-T3-COL", "NAT-T3-ROW"))
    rules = {r[0]: r for r in wb["规则统计"].iter_rows(min_row=2, values_only=True)}
    assert rules["NAT-T3-COL"][4:] == (1, 1)
    t3 = list(wb["表三数据"].iter_rows(min_row=2, values_only=True))
    for f in files:
        rep = parse_file(f)
        mine = [r for r in t3 if r[0] == str(f)]
        assert [r[3] for r in mine] == list(rep.t3.rows)
        for r in mine:
            row = rep.t3.rows[r[3]]
            assert list(r[5:12]) == [row.value(c) for c in
                                     ("natural", "commercial", "research", "social", "legal", "other", "total")]
    raw = (tmp_path / "auditor-results.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with open(tmp_path / "auditor-results.csv", encoding="utf-8-sig", newline="") as fh:
        crows = list(csv.reader(fh))
    assert crows[0][0] == "报告文件" and len(crows) == len(findings) + 1
    assert [(r[0], r[3], r[6]) for r in crows[1:]] == findings and "兴庆区掌政镇" in {r[1] for r in crows}


def test_xlsx_lists_unreadable_files(tmp_path):
    import openpyxl

    bad = tmp_path / "bad.docx"
    bad.write_bytes(b"not a zip")
    r = run("check", bad, SEEDS[0], "-o", tmp_path / "out.xlsx")
    assert r.returncode == 2
    rows = list(openpyxl.load_workbook(tmp_path / "out.xlsx")["无法读取"].iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][0] == str(bad) and rows[1][1]


def test_formula_text_is_not_a_formula():
    from auditor.render.csv_out import no_formula

    assert no_formula("=HYPERLINK(1)") == "'=HYPERLINK(1)" and no_formula("总计") == "总计"


# --- statistics and baseline ----------------------------------------------------------------------

def test_statistics_text_and_json():
    r = run("check", *SEEDS, "--statistics", "-f", "json")
    stats = json.loads(r.stdout)
    by = {s["rule"]: s for s in stats}
    assert by["NAT-T3-COL"] == {"rule": "NAT-T3-COL", "severity": "error", "pack": "national", "category": "totals",
                                "count": 1, "reports": 1}
    assert [s["count"] for s in stats] == sorted((s["count"] for s in stats), reverse=True)
    r = run("check", *SEEDS, "--statistics")
    assert "NAT-T3-COL" in r.stdout and r.stdout.rstrip().endswith(f"{len(stats)} 条规则") and r.returncode == 1


def _change_t3_cell(text: str) -> str:
    """Seed 000 with its 表三 总计 of 本年新收 raised by 1: a totals error appears."""
    from auditor.api import parse_file

    rep = parse_file(SEEDS[0])
    cell = rep.t3.rows["new"].cells["total"]
    lines = text.split("\n")
    line = lines[cell.line - 1]
    old = str(cell.value)
    idx = line.rindex(old)
    lines[cell.line - 1] = line[:idx] + str(int(cell.value) + 1) + line[idx + len(old):]
    return "\n".join(lines)


def test_baseline_round_trip(tmp_path):
    d = tmp_path / "reports"
    d.mkdir()
    for s in SEEDS:
        shutil.copy(s, d / s.name)
    base = tmp_path / "baseline.json"
    r = run("check", d, "--write-baseline", base, "-f", "json")
    full = json.loads(r.stdout)
    n = full["summary"]["error"] + full["summary"]["warning"] + full["summary"]["info"]
    waivers = json.loads(base.read_text(encoding="utf-8"))["waivers"]
    assert len(waivers) == n and all("organ" in w and "year" in w and "reason" in w for w in waivers)
    assert not any("source" in w or "path" in w for w in waivers)
    r = run("check", d, "--baseline", base, "-f", "json")
    doc = json.loads(r.stdout)
    assert r.returncode == 0 and sum(len(x["findings"]) for x in doc["reports"]) == 0
    assert f"已豁免 {n} 条已知问题" in r.stderr
    # Rename a file (identity is not the path) and change one number in another: only the new finding.
    (d / SEEDS[1].name).rename(d / "renamed.txt")
    target = d / SEEDS[0].name
    target.write_text(_change_t3_cell(target.read_text(encoding="utf-8")), encoding="utf-8")
    r = run("check", d, "--baseline", base, "-f", "json")
    new = [(x["source"], f["rule"]) for x in json.loads(r.stdout)["reports"] for f in x["findings"]]
    unwaived = json.loads(run("check", target, "-f", "json").stdout)["reports"][0]["findings"]
    before = {(f["rule"], json.dumps(f["location"], sort_keys=True))
              for f in next(x for x in full["reports"] if x["source"] == str(target))["findings"]}
    expected = [(str(target), f["rule"]) for f in unwaived
                if (f["rule"], json.dumps(f["location"], sort_keys=True)) not in before]
    assert new == expected and ("NAT-T3-ROW" in {x[1] for x in new} or "NAT-T3-COL" in {x[1] for x in new})
    assert r.returncode == 1
    # A reason written by hand survives rewriting the baseline.
    doc = json.loads(base.read_text(encoding="utf-8"))
    doc["waivers"][0]["reason"] = "去年已整改"
    base.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    run("check", d, "--write-baseline", base)
    assert "去年已整改" in base.read_text(encoding="utf-8")


def test_bad_baseline_file_is_exit_2(tmp_path):
    bad = tmp_path / "b.json"
    bad.write_text("[1, 2]", encoding="utf-8")
    r = run("check", SEEDS[0], "--baseline", bad)
    assert r.returncode == 2 and "基线文件" in r.stderr
    r = run("check", SEEDS[0], "--baseline", tmp_path / "none.json")
    assert r.returncode == 2 and "不存在" in r.stderr


# --- worker guard ---------------------------------------------------------------------------------

def _misbehaving(path: str) -> dict:
    name = Path(path).name
    if name == "slow":
        time.sleep(30)
    elif name == "hog":
        blocks = []
        while True:
            blocks.append(bytearray(50 * 1024 * 1024))
    elif name == "segv":
        os.kill(os.getpid(), signal.SIGSEGV)
    elif name == "exit":
        os._exit(3)
    return {"source": path, "error": None, "findings": [], "packs": [], "profile": None}


def test_pool_turns_timeout_memory_and_crashes_into_input_errors():
    from auditor.worker import Guard, run_pool

    names = ["ok1", "slow", "ok2", "hog", "segv", "ok3", "exit", "ok4"]
    t = time.monotonic()
    got = dict(run_pool(list(enumerate(names)), _misbehaving, jobs=2, guard=Guard(time_s=1.0, memory_mb=300)))
    assert time.monotonic() - t < 20
    assert sorted(got) == list(range(len(names)))
    errors = {names[i]: rec["error"] for i, rec in got.items()}
    assert errors["slow"] == "审查超时（超过 1 秒）"
    assert errors["hog"] == "内存超过上限（300 MB）"
    assert "审查进程意外退出" in errors["segv"] and "退出码 3" in errors["exit"]
    assert all(errors[n] is None for n in names if n.startswith("ok"))


def test_in_process_guard_timeout():
    from auditor.worker import Guard, guarded

    rec = guarded(lambda: _misbehaving("slow"), "slow", Guard(time_s=0.5))
    assert rec["error"] == "审查超时（超过 0.5 秒）"


# --- interruption, kill and resume ----------------------------------------------------------------

@pytest.fixture(scope="module")
def text_batch(tmp_path_factory):
    from tools.batchgen import generate

    d = tmp_path_factory.mktemp("textbatch")
    generate(d, 40, docx_share=0, html_share=0)
    return d


def _wait_lines(path: Path, n: int, proc, limit=60):
    t = time.monotonic()
    while time.monotonic() - t < limit and proc.poll() is None:
        if path.exists() and path.read_bytes().count(b"\n") >= n:
            return True
        time.sleep(0.02)
    return False


def test_killed_batch_leaves_valid_jsonl_and_resume_finishes_it(text_batch, tmp_path):
    out = tmp_path / "out.jsonl"
    env = dict(os.environ, NO_COLOR="1")
    proc = subprocess.Popen([*AUDITOR, "check", str(text_batch), "-f", "jsonl", "-o", str(out), "-j", "1"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    assert _wait_lines(out, 3, proc), "batch finished before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait(30)
    lines = out.read_bytes().split(b"\n")
    complete = [json.loads(line) for line in lines[:-1]]  # every complete line is a record
    assert 3 <= len(complete) < 40
    r = run("check", text_batch, "-f", "jsonl", "-o", out, "--resume", "-j", "2")
    assert r.returncode == 1, r.stderr
    assert f"续跑：{len(complete)} 份报告已在" in r.stderr and f"待审查 {40 - len(complete)} 份" in r.stderr
    final = jsonl_records(out)
    assert [x["source"] for x in final] == sorted(str(p) for p in text_batch.iterdir())
    # The finished reports were kept, not redone; once the whole batch is there, the cross-report
    # checks may add their findings to them (copies of one sample look alike).
    assert [_own(x) for x in final[:len(complete)]] == [_own(x) for x in complete]
    full = tmp_path / "full.jsonl"
    run("check", text_batch, "-f", "jsonl", "-o", full)
    assert jsonl_records(full) == final


def test_resume_drops_a_torn_line_and_matches_by_content(text_batch, tmp_path):
    out = tmp_path / "out.jsonl"
    run("check", text_batch, "-f", "jsonl", "-o", out)
    lines = out.read_text(encoding="utf-8").splitlines(keepends=True)
    out.write_text("".join(lines[:5]) + lines[5][:40], encoding="utf-8")  # killed mid-line
    moved = tmp_path / "moved"
    shutil.copytree(text_batch, moved)  # same contents under other names
    r = run("check", moved, "-f", "jsonl", "-o", out, "--resume")
    assert "续跑：5 份报告已在" in r.stderr
    final = jsonl_records(out)
    assert len(final) == 40 and all(x["source"].startswith(str(moved)) for x in final)
    r = run("check", SEEDS[0], "--resume")
    assert r.returncode == 2 and "--resume 需要" in r.stderr


def test_ctrl_c_says_how_far_it_got_and_keeps_outputs(text_batch, tmp_path):
    out = tmp_path / "out.jsonl"
    proc = subprocess.Popen([*AUDITOR, "check", str(text_batch), "-f", "jsonl", "-o", str(out), "-j", "2"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            env=dict(os.environ, NO_COLOR="1"))
    assert _wait_lines(out, 2, proc), "batch finished before it could be interrupted"
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    done = len(jsonl_records(out))
    assert f"已中断：已完成 {done}/40 份" in err and "Traceback" not in err


def test_ctrl_c_right_after_a_record_is_written_still_counts_it(text_batch, tmp_path, monkeypatch):
    """The interrupt lands inside the JSONL write, just after the line went out: the count said
    on interrupt is still exactly the number of records the file holds (and --resume finds)."""
    from auditor import batch
    from auditor.batch import CheckOptions, run_check
    from auditor.config import Config, resolve
    from auditor.plugins import default_plugins

    original = batch._ResumableJsonl.add
    calls = []

    def add_then_interrupt(self, rec, resumed=None):
        original(self, rec, resumed)
        calls.append(rec["source"])
        if len(calls) == 3:
            signal.raise_signal(signal.SIGINT)

    monkeypatch.setattr(batch._ResumableJsonl, "add", add_then_interrupt)
    loaded, cfg, lines = default_plugins(), Config(), []
    out = tmp_path / "out.jsonl"
    opts = CheckOptions(paths=[str(text_batch)], jobs=1, quiet=True, formats=["jsonl"], outputs=[out])
    assert run_check(opts, resolve(loaded.rules, cfg), cfg, loaded, lines.append) == 130
    assert len(jsonl_records(out)) == 3
    assert any("已中断：已完成 3/40 份" in line for line in lines), lines


# --- progress on a terminal -----------------------------------------------------------------------

def test_progress_bar_on_a_tty_only(text_batch, tmp_path):
    import pty

    pid, fd = pty.fork()
    if pid == 0:  # child: the check with a terminal as stdout and stderr
        os.environ["COLUMNS"] = "120"
        os.execv(sys.executable, [sys.executable, "-m", "auditor.cli", "check", str(text_batch), "-j", "2",
                                  "-f", "jsonl", "-o", str(tmp_path / "o.jsonl")])
    chunks = []
    while True:
        try:
            data = os.read(fd, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    os.waitpid(pid, 0)
    shown = b"".join(chunks).decode("utf-8", "replace")
    assert "审查中" in shown and "/40" in shown and "份/秒" in shown and "无法读取 0" in shown
    r = run("check", text_batch, "-f", "jsonl", "-o", tmp_path / "p.jsonl")
    assert "审查中" not in r.stderr and r.stderr == ""



def test_parallel_workers_take_their_limits_from_the_config(tmp_path, monkeypatch):
    """`[limits]` governs the batch workers: their address-space cap is `max-memory-mb` and their
    backstop alarm comes a little after `max-seconds` (0 = none), not the pool's own defaults."""
    from auditor import worker
    from auditor.batch import CheckOptions, run_check
    from auditor.config import Config, resolve
    from auditor.limits import Limits
    from auditor.plugins import default_plugins

    seen = []

    def fake_pool(tasks, task_fn, jobs, guard=None):
        seen.append(guard)
        for index, path in tasks:
            yield index, worker.error_record(path, "测试")

    monkeypatch.setattr(worker, "run_pool", fake_pool)
    loaded = default_plugins()
    for limits, want in ((Limits(max_seconds=300, max_memory_mb=3000), (300 + worker.WORKER_GRACE_S, 3000)),
                         (Limits(max_seconds=0, max_memory_mb=0), (0, 0))):
        cfg = Config(limits=limits)
        opts = CheckOptions(paths=[str(SEEDS[0]), str(SEEDS[1])], jobs=2, quiet=True, formats=["json"],
                            outputs=[tmp_path / "out.json"])
        run_check(opts, resolve(loaded.rules, cfg), cfg, loaded, lambda line: None)
        assert (seen[-1].time_s, seen[-1].memory_mb) == want


def test_batch_collector_still_collects_cycles_and_restores_the_settings():
    """Inside `batch_collector` young objects are collected less often, not never: cyclic
    garbage made while auditing is freed within bounded amounts; the settings come back after."""
    import gc
    import weakref

    from auditor.batch import batch_collector

    class Node:
        pass

    before = gc.get_threshold(), gc.get_freeze_count()
    freed = []
    with batch_collector():
        assert gc.get_threshold()[0] > before[0][0] and gc.get_freeze_count() > 0
        for _ in range(30_000):  # 30,000 cycles, three times the young generation's threshold
            a, b = Node(), Node()
            a.other, b.other = b, a
            weakref.finalize(a, freed.append, 1)
            del a, b
        assert len(freed) >= 10_000  # collected while the block still runs
    assert (gc.get_threshold(), gc.get_freeze_count()) == before
