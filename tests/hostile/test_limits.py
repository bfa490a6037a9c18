"""The per-file limits framework: configuration, reader checks, worker guards."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from auditor.config import load_config
from auditor.errors import ConfigError, InputError
from auditor.ingest import read_report
from auditor.limits import DEFAULT, Limits, guarded, time_limit, TimeLimitExceeded
from tests.hostile.generate import SEED


def test_limits_table_in_auditor_toml(tmp_path):
    cfg_file = tmp_path / "auditor.toml"
    cfg_file.write_text("[limits]\nmax-file-mb = 5\nmax-chars = 1000\nmax-seconds = 0\n", encoding="utf-8")
    cfg = load_config(cfg_file)
    assert cfg.limits.max_file_mb == 5 and cfg.limits.max_chars == 1000 and cfg.limits.max_seconds == 0
    assert cfg.limits.max_pages == DEFAULT.max_pages


@pytest.mark.parametrize("body, key", [("max-chars = 0", "limits.max-chars"),
                                       ("max-file = 3", "limits"),
                                       ("max-depth = 'deep'", "limits.max-depth")])
def test_invalid_limits_are_config_errors(tmp_path, body, key):
    cfg_file = tmp_path / "auditor.toml"
    cfg_file.write_text(f"[limits]\n{body}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as exc:
        load_config(cfg_file)
    assert key in str(exc.value)


def test_every_real_report_fits_the_defaults_by_a_wide_margin():
    for seed in sorted(SEED.parent.glob("*.txt")):
        ex = read_report(seed)
        assert len(ex.text) * 50 < DEFAULT.max_chars
        assert seed.stat().st_size * 1000 < DEFAULT.max_file_bytes


def test_text_limit_names_the_limit_and_key(tmp_path):
    with pytest.raises(InputError) as exc:
        read_report(SEED, Limits(max_chars=1000))
    assert "正文过长" in exc.value.reason and "limits.max-chars" in exc.value.reason
    with pytest.raises(InputError) as exc:
        read_report(SEED, Limits(max_lines=10))
    assert "limits.max-lines" in exc.value.reason


def test_html_table_limits(tmp_path):
    rows = "".join(f"<tr><td>第{i}行</td><td>{i}</td></tr>" for i in range(60))
    page = tmp_path / "t.html"
    page.write_text(f"<html><body><p>{'政府信息公开' * 5}</p><table>{rows}</table></body></html>", encoding="utf-8")
    assert read_report(page).text.count("\t") == 60
    with pytest.raises(InputError) as exc:
        read_report(page, Limits(max_table_rows=50))
    assert "limits.max-table-rows" in exc.value.reason
    with pytest.raises(InputError) as exc:
        read_report(page, Limits(max_table_cells=100))
    assert "limits.max-table-cells" in exc.value.reason


def test_html_rowspans_count_towards_the_cell_limit(tmp_path):
    from auditor.ingest.html import _TableTooLarge, _table_rows
    import lxml.html

    t = lxml.html.fromstring("<table><tr>" + '<td rowspan="100000000">1</td>' * 50 + "</tr>"
                             + "<tr></tr>" * 100 + "</table>")
    with pytest.raises(_TableTooLarge):
        _table_rows(t, Limits(max_table_cells=1000))
    assert len(_table_rows(t)) == 101


def test_html_spans_are_clamped_to_the_standard(tmp_path):
    from auditor.ingest.html import MAX_COLSPAN, _table_rows
    import lxml.html

    t = lxml.html.fromstring('<table><tr><td colspan="5000">a</td><td>b</td></tr>'
                             '<tr><td colspan="-3">c</td><td colspan="x">d</td></tr></table>')
    rows = _table_rows(t)
    assert rows[0].split("\t") == ["a"] + [""] * (MAX_COLSPAN - 1) + ["b"]
    assert rows[1].split("\t") == ["c", "d"]


def test_html_nesting_depth(tmp_path):
    page = tmp_path / "deep.html"
    page.write_text(f"<html><body><p>{'政府信息公开' * 5}</p>" + "<div>" * 150 + "正文" + "</div>" * 150
                    + "</body></html>", encoding="utf-8")
    assert "正文" in read_report(page).text
    with pytest.raises(InputError) as exc:
        read_report(page, Limits(max_depth=100))
    assert "嵌套层数过深" in exc.value.reason


def test_docx_limits_on_a_real_docx(tmp_path):
    from auditor.api import parse_file
    from tools.fixtures import write_docx

    path = write_docx(parse_file(SEED), tmp_path / "r.docx")
    assert read_report(path).text
    for limits, key in ((Limits(max_xml_mb=0.01), "limits.max-xml-mb"),
                        (Limits(max_xml_tags=500), "limits.max-xml-tags"),
                        (Limits(max_zip_entries=3), "limits.max-zip-entries")):
        with pytest.raises(InputError) as exc:
            read_report(path, limits)
        assert key in exc.value.reason and "文件解压后过大" in exc.value.reason


def test_time_limit_interrupts_and_guarded_names_the_file():
    t0 = time.monotonic()
    with pytest.raises(InputError) as exc:
        with guarded("slow.txt", Limits(max_seconds=0.2)):
            while True:
                pass
    assert time.monotonic() - t0 < 5
    assert exc.value.path == "slow.txt" and "处理超时" in exc.value.reason and "limits.max-seconds" in exc.value.reason
    with time_limit(0.5):
        pass  # no alarm left behind
    time.sleep(0.6)


def test_nested_time_limits_keep_the_outer_one():
    t0 = time.monotonic()
    with pytest.raises(TimeLimitExceeded):
        with time_limit(0.5):
            with time_limit(10):  # longer than what is left outside: the outer one still fires
                pass
            with time_limit(0.1):
                pass
            while True:
                pass
    assert time.monotonic() - t0 < 3


def test_time_limit_is_not_swallowed_by_except_exception():
    with pytest.raises(TimeLimitExceeded):
        with time_limit(0.1):
            try:
                time.sleep(2)
            except Exception:  # what a rule or reader might do
                pytest.fail("swallowed")


def test_memory_limit_in_a_worker_process(tmp_path):
    """apply_memory_limit + guarded in a child: a huge allocation becomes a per-file error."""
    script = textwrap.dedent('''
        from auditor.limits import Limits, apply_memory_limit, guarded
        from auditor.errors import InputError
        assert apply_memory_limit(400)
        try:
            with guarded("big.txt", Limits(max_memory_mb=400)):
                block = bytearray(2 * 1024 ** 3)
        except InputError as exc:
            print("REFUSED", exc.reason)
        ''')
    res = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=30)
    out = res.stdout.decode()
    assert res.returncode == 0, res.stderr.decode()
    assert "REFUSED" in out and "limits.max-memory-mb" in out


def test_audit_file_uses_config_limits(tmp_path, national_rules):
    from auditor.batch import audit_file
    from auditor.config import Config

    res = audit_file(SEED, national_rules, Config(limits=Limits(max_chars=500)))
    assert res.error and "limits.max-chars" in res.error
    ok = audit_file(SEED, national_rules, Config())
    assert ok.error is None and ok.report is not None


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX only")
def test_fifo_is_never_opened(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    with pytest.raises(InputError) as exc:
        read_report(fifo)  # would block forever if opened
    assert "命名管道" in exc.value.reason
