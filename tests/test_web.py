"""The self-check web app through Starlette's TestClient: every route and every error path."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys

import pytest

pytest.importorskip("starlette", reason="web extra (starlette) not installed")
pytest.importorskip("httpx", reason="httpx (for Starlette's TestClient) not installed")
pytest.importorskip("multipart", reason="python-multipart not installed")

import warnings  # noqa: E402

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient  # noqa: E402

from auditor.web import AuditFailed, AuditRunner, ResultStore, WebSettings, create_app, display_name  # noqa: E402

from webutil import SAMPLE_003, SAMPLES, SCRIPT, many_pages_pdf, script_report, zip_bomb_docx  # noqa: E402


@pytest.fixture(scope="module")
def client():
    app = create_app(WebSettings(jobs=2, timeout=60, memory_mb=1536))
    with TestClient(app) as c:
        yield c


def _csrf(client) -> str:
    r = client.get("/")
    assert r.status_code == 200
    return client.cookies.get("auditor_csrf")


def _post_file(client, name: str, data: bytes, **fields):
    return client.post("/check", data={"csrf": _csrf(client), **fields}, files={"file": (name, data)})


def _cls(html: str, element_id: str) -> str:
    m = re.search(rf'id="{re.escape(element_id)}"[^>]*class="([^"]*)"', html) or re.search(
        rf'class="([^"]*)"[^>]*id="{re.escape(element_id)}"', html)
    return m.group(1) if m else ""


def test_index_form_csp_and_csrf_cookie(client):
    r = client.get("/")
    assert r.status_code == 200
    csp = r.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert r.headers["x-frame-options"] == "DENY"
    token = client.cookies.get("auditor_csrf")
    assert token and f'name="csrf" value="{token}"' in r.text
    assert "samesite=strict" in r.headers["set-cookie"].lower()
    # Nothing inline that the policy would block.
    assert not re.search(r"<script(?![^>]*\bsrc=)", r.text) and "<style" not in r.text and "style=" not in r.text
    assert "开始审查" in r.text and 'name="region"' in r.text


def test_healthz_and_static(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    css = client.get("/static/report.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    assert client.get("/static/report.js").headers["content-type"].startswith("text/javascript")
    assert client.get("/static/web.py").status_code == 404
    assert client.get("/static/..%2Fweb.py").status_code == 404


def test_upload_sample_003_shows_errors_and_highlights_totals(client):
    r = _post_file(client, "003.txt", SAMPLE_003.read_bytes())
    assert r.status_code == 200
    assert "有 2 个错误需要改正" in r.text
    assert "content-security-policy" in r.headers
    for row in ("new", "carried", "total_processed", "carried_forward"):
        assert "hit sev-error" in _cls(r.text, f"r0-t3-{row}-total"), row
    assert "hit" not in _cls(r.text, "r0-t3-granted-natural")
    assert "NAT-T3-COL" in r.text and "一、本年新收 + 二、上年结转 = （七）总计 + 四、结转下年度继续办理" in r.text
    assert "<mark>办结3件</mark>" in r.text  # the contradicting sentence
    assert "宁夏" in r.text and "national、ningxia" in r.text and "2019 年版格式" in r.text
    assert "【问题】" in r.text and "【正例】" in r.text  # the rule's explanation
    assert 'id="L23"' in r.text  # the source view the jumps point into
    assert not re.search(r"<script(?![^>]*\bsrc=)", r.text) and "style=" not in r.text
    links = re.findall(r'href="(/download/[^"]+)"', r.text)
    assert {link.rsplit("/", 1)[1] for link in links} == {"json", "html", "xlsx"}
    js = client.get(next(x for x in links if x.endswith("/json")))
    assert js.status_code == 200 and "attachment" in js.headers["content-disposition"]
    doc = js.json()
    assert doc["summary"]["error"] == 2 and doc["reports"][0]["source"] == "003.txt"
    page = client.get(next(x for x in links if x.endswith("/html")))
    assert page.status_code == 200 and "有 2 个错误需要改正" in page.text and "<style>" in page.text
    assert "sandbox" in page.headers["content-security-policy"]
    book = client.get(next(x for x in links if x.endswith("/xlsx")))
    assert book.status_code == 200 and "attachment" in book.headers["content-disposition"]
    import io

    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(book.content))
    assert wb.sheetnames[:4] == ["汇总", "问题清单", "规则统计", "表三数据"]
    rules = [row[3] for row in wb["问题清单"].iter_rows(min_row=2, values_only=True)]
    assert rules.count("NAT-T3-COL") == 1 and len(rules) == len(doc["reports"][0]["findings"])


def test_paste_text_clean_report_can_be_published(client):
    text = SAMPLES[0].read_text(encoding="utf-8")
    r = client.post("/check", data={"csrf": _csrf(client), "text": text})
    assert r.status_code == 200 and "可以发布" in r.text and "粘贴的文本" in r.text
    assert 'name="text" hidden' in r.text  # re-audit with another region keeps the pasted text


def test_region_override(client):
    r = _post_file(client, "003.txt", SAMPLE_003.read_bytes(), region="gansu")
    assert r.status_code == 200 and "甘肃" in r.text and "national、gansu" in r.text
    bad = _post_file(client, "003.txt", SAMPLE_003.read_bytes(), region="atlantis")
    assert bad.status_code == 400 and "地区代码“atlantis”无效" in bad.text


def test_script_in_report_is_shown_as_text(client):
    r = _post_file(client, "<img src=x onerror=alert(1)>.txt", script_report().encode("utf-8"))
    assert r.status_code == 200
    assert SCRIPT not in r.text and "&lt;script&gt;alert(" in r.text
    assert "<img" not in r.text and "&lt;img src=x onerror=alert(1)&gt;.txt" in r.text


def test_csrf_missing_wrong_or_cross_origin(client):
    _csrf(client)
    data = SAMPLE_003.read_bytes()
    r = client.post("/check", files={"file": ("003.txt", data)})
    assert r.status_code == 403 and "表单校验失败" in r.text
    r = client.post("/check", data={"csrf": "forged-token-forged-token"}, files={"file": ("003.txt", data)})
    assert r.status_code == 403
    r = client.post("/check", data={"csrf": client.cookies.get("auditor_csrf")}, files={"file": ("003.txt", data)},
                    headers={"origin": "http://evil.example"})
    assert r.status_code == 403


@pytest.mark.parametrize("name,data,status,message", [
    ("report.doc", b"\xd0\xcf\x11\xe0 old word", 422, "不是有效的旧版 Word（.doc）文件"),
    ("report.exe", b"MZ....", 415, "不支持的文件类型“.exe”"),
    ("report.txt", b"   \n", 400, "上传的文件是空的"),
    ("report.docx", bytes(range(256)) * 40, 422, "不是有效的 DOCX 文件"),
    ("report.pdf", b"%PDF-1.4 garbage" + bytes(range(256)) * 20, 422, "PDF"),
])
def test_bad_uploads_get_chinese_error_pages(client, name, data, status, message):
    r = _post_file(client, name, data)
    assert r.status_code == status and message in r.text, r.text[-600:]
    assert "无法" in r.text and "返回" in r.text
    assert client.get("/healthz").status_code == 200


@pytest.mark.skipif(shutil.which("soffice") is None, reason="soffice (LibreOffice) not installed")
def test_legacy_word_upload_is_audited_like_its_docx(client, tmp_path):
    """A township clerk's draft is often a .doc: the page converts it (LibreOffice, in the audit
    child under its limits) and shows the same findings as for the .docx it was made from."""
    from auditor.api import parse_file
    from tools import fixtures, office

    rep = parse_file(SAMPLE_003)
    doc = office.legacy_files({"003": rep}, tmp_path)[("003", "doc")]
    docx = fixtures.write_docx(rep, tmp_path / "003.docx")
    got = client.post("/api/check", files={"file": ("003.doc", doc.read_bytes())})
    want = client.post("/api/check", files={"file": ("003.docx", docx.read_bytes())})
    assert got.status_code == want.status_code == 200, got.text[-400:]
    ids = lambda r: sorted((f["rule"], f["message"]) for rep in r.json()["reports"] for f in rep["findings"])
    assert ids(got) == ids(want) and ids(got)


def test_no_file_and_not_multipart(client):
    r = client.post("/check", data={"csrf": _csrf(client)})
    assert r.status_code == 400 and "没有收到报告" in r.text
    r = client.post("/check", content=b"x", headers={"content-type": "text/plain"})
    assert r.status_code == 400 and "multipart/form-data" in r.text


def test_zip_bomb_docx_gets_error_page(client):
    r = _post_file(client, "bomb.docx", zip_bomb_docx(150))
    assert r.status_code == 422 and "bomb.docx" in r.text and "文件解压后过大，可能是恶意文件" in r.text
    assert client.get("/healthz").status_code == 200


def test_upload_size_limit():
    app = create_app(WebSettings(max_upload_bytes=20_000, jobs=1))
    with TestClient(app) as c:
        big = b"1" * 200_000
        r = c.post("/check", data={"csrf": _csrf(c)}, files={"file": ("big.txt", big)})
        assert r.status_code == 413 and "文件超过大小限制" in r.text
        api = c.post("/api/check", files={"file": ("big.txt", big)})
        assert api.status_code == 413 and api.json()["error"]["code"] == "too_large"
        assert c.get("/healthz").status_code == 200


def test_long_pdf_times_out_and_server_keeps_serving():
    app = create_app(WebSettings(timeout=0.3, jobs=1))
    with TestClient(app) as c:
        # 2,000 pages: refused by the PDF page limit before any page is read
        r = c.post("/check", data={"csrf": _csrf(c)}, files={"file": ("long.pdf", many_pages_pdf(2000))})
        assert r.status_code == 422 and "PDF 共 2000 页，超过上限 500 页" in r.text
        # under the page limit but over the time limit: a timeout, and the server goes on
        r = c.post("/check", data={"csrf": _csrf(c)}, files={"file": ("long.pdf", many_pages_pdf(450, filler_lines=40))})
        assert r.status_code == 422 and "审查超时（超过 0.3 秒）" in r.text
        api = c.post("/api/check", files={"file": ("003.txt", SAMPLE_003.read_bytes())})
        assert api.status_code == 200 and api.json()["summary"]["error"] == 2


def test_memory_limit_is_an_error_not_a_crash():
    runner = AuditRunner(WebSettings(memory_mb=64, timeout=30, jobs=1))
    try:
        with pytest.raises(AuditFailed) as exc:
            runner.run(SAMPLE_003.read_bytes() * 3000, ".txt", "003.txt", None, None)
        assert exc.value.kind == "memory" and "内存" in exc.value.message
    finally:
        runner.close()


def test_api_check_equals_cli_json(client, tmp_path):
    for sample in SAMPLES:
        r = client.post("/api/check", files={"file": (sample.name, sample.read_bytes())})
        assert r.status_code == 200
        cli = subprocess.run([sys.executable, "-m", "auditor.cli", "check", str(sample), "--format", "json"],
                             capture_output=True, text=True, cwd=tmp_path)
        expected = json.loads(cli.stdout)
        got = r.json()
        expected["reports"][0]["source"] = sample.name
        assert got == expected, sample.name


def test_api_options_and_errors(client):
    data = SAMPLE_003.read_bytes()
    r = client.post("/api/check", files={"file": ("003.txt", data)}, data={"select": "NAT-T3"})
    assert r.status_code == 200
    assert {f["rule"] for f in r.json()["reports"][0]["findings"]} == {"NAT-T3-COL", "NAT-T3-ROW"}
    r = client.post("/api/check", files={"file": ("003.txt", data)}, data={"region": "gansu"})
    assert r.json()["reports"][0]["profile"]["region"] == "gansu"
    for fields, code in (({"region": "atlantis"}, "region"), ({"select": "NOPE-1"}, "select")):
        r = client.post("/api/check", files={"file": ("003.txt", data)}, data=fields)
        assert r.status_code == 400 and r.json()["error"]["code"] == code
        assert re.search(r"[\u4e00-\u9fff]", r.json()["error"]["message"])
    r = client.post("/api/check", files={"file": ("x.docx", b"not a zip at all")})
    assert r.status_code == 422 and "不是有效的 DOCX 文件" in r.json()["error"]["message"]
    r = client.post("/api/check", data={"region": "gansu"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "no_file"
    r = client.post("/api/check", content=b"{}", headers={"content-type": "application/json"})
    assert r.status_code == 400 and "multipart" in r.json()["error"]["message"]
    r = client.post("/api/check", content=b"--x\r\nbroken", headers={"content-type": "multipart/form-data; boundary=x"})
    assert 400 <= r.status_code < 500
    assert client.get("/api/check").status_code == 405 and client.get("/api/check").json()["error"]["code"] == "method"
    assert client.get("/api/nothing").status_code == 404


def test_download_unknown_or_expired(client):
    r = client.get("/download/nope/json")
    assert r.status_code == 404 and "下载链接无效或已过期" in r.text
    store = ResultStore(ttl=0.0, limit=2)
    token = store.put({"x": 1})
    assert store.get(token) is None
    store = ResultStore(ttl=60, limit=2)
    tokens = [store.put({"i": i}) for i in range(3)]
    assert store.get(tokens[0]) is None and store.get(tokens[2]) == {"i": 2}
    assert client.get("/nothing").status_code == 404 and "找不到页面" in client.get("/nothing").text


def test_display_name_never_a_path():
    assert display_name("../../etc/passwd") == "passwd"
    assert display_name("C:\\Users\\a\\报告.docx") == "报告.docx"
    assert display_name("a\x00b\n.txt") == "ab.txt"
    assert display_name("") == "上传的文件"
    assert len(display_name("x" * 500 + ".txt")) == 120


def test_serve_command_warns_on_lan_host(monkeypatch):
    from typer.testing import CliRunner

    import auditor.web
    from auditor.cli import app

    seen = {}
    monkeypatch.setattr(auditor.web, "serve", lambda host, port, settings: seen.update(host=host, port=port, s=settings))
    res = CliRunner().invoke(app, ["serve", "--host", "0.0.0.0", "--port", "9999", "--max-upload-mb", "5"])
    assert res.exit_code == 0, res.output
    assert "局域网" in res.output and seen["port"] == 9999 and seen["s"].max_upload_bytes == 5 * 1024 * 1024
    seen.clear()
    res = CliRunner().invoke(app, ["serve"])
    assert res.exit_code == 0 and seen["host"] == "127.0.0.1" and "局域网" not in res.output
    res = CliRunner().invoke(app, ["serve", "--port", "0"])
    assert res.exit_code == 2
