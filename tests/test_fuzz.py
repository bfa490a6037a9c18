"""Fuzzing the readers and the full audit (issue 11) with hypothesis.

Inputs are mutations of the sample reports and of DOCX/HTML/PDF fixtures generated from them:
byte flips, truncation, line shuffles, long digit runs, control characters, huge attributes.
Properties, for every input:
- no exception escapes: a file is either a report or an InputError with a Chinese reason;
- every run ends within its time limit (the per-file guard of auditor.limits, 10 s);
- the JSON findings document of the audit is valid against findings.schema.json, and the
  report model against report.schema.json;
- no finding claims a number that is not in the input: every table cell quoted as evidence has
  a value that occurs as a number in the (NFKC-normalized) input text.

Profiles (tests/conftest.py): the default one runs in CI in well under 2 minutes;
`pytest tests/test_fuzz.py --hypothesis-profile=long --hypothesis-show-statistics` tries
thousands of inputs per test for an hour-long local run.
"""
from __future__ import annotations

import io
import json
import re
import unicodedata
import zipfile
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

import jsonschema
import pytest
from hypothesis import HealthCheck, event, given, settings, strategies as st

from auditor.errors import InputError
from auditor.limits import Limits, guarded
from auditor.resources import schema

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "sample_reports").glob("*.txt"))
LIMITS = Limits(max_seconds=10)
CONTROL = [chr(c) for c in (0, 7, 8, 11, 12, 27, 127, 0x9B, 0x202E)] + ["\x1b[2J", "\x1b]0;x\x07", "\ufffd"]
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


@lru_cache(maxsize=None)
def fixture_dir() -> Path:
    """DOCX/HTML/PDF renderings of two seeds, generated once per test session."""
    import tempfile

    from auditor.api import parse_file
    from tools.fixtures import write_docx, write_html, write_pdf

    out = Path(tempfile.mkdtemp(prefix="auditor-fuzz-"))
    for seed in SEEDS[:2]:
        rep = parse_file(seed)
        write_docx(rep, out / (seed.stem + ".docx"))
        write_html(rep, out / (seed.stem + ".html"))
        write_pdf(rep, out / (seed.stem + ".pdf"))
    return out


@lru_cache(maxsize=None)
def rules():
    from auditor.plugins import load_plugins

    return load_plugins().rules


def _numbers_in(data: bytes) -> set[Decimal]:
    text = unicodedata.normalize("NFKC", data.decode("utf-8", "ignore") + "\n" + data.decode("gb18030", "ignore"))
    text = re.sub(r"(?<=\d)[,，](?=\d{3})", "", text)
    return {Decimal(m) for m in _NUMBER.findall(text)}


def audit_bytes(tmp: Path, name: str, data: bytes, extra_text: bytes = b"") -> None:
    """Write `data` as `name`, read and audit it, and check every property."""
    from auditor.batch import AuditResult
    from auditor.config import Config
    from auditor.engine.run import audit
    from auditor.api import parse_file
    from auditor.render.json_out import to_document

    path = tmp / name
    path.write_bytes(data)
    try:
        with guarded(path, LIMITS):
            report = parse_file(path, limits=LIMITS)
            findings, skipped = audit(report, rules(), Config(limits=LIMITS))
    except InputError as exc:
        event("refused as input error")
        assert "处理超时" not in exc.reason, f"time limit hit: {exc.reason}"
        assert re.search(r"[\u4e00-\u9fff]", exc.reason), exc.reason
        return
    event("audited")
    jsonschema.validate(report.to_dict(), schema("report.schema.json"))
    doc = to_document([AuditResult(str(path), report, findings, skipped)], True)
    jsonschema.validate(json.loads(json.dumps(doc, ensure_ascii=False)), schema("findings.schema.json"))
    known = _numbers_in(data + b"\n" + extra_text)
    # A cell value is a float when the input had a decimal: compare as floats too (a 50-digit
    # decimal in the input is held as the nearest float — that is the input's number, not a new one).
    known_floats = {float(n) for n in known}
    for f in findings:
        for ev in f.evidence:
            value = ev.get("value") if "label" in ev else None
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                raw = str(ev.get("raw") or "")
                if not re.search(r"[0-9０-９]", raw):
                    continue  # a Chinese numeral (一、二) or blank: not a digit claim
                try:
                    number = Decimal(str(value))
                except InvalidOperation:
                    continue
                # Signs (本年增/减 -462) are not part of the digit runs collected from the input.
                number = abs(number)
                assert number in known or _as_float(abs(value)) in known_floats, \
                    f"{f.rule} quotes {value} (raw {raw!r}), not in the input"


def _as_float(value) -> float | None:
    try:
        return float(value)
    except OverflowError:
        return None


# --- mutations ---------------------------------------------------------------------------------

@st.composite
def mutated_bytes(draw, data: bytes) -> bytes:
    data = bytearray(data)
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(st.sampled_from(["flip", "truncate", "insert", "delete", "dup"]))
        if not data:
            break
        i = draw(st.integers(0, len(data) - 1))
        if kind == "flip":
            data[i] = draw(st.integers(0, 255))
        elif kind == "truncate":
            del data[i:]
        elif kind == "insert":
            data[i:i] = draw(st.binary(min_size=1, max_size=16))
        elif kind == "delete":
            del data[i:i + draw(st.integers(1, 64))]
        else:
            j = min(len(data), i + draw(st.integers(1, 200)))
            data[i:i] = data[i:j] * draw(st.integers(1, 5))
    return bytes(data)


@st.composite
def mutated_text(draw, text: str) -> str:
    lines = text.split("\n")
    for _ in range(draw(st.integers(1, 5))):
        kind = draw(st.sampled_from(["shuffle", "digits", "control", "drop", "swap_digit", "unicode"]))
        i = draw(st.integers(0, len(lines) - 1))
        if kind == "shuffle":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif kind == "digits":
            run = draw(st.sampled_from(["9" * draw(st.integers(5, 400)), "1" + "0" * 300,
                                        "0." + "3" * 50, "１２３４５６７８９０１２３", "1,234,567"]))
            pos = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:pos] + run + lines[i][pos:]
        elif kind == "control":
            pos = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:pos] + draw(st.sampled_from(CONTROL)) + lines[i][pos:]
        elif kind == "drop":
            del lines[i]
            if not lines:
                lines = [""]
        elif kind == "swap_digit":
            lines[i] = re.sub(r"\d", lambda m: draw(st.sampled_from("0123456789")), lines[i], count=1)
        else:
            pos = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:pos] + draw(st.text(min_size=1, max_size=8)) + lines[i][pos:]
    return "\n".join(lines)


def _settings(**kw):
    return settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                           HealthCheck.data_too_large], **kw)


seed_index = st.integers(0, len(SEEDS) - 1)


@_settings()
@given(i=seed_index, data=st.data())
def test_fuzz_text_bytes(tmp_path, i, data):
    raw = SEEDS[i].read_bytes()
    if data.draw(st.booleans()):
        raw = raw.decode("utf-8").encode("gb18030")
    audit_bytes(tmp_path, "r.txt", data.draw(mutated_bytes(raw)))


@_settings()
@given(i=seed_index, data=st.data())
def test_fuzz_text_lines(tmp_path, i, data):
    text = data.draw(mutated_text(SEEDS[i].read_text(encoding="utf-8")))
    audit_bytes(tmp_path, "r.txt", text.encode("utf-8", "surrogatepass"))


@_settings()
@given(i=st.integers(0, 1), data=st.data())
def test_fuzz_html(tmp_path, i, data):
    page = (fixture_dir() / (SEEDS[i].stem + ".html")).read_text(encoding="utf-8")
    kind = data.draw(st.sampled_from(["text", "bytes", "attr", "span"]))
    if kind == "text":
        blob = data.draw(mutated_text(page.replace("><", ">\n<"))).encode("utf-8", "surrogatepass")
    elif kind == "bytes":
        blob = data.draw(mutated_bytes(page.encode("utf-8")))
    elif kind == "attr":
        size = data.draw(st.integers(1000, 2_000_000))
        blob = page.replace("<td", f'<td data-x="{"x" * size}"', 1).encode()
    else:
        value = data.draw(st.sampled_from(["0", "-1", "1e9", "100000000", "9" * 5000, "2.5", "", "abc", "65535"]))
        attr = data.draw(st.sampled_from(["colspan", "rowspan"]))
        blob = re.sub("<td", f'<td {attr}="{value}"', page, count=data.draw(st.integers(1, 50))).encode()
    audit_bytes(tmp_path, "r.html", blob)


def _docx_with(document_xml: bytes, src: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(src)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, document_xml if info.filename == "word/document.xml" else zin.read(info))
    return out.getvalue()


@_settings()
@given(i=st.integers(0, 1), data=st.data())
def test_fuzz_docx(tmp_path, i, data):
    src = (fixture_dir() / (SEEDS[i].stem + ".docx")).read_bytes()
    if data.draw(st.booleans()):
        blob = data.draw(mutated_bytes(src))
    else:
        with zipfile.ZipFile(io.BytesIO(src)) as z:
            xml = z.read("word/document.xml").decode("utf-8")
        xml = data.draw(mutated_text(xml.replace("><", ">\n<")))
        blob = _docx_with(xml.encode("utf-8", "surrogatepass"), src)
    audit_bytes(tmp_path, "r.docx", blob)


@_settings()
@given(i=st.integers(0, 1), data=st.data())
def test_fuzz_pdf(tmp_path, i, data):
    src = (fixture_dir() / (SEEDS[i].stem + ".pdf")).read_bytes()
    audit_bytes(tmp_path, "r.pdf", data.draw(mutated_bytes(src)))


def test_number_property_can_fail(tmp_path):
    """The 'no invented number' check is real: a finding quoting a cell value absent from the
    input is caught (guards against the property silently passing)."""
    from auditor.findings import Finding

    known = _numbers_in("表三 总计 12 项".encode())
    f = Finding(rule="X", pack="p", severity="error", category="totals", message="m",
                evidence=[{"label": "总计", "raw": "13", "value": 13}])
    assert Decimal(str(f.evidence[0]["value"])) not in known
    assert Decimal("12") in known
