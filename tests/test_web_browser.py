"""A real browser (Debian chromium headless + chromedriver via selenium) against `auditor serve`
and against a batch HTML file. Skips with the reason when the browser or selenium is absent."""
from __future__ import annotations

import io
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

from webutil import SAMPLE_003, SCRIPT, records, script_report

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")


def _skip(reason: str):
    print(f"SKIPPED browser test: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def driver():
    if not CHROMIUM or not CHROMEDRIVER:
        _skip("Debian chromium / chromium-driver not installed (apt-get install chromium chromium-driver)")
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        _skip("selenium not installed (pip install selenium)")
    profile = tempfile.mkdtemp(prefix="auditor-chromium-")
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", "--window-size=1280,1600", f"--user-data-dir={profile}"):
        opts.add_argument(flag)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    try:
        drv = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    except Exception as exc:  # a broken browser install is an environment problem, said plainly
        shutil.rmtree(profile, ignore_errors=True)
        _skip(f"chromium could not be started: {type(exc).__name__}: {str(exc).splitlines()[0]}")
    drv.set_page_load_timeout(60)
    yield drv
    drv.quit()
    shutil.rmtree(profile, ignore_errors=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server():
    pytest.importorskip("uvicorn", reason="uvicorn not installed")
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "auditor.cli", "serve", "--port", str(port), "--jobs", "2",
                             "--timeout", "60"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=1) as r:
                if r.status == 200:
                    break
        except OSError:
            time.sleep(0.1)
    else:
        proc.kill()
        pytest.fail("auditor serve did not start: " + proc.stdout.read().decode("utf-8", "replace"))
    yield base
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


def _console_errors(drv, allow: str | None = None) -> list[str]:
    """SEVERE console entries (script errors, CSP violations, failed loads), minus `allow`."""
    return [e["message"] for e in drv.get_log("browser") if e["level"] == "SEVERE"
            and not (allow and allow in e["message"])]


def _upload(drv, base: str, path: Path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    drv.get(base + "/")
    drv.find_element(By.ID, "file").send_keys(str(path))
    drv.find_element(By.ID, "submit").click()
    WebDriverWait(drv, 60).until(ec.presence_of_element_located((By.CSS_SELECTOR, "div.verdict")))


def test_upload_sample_003_in_browser(driver, server, tmp_path):
    from selenium.webdriver.common.by import By

    _upload(driver, server, SAMPLE_003)
    assert "有 2 个错误需要改正" in driver.find_element(By.CSS_SELECTOR, "div.verdict").text
    cell = driver.find_element(By.ID, "r0-t3-total_processed-total")
    assert "hit" in cell.get_attribute("class")
    assert driver.execute_script("return getComputedStyle(arguments[0]).backgroundColor", cell) != "rgba(0, 0, 0, 0)"
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", cell)
    cell.click()
    pop = driver.find_element(By.ID, "popover")
    assert pop.is_displayed() and "NAT-T3-COL" in pop.text and "应为" in pop.text and "公式" in pop.text
    shot = Path(tempfile.gettempdir()) / "auditor-web-result-003.png"
    driver.save_screenshot(str(shot))
    print(f"screenshot of the result page: {shot}")
    # jump from a finding to its cell
    driver.find_element(By.CSS_SELECTOR, "body").click()
    driver.find_element(By.CSS_SELECTOR, "li[data-rule='NAT-TXT-PROCESSED'] a.jump").click()
    assert driver.execute_script("return location.hash").startswith("#r0-")
    assert _console_errors(driver) == []


def test_hostile_upload_error_page_then_server_still_answers(driver, server, tmp_path):
    from selenium.webdriver.common.by import By

    bad = tmp_path / "garbage.pdf"
    bad.write_bytes(b"%PDF-1.7\n" + os.urandom(20000))
    _upload(driver, server, bad)
    assert "无法" in driver.find_element(By.ID, "message").text
    assert "garbage.pdf" in driver.find_element(By.CSS_SELECTOR, "p.message-text").text
    driver.get(server + "/healthz")
    assert "ok" in driver.page_source
    _upload(driver, server, SAMPLE_003)
    assert "有 2 个错误需要改正" in driver.find_element(By.CSS_SELECTOR, "div.verdict").text
    # the error page's own 422 status is logged by the browser; nothing else may be
    assert _console_errors(driver, allow="/check - Failed to load resource: the server responded with a status of 422") == []


def test_script_in_report_shown_as_text(driver, server, tmp_path):
    from selenium.common.exceptions import NoAlertPresentException
    from selenium.webdriver.common.by import By

    path = tmp_path / "script.txt"
    path.write_text(script_report(), encoding="utf-8")
    _upload(driver, server, path)
    with pytest.raises(NoAlertPresentException):
        driver.switch_to.alert.text  # noqa: B018 - no script ran
    sentence = driver.find_element(By.CSS_SELECTOR, "p.sentence")
    assert SCRIPT in sentence.text and "办结3件" in sentence.find_element(By.TAG_NAME, "mark").text
    assert driver.execute_script("return document.scripts.length") == 1
    assert _console_errors(driver) == []


def test_batch_file_highlighting_filters_sorting(driver, tmp_path):
    from selenium.webdriver.common.by import By

    from auditor.render.html import write_html

    out = tmp_path / "batch.html"
    buf = io.StringIO()
    write_html(records(), buf, title="批量审查")
    out.write_text(buf.getvalue(), encoding="utf-8")
    driver.get(out.as_uri())
    hits = driver.find_elements(By.CSS_SELECTOR, "td.hit")
    assert len(hits) >= 4
    rows = lambda: [tr for tr in driver.find_elements(By.CSS_SELECTOR, "#report-summary tbody tr") if tr.is_displayed()]  # noqa: E731
    # sort by 错误 descending: sample 003 first
    head = driver.find_elements(By.CSS_SELECTOR, "#report-summary thead th")[5]
    head.click()
    head.click()
    assert "003_c2bcf9dd95c89acf" in rows()[0].text
    # severity filter hides the 提示 findings
    infos = [li for li in driver.find_elements(By.CSS_SELECTOR, "li.finding[data-severity='info']")]
    assert infos and all(li.is_displayed() for li in infos[:3])
    driver.find_element(By.CSS_SELECTOR, "input.sev-filter-all[value='info']").click()
    assert not any(li.is_displayed() for li in infos)
    # text filter keeps one report
    box = driver.find_element(By.ID, "report-filter")
    box.send_keys("掌政")
    assert len(rows()) == 1 and not driver.find_element(By.ID, "r0").is_displayed()
    box.clear()
    box.send_keys(" ")
    # click on a highlighted cell shows the finding
    cell = driver.find_element(By.CSS_SELECTOR, "td.hit.sev-error")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", cell)
    cell.click()
    assert "应为" in driver.find_element(By.ID, "popover").text
    shot = Path(tempfile.gettempdir()) / "auditor-batch.png"
    driver.save_screenshot(str(shot))
    print(f"screenshot of the batch file: {shot}")
    assert _console_errors(driver) == []


def test_long_upload_shows_progress(driver, server, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    from webutil import many_pages_pdf

    path = tmp_path / "long.pdf"
    path.write_bytes(many_pages_pdf(450))
    driver.get(server + "/")
    driver.find_element(By.ID, "file").send_keys(str(path))
    # WebDriver waits for the navigation a submit starts, so the page itself records (in
    # sessionStorage, which survives the navigation) what the indicator showed while it waited.
    driver.execute_script("""
        var b = document.getElementById('busy');
        new MutationObserver(function () {
          sessionStorage.setItem('busy', JSON.stringify([getComputedStyle(b).display, b.textContent,
                                                       document.getElementById('submit').disabled]));
        }).observe(b, {attributes: true});
        sessionStorage.removeItem('busy');""")
    driver.find_element(By.ID, "submit").click()
    WebDriverWait(driver, 60).until(ec.presence_of_element_located((By.CSS_SELECTOR, "div.verdict")))
    assert "long.pdf" in driver.find_element(By.TAG_NAME, "main").text  # a result or a message page
    display, text, disabled = json.loads(driver.execute_script("return sessionStorage.getItem('busy')"))
    assert display == "block" and "正在审查" in text and disabled is True
    assert _console_errors(driver, allow="/check - Failed to load resource: the server responded with a status of 422") == []
