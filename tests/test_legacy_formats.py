"""Legacy Word (.doc) and WPS (.wps) reports, read through LibreOffice (ingest/legacy.py).

The .doc files are made by LibreOffice from the DOCX fixtures (tools/office.py `legacy_files`), the
.wps files are the same Word 97 binaries under the WPS extension (what LibreOffice itself writes for
"wps", and the family WPS Office saves .wps in). Every seed's .doc and .wps gives the same cells and
the same findings as its .docx. Without LibreOffice: the error says what to do, exit 2, the rest of
a batch is audited. Corrupt files, a conversion time-out and a batch with parallel conversions."""
import json
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import jsonschema
import pytest

from auditor.api import parse_file
from auditor.errors import InputError
from auditor.ingest import legacy, read_report
from auditor.resources import schema
from conftest import ROOT, SEEDS, seed_id
from test_formats import cells, claims
from tools import fixtures, office
from tools.variants import write_variant

VARIANTS = ["000-total-changed", "004-t4-total"]  # faults in the tables, findings that must carry over
NEEDS_SOFFICE = "soffice (LibreOffice) not installed: apt-get install libreoffice-writer-nogui"


def _require_soffice():
    if not legacy.soffice_path():
        print(f"SKIP legacy formats: {NEEDS_SOFFICE}")
        pytest.skip(NEEDS_SOFFICE)


@pytest.fixture(scope="session")
def legacy_set(tmp_path_factory):
    """{(name, "doc" | "wps" | "docx" | "txt"): path} for the seeds and VARIANTS, converted in one
    LibreOffice run per test session."""
    _require_soffice()
    out = tmp_path_factory.mktemp("legacy")
    texts = {seed.stem: seed for seed in SEEDS}
    texts.update({name: write_variant(name, out / "variants") for name in VARIANTS})
    reports = {name: parse_file(path) for name, path in texts.items()}
    files = office.legacy_files(reports, out)
    files.update({(name, "docx"): out / "docx" / f"{name}.docx" for name in reports})
    files.update({(name, "txt"): path for name, path in texts.items()})
    return files


@pytest.fixture(scope="session")
def audited(legacy_set, regional):
    """Each file audited once (every .doc/.wps read is one LibreOffice conversion): path -> result."""
    from auditor.batch import audit_file
    from auditor.config import Config

    cache = {}

    def get(key):
        path = legacy_set[key]
        if path not in cache:
            cache[path] = audit_file(path, regional, Config())
            assert cache[path].error is None, cache[path].error
        return cache[path]

    return get


def _findings(result):
    return Counter((f.rule, f.severity, f.message, json.dumps(f.location, sort_keys=True, ensure_ascii=False))
                   for f in result.findings)


@pytest.mark.parametrize("fmt", ["doc", "wps"])
@pytest.mark.parametrize("seed", SEEDS, ids=seed_id)
def test_legacy_gives_the_docx_cells_and_findings(seed, fmt, audited):
    docx, rep = audited((seed.stem, "docx")), audited((seed.stem, fmt))
    assert rep.report.kind == fmt
    assert Path(rep.report.source).suffix == f".{fmt}"  # messages name the file the user gave
    assert cells(rep.report) == cells(docx.report) == cells(parse_file(seed))
    assert claims(rep.report) == claims(docx.report)
    assert [s.number for s in rep.report.sections] == [1, 2, 3, 4, 5, 6]
    assert (rep.report.title, rep.report.organ, rep.report.year) == (docx.report.title, docx.report.organ,
                                                                     docx.report.year)
    assert rep.report.refs == docx.report.refs  # paragraph / table-row references line up
    assert _findings(rep) == _findings(docx)
    jsonschema.validate(rep.report.to_dict(), schema("report.schema.json"))  # "format": "doc" / "wps"


@pytest.mark.parametrize("name", VARIANTS)
def test_faulty_variant_as_doc_gives_the_same_findings(name, audited):
    doc, txt = audited((name, "doc")), audited((name, "txt"))

    def rules(result):
        return Counter(f.rule for f in result.findings if f.rule != "NAT-PARSE-UNSURE")

    assert rules(doc) == rules(txt)
    assert rules(txt)  # the variant does produce findings


def _cli(*args, env_extra=None, cwd=None):
    env = {k: v for k, v in os.environ.items() if k != "AUDITOR_SOFFICE"}
    env.update(NO_COLOR="1", **(env_extra or {}))
    return subprocess.run([sys.executable, "-m", "auditor.cli", *args], capture_output=True, text=True,
                          cwd=cwd or ROOT, env=env, timeout=300)


def _fake_doc(path: Path) -> Path:
    # A Word 97 header (only LibreOffice could say more); distinct bytes, as a batch skips duplicates.
    path.write_bytes(legacy.OLE_MAGIC + path.name.encode() + b"\0" * 4096)
    return path


def test_without_libreoffice_the_error_says_what_to_do(tmp_path, monkeypatch):
    """No soffice on PATH (the CLI run with an empty PATH): a Chinese error naming the file, how to
    install LibreOffice or to save as .docx; exit 2; the other reports of the folder are audited."""
    folder = tmp_path / "reports"
    folder.mkdir()
    doc = _fake_doc(folder / "旧报告.doc")
    wps = _fake_doc(folder / "wps报告.wps")
    (folder / "seed.txt").write_bytes(SEEDS[1].read_bytes())
    empty = tmp_path / "bin"
    empty.mkdir()
    r = _cli("check", str(folder), "--format", "json", env_extra={"PATH": str(empty)})
    assert r.returncode == 2, r.stderr
    assert "Traceback" not in r.stderr
    for path in (doc, wps):
        line = next(ln for ln in r.stderr.splitlines() if path.name in ln)
        assert "需要 LibreOffice" in line and "apt-get install libreoffice-writer-nogui" in line and ".docx" in line
    reports = {Path(x["source"]).name: x for x in json.loads(r.stdout)["reports"]}
    assert reports["seed.txt"].get("error") is None and reports["seed.txt"]["findings"]
    assert "需要 LibreOffice" in reports["旧报告.doc"]["error"]
    # In-process, the same through the lookup itself.
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.delenv("AUDITOR_SOFFICE", raising=False)
    assert legacy.soffice_path() is None
    with pytest.raises(InputError) as e:
        read_report(doc)
    assert e.value.path == str(doc) and "需要 LibreOffice" in e.value.reason
    monkeypatch.setenv("AUDITOR_SOFFICE", str(tmp_path / "no-such-soffice"))
    assert legacy.soffice_path() is None


def test_folder_scan_picks_up_doc_and_wps(tmp_path):
    from auditor.batch import expand

    for name in ("a.doc", "b.WPS", "c.ofd", "d.txt", "e.xls"):
        (tmp_path / name).write_bytes(b"x")
    files, errors = expand([str(tmp_path)])
    assert [f.name for f in files] == ["a.doc", "b.WPS", "c.ofd", "d.txt"] and not errors


def test_not_a_word_file(tmp_path):
    """No Word 97 / RTF / DOCX / HTML header: refused before LibreOffice is started (it would import
    any bytes as plain text)."""
    path = tmp_path / "garbage.doc"
    path.write_bytes(os.urandom(5000).replace(b"{", b"_").replace(b"<", b"_"))
    with pytest.raises(InputError) as e:
        read_report(path)
    assert "不是有效的旧版 Word（.doc）文件" in e.value.reason


def test_docx_and_html_under_the_doc_extension_are_read_as_such(tmp_path):
    """Portals often serve a DOCX or a web page saved by Word under the .doc name."""
    text_rep = parse_file(SEEDS[0])
    path = fixtures.write_docx(text_rep, tmp_path / "x.docx").rename(tmp_path / "really-docx.doc")
    rep = parse_file(path)
    assert rep.kind == "docx" and cells(rep) == cells(text_rep)
    path = fixtures.write_html(text_rep, tmp_path / "x.html").rename(tmp_path / "really-html.doc")
    rep = parse_file(path)
    assert rep.kind == "html" and cells(rep) == cells(text_rep)


def test_rtf_under_the_doc_extension(tmp_path, legacy_set):
    """Word's RTF saved as .doc goes through LibreOffice's RTF filter (the Word 97 one refuses it)."""
    docx = legacy_set[(SEEDS[4].stem, "docx")]
    rtf = office.convert([docx], tmp_path, to="rtf")[0]
    assert rtf.read_bytes().startswith(b"{\\rtf")
    rep = parse_file(rtf.rename(tmp_path / "rtf-report.doc"))
    assert rep.kind == "doc" and cells(rep) == cells(parse_file(SEEDS[4]))


def test_corrupt_doc(tmp_path, legacy_set):
    """A truncated Word file and a Word header over random bytes: a clear error, no traceback, no
    hang; nothing written beside the input."""
    good = legacy_set[(SEEDS[0].stem, "doc")].read_bytes()
    truncated = tmp_path / "truncated.doc"
    truncated.write_bytes(good[:len(good) // 3])
    noise = tmp_path / "noise.doc"
    noise.write_bytes(legacy.OLE_MAGIC + os.urandom(30000))
    before = sorted(os.listdir(tmp_path))
    for path in (truncated, noise):
        with pytest.raises(InputError) as e:
            read_report(path)
        assert "LibreOffice 无法打开该旧版 Word（.doc）文件" in e.value.reason, e.value.reason
    assert sorted(os.listdir(tmp_path)) == before


@pytest.fixture
def started(monkeypatch):
    """Process ids of the conversions started (each the leader of its process group)."""
    pids = []
    real_popen = legacy.subprocess.Popen

    def recording_popen(*args, **kwargs):
        proc = real_popen(*args, **kwargs)
        pids.append(proc.pid)
        return proc

    monkeypatch.setattr(legacy.subprocess, "Popen", recording_popen)
    return pids


def _assert_group_gone(pgid: int) -> None:
    for _ in range(100):  # killed processes are reaped by init shortly after
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    pytest.fail(f"processes of group {pgid} still running")


def test_conversion_time_limit_kills_the_process_group(legacy_set, started, monkeypatch):
    monkeypatch.setattr(legacy, "CONVERT_TIMEOUT_S", 0.3)  # LibreOffice needs seconds to start
    with pytest.raises(InputError) as e:
        read_report(legacy_set[(SEEDS[1].stem, "doc")])
    assert "转换旧版 Word（.doc）文件超时（超过 0.3 秒）" in e.value.reason
    assert started
    _assert_group_gone(started[0])


def test_batch_time_limit_during_conversion_kills_the_process_group(legacy_set, started):
    """The batch guard's alarm (limits.max_seconds) interrupting the wait: LibreOffice is not left
    running, and the guard reports the file as timed out."""
    from auditor.limits import Limits, guarded

    limits = Limits(max_seconds=0.4)
    path = legacy_set[(SEEDS[2].stem, "doc")]
    with pytest.raises(InputError) as e:
        with guarded(path, limits):
            read_report(path, Limits(max_seconds=0))  # the reader's own limit off: only the guard fires
    assert "处理超时" in e.value.reason
    assert started
    _assert_group_gone(started[0])


def test_batch_converts_in_parallel(tmp_path, legacy_set):
    """Two workers converting at once (each with its own LibreOffice profile) both succeed."""
    folder = tmp_path / "batch"
    folder.mkdir()
    for seed in SEEDS[2:4]:
        (folder / f"{seed.stem}.doc").write_bytes(legacy_set[(seed.stem, "doc")].read_bytes())
    r = _cli("check", str(folder), "--format", "json", "--jobs", "2")
    assert r.returncode in (0, 1), r.stderr
    reports = json.loads(r.stdout)["reports"]
    assert len(reports) == 2 and all(x.get("error") is None for x in reports)
    assert sorted(os.listdir(folder)) == sorted(f"{s.stem}.doc" for s in SEEDS[2:4])  # inputs only
