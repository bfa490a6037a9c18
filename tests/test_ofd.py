"""OFD reports (ingest/ofd.py), from OFD fixtures made of the PDF renderings (tools/ofd.py): every
seed's OFD gives the PDF's lines and cells; a CTM, a template page, a table continued on the next
page and office-suite PDFs (rules drawn as rectangles, rows broken across pages) carry over; faulty
variants give the same findings. Hostile packages (ZIP bombs, DTD/entities, broken structure) get a
Chinese error within the limits."""
import subprocess
import sys
import zipfile
from collections import Counter

import jsonschema
import pytest

from auditor.api import parse_file
from auditor.errors import InputError
from auditor.ingest import ofd as ofd_reader
from auditor.ingest import pdf as pdf_reader
from auditor.ingest import read_report
from auditor.limits import DEFAULT
from auditor.resources import schema
from conftest import ROOT, SEEDS, seed_id
from test_formats import cells, claims
from tools import fixtures, office, ofd
from tools.variants import write_variant

@pytest.fixture(scope="module")
def outdir(tmp_path_factory):
    pytest.importorskip("reportlab")  # draws the PDF renderings the OFD fixtures are made from
    return tmp_path_factory.mktemp("ofd")


@pytest.fixture(scope="module")
def seed_ofd(outdir):
    """seed stem -> (OFD path, PDF path) of the plain rendering."""
    out = {}
    for seed in SEEDS:
        path = ofd.write_ofd(parse_file(seed), outdir / f"{seed.stem}.ofd")
        out[seed.stem] = (path, path.with_suffix(".pdf"))
    return out


@pytest.mark.parametrize("seed", SEEDS, ids=seed_id)
def test_ofd_gives_the_pdf_lines_and_cells(seed, seed_ofd):
    path, pdf = seed_ofd[seed.stem]
    rep, pdf_rep = parse_file(path), parse_file(pdf)
    assert rep.kind == "ofd" and rep.source == str(path)
    assert rep.lines == pdf_rep.lines and rep.refs == pdf_rep.refs
    assert cells(rep) == cells(pdf_rep) == cells(parse_file(seed))
    assert claims(rep) == claims(pdf_rep)
    assert [s.number for s in rep.sections] == [1, 2, 3, 4, 5, 6]
    assert fixtures.PDF_HEADER not in rep.lines  # the running header is dropped, as from the PDF
    jsonschema.validate(rep.to_dict(), schema("report.schema.json"))  # "format": "ofd" is in the contract


def test_the_fixture_is_a_real_ofd_package(seed_ofd):
    """Structure per GB/T 33190: OFD.xml → DocRoot → Document.xml → pages; text in TextObjects with
    DeltaX (and its "g" repeats), rules in PathObjects."""
    from lxml import etree

    path, _pdf = seed_ofd[SEEDS[0].stem]
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        root = etree.fromstring(zf.read("OFD.xml"))
        page = "".join(zf.read(n).decode() for n in names if n.endswith("Content.xml"))
    assert names[:3] == ["OFD.xml", "Doc_0/Document.xml", "Doc_0/PublicRes.xml"]
    assert root.tag == f"{{{ofd.NS}}}OFD" and root.find(f".//{{{ofd.NS}}}DocRoot").text == "Doc_0/Document.xml"
    assert page.count("<ofd:TextObject") > 20 and page.count("<ofd:PathObject") > 20
    assert 'DeltaX="g ' in page and "<ofd:AbbreviatedData>M 0 0 L " in page


@pytest.mark.parametrize("seed", [SEEDS[0], SEEDS[2]], ids=seed_id)
def test_ctm_template_and_continued_table(seed, outdir, seed_ofd, monkeypatch):
    """Text in a scaled object space (CTM), the running header in a template page, 表三 continued on
    the next page: the same lines as the PDF they were made from."""
    rep = parse_file(seed)
    scaled = ofd.write_ofd(rep, outdir / f"{seed.stem}.ctm.ofd", ctm=0.3528)
    assert 'CTM="0.3528 0 0 0.3528 0 0"' in zipfile.ZipFile(scaled).read("Doc_0/Pages/Page_0/Content.xml").decode()
    assert parse_file(scaled).lines == parse_file(seed_ofd[seed.stem][1]).lines
    split = ofd.write_ofd(rep, outdir / f"{seed.stem}.split.ofd", split_t3_after="deny_4", repeat_header=True)
    split_rep = parse_file(split)
    assert split_rep.lines == parse_file(split.with_suffix(".pdf")).lines
    assert cells(split_rep) == cells(rep)
    templated = ofd.write_ofd(rep, outdir / f"{seed.stem}.tpl.ofd", header_template=fixtures.PDF_HEADER)
    with zipfile.ZipFile(templated) as zf:
        assert fixtures.PDF_HEADER in zf.read("Doc_0/Tpls/Tpl_0/Content.xml").decode()
        assert fixtures.PDF_HEADER not in zf.read("Doc_0/Pages/Page_1/Content.xml").decode()
    seen = []
    real = pdf_reader._assemble
    monkeypatch.setattr(pdf_reader, "_assemble", lambda path, pages: seen.extend(pages) or real(path, pages))
    assert parse_file(templated).lines == parse_file(seed_ofd[seed.stem][1]).lines
    assert len(seen) > 1 and all(any(item == fixtures.PDF_HEADER for _t, item in p.items) for p in seen)


@pytest.mark.parametrize("name", ["000-total-changed", "004-t4-total", "002-carried-forward-1"])
def test_faulty_variants_give_the_same_findings(name, outdir, national_rules):
    from auditor.batch import audit_file
    from auditor.config import Config

    def rules_of(path):
        return Counter(f.rule for f in audit_file(path, national_rules, Config()).findings
                       if f.rule != "NAT-PARSE-UNSURE")

    text = write_variant(name, outdir / "variants")
    path = ofd.write_ofd(parse_file(text), outdir / f"{name}.ofd")
    expected = rules_of(text)
    assert expected and rules_of(path) == expected == rules_of(path.with_suffix(".pdf"))


def test_office_suite_pdfs_as_ofd(outdir):
    """LibreOffice's PDFs (rules drawn as thin rectangles, 表三 broken inside rows on short pages)
    converted to OFD: the same lines and cells."""
    ok, why = office.available()
    if not ok:
        print(f"SKIP office OFD: {why}")
        pytest.skip(why)
    reports = {seed.stem: parse_file(seed) for seed in (SEEDS[0], SEEDS[3])}
    pdfs = office.office_pdfs(reports, outdir / "office", layouts=("short",))
    for (name, _layout), pdf in pdfs.items():
        rep = parse_file(ofd.pdf_to_ofd(pdf, pdf.with_suffix(".ofd")))
        assert rep.lines == parse_file(pdf).lines
        assert cells(rep) == cells(reports[name])


def test_delta_x_repeats():
    assert ofd_reader._deltas("1 g 3 2.5 4", 10) == [1.0, 2.5, 2.5, 2.5, 4.0]
    assert ofd._delta_x(["1", "2.5", "2.5", "2.5", "4"]) == "1 g 3 2.5 4"
    assert ofd_reader._deltas("g 1000000000 1 2", 7) == [1.0] * 7  # never more than the characters


# --- hostile and broken packages -----------------------------------------------------------------

def _package(tmp_path, name, parts):
    return ofd.write_package(tmp_path / name, parts)


def _minimal(content: bytes) -> dict[str, bytes]:
    """A one-page OFD whose page content is `content`."""
    ns = ofd.NS
    return {
        "OFD.xml": f'<ofd:OFD xmlns:ofd="{ns}" Version="1.0" DocType="OFD"><ofd:DocBody><ofd:DocInfo>'
                   f'<ofd:DocID>x</ofd:DocID></ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot>'
                   f'</ofd:DocBody></ofd:OFD>'.encode(),
        "Doc_0/Document.xml": f'<ofd:Document xmlns:ofd="{ns}"><ofd:CommonData><ofd:MaxUnitID>9</ofd:MaxUnitID>'
                              f'<ofd:PageArea><ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox></ofd:PageArea>'
                              f'</ofd:CommonData><ofd:Pages><ofd:Page ID="1" BaseLoc="Pages/Page_0/Content.xml"/>'
                              f'</ofd:Pages></ofd:Document>'.encode(),
        "Doc_0/Pages/Page_0/Content.xml": content,
    }


def _page(objects: str) -> bytes:
    return (f'<ofd:Page xmlns:ofd="{ofd.NS}"><ofd:Content><ofd:Layer ID="2">{objects}</ofd:Layer>'
            f'</ofd:Content></ofd:Page>').encode()


TEXT = '<ofd:TextObject ID="3" Boundary="20 20 100 5" Font="1" Size="4"><ofd:TextCode X="0" Y="3.5" ' \
       'DeltaX="g 3 4">{}</ofd:TextCode></ofd:TextObject>'


def test_minimal_package_reads(tmp_path):
    path = _package(tmp_path, "mini.ofd", _minimal(_page(TEXT.format("年度报告"))))
    assert read_report(path).text == "年度报告"


def _reason(path, limits=DEFAULT) -> str:
    with pytest.raises(InputError) as e:
        read_report(path, limits)
    assert e.value.path == str(path)
    return e.value.reason


def test_zip_bombs(tmp_path):
    filler = b"<!-- -->" + b" " * (60 * 1024 * 1024)  # 60 MB of blanks: deflates to ~60 kB
    bomb = _package(tmp_path, "bomb.ofd", _minimal(_page(TEXT.format("正文")) + filler))
    assert "文件解压后过大" in _reason(bomb)
    ratio = _package(tmp_path, "ratio.ofd", _minimal(_page(TEXT.format("正文")) + b" " * (4 * 1024 * 1024)))
    assert "压缩比异常" in _reason(ratio)
    many = _minimal(_page(TEXT.format("正文")))
    many.update({f"Doc_0/Res/{i}.xml": b"<a/>" for i in range(DEFAULT.max_zip_entries + 1)})
    assert "压缩包内文件数过多" in _reason(_package(tmp_path, "many.ofd", many))
    tags = _package(tmp_path, "tags.ofd", _minimal(_page(TEXT.format("正文") + "<ofd:PageBlock/>" * 50_000)))
    assert "XML 元素过多" in _reason(tags, DEFAULT.with_(max_xml_tags=10_000))


def test_dtd_and_entities_are_refused(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("不应读出的内容", encoding="utf-8")
    xxe = (f'<?xml version="1.0"?><!DOCTYPE p [<!ENTITY x SYSTEM "{secret.as_uri()}">]>'.encode()
           + _page(TEXT.format("&x;")))
    assert "含有 DTD 或实体声明" in _reason(_package(tmp_path, "xxe.ofd", _minimal(xxe)))
    lol = ('<?xml version="1.0"?><!DOCTYPE p [<!ENTITY a "哈哈哈哈哈哈哈哈哈哈">'
           + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8))
           + ']>').encode() + _page(TEXT.format("&i;"))
    assert "含有 DTD 或实体声明" in _reason(_package(tmp_path, "lol.ofd", _minimal(lol)))


def test_broken_packages(tmp_path):
    not_zip = tmp_path / "plain.ofd"
    not_zip.write_bytes(b"%PDF-1.7 not an OFD at all")
    assert _reason(not_zip) == "不是有效的 OFD 文件（不是 ZIP 压缩包）"
    parts = _minimal(_page(TEXT.format("正文")))
    del parts["Doc_0/Document.xml"]
    assert "OFD 文件结构不完整（找不到文档根节点 Document.xml）" == _reason(_package(tmp_path, "nodoc.ofd", parts))
    bad_xml = _package(tmp_path, "badxml.ofd", _minimal(b"<ofd:Page><unclosed>"))
    assert "OFD 文件中的 XML 无法解析" in _reason(bad_xml)
    parts = _minimal(_page(TEXT.format("正文")))
    parts["Doc_0/Document.xml"] = parts["Doc_0/Document.xml"].replace(b"Page_0/Content.xml", b"Page_0/Content.bin")
    parts["Doc_0/Pages/Page_0/Content.bin"] = parts.pop("Doc_0/Pages/Page_0/Content.xml")
    assert "不是 XML 文件" in _reason(_package(tmp_path, "nonxml.ofd", parts))
    outside = _minimal(_page(TEXT.format("正文")))
    outside["Doc_0/Document.xml"] = outside["Doc_0/Document.xml"].replace(b"Pages/Page_0", b"../../Page_0")
    assert "找不到第1页的内容" in _reason(_package(tmp_path, "outside.ofd", outside))
    scan = _package(tmp_path, "scan.ofd", _minimal(_page(
        '<ofd:PathObject ID="3" Boundary="0 0 10 10"><ofd:AbbreviatedData>M 0 0 L 10 0 C</ofd:AbbreviatedData>'
        '</ofd:PathObject>')))
    assert "OFD 中没有文字（共 1 页，可能是扫描件）" in _reason(scan)


def test_page_limit(tmp_path, seed_ofd):
    path, _pdf = seed_ofd[SEEDS[0].stem]
    pages = sum(1 for n in zipfile.ZipFile(path).namelist() if n.endswith("Content.xml"))
    assert pages > 1
    reason = _reason(path, DEFAULT.with_(max_pages=1))
    assert reason == f"OFD 共 {pages} 页，超过上限 1 页（配置项 limits.max-pages）"


def test_cli_hostile_ofd_exit_2_and_the_rest_audited(tmp_path):
    folder = tmp_path / "batch"
    folder.mkdir()
    _package(folder, "xxe.ofd", _minimal(b'<!DOCTYPE p [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                                         + _page(TEXT.format("&x;"))))
    (folder / "seed.txt").write_bytes(SEEDS[0].read_bytes())
    r = subprocess.run([sys.executable, "-m", "auditor.cli", "check", str(folder)], capture_output=True,
                       text=True, cwd=ROOT, timeout=300)
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "xxe.ofd" in r.stderr and "含有 DTD 或实体声明" in r.stderr and "root:" not in r.stdout + r.stderr
    assert "seed.txt" in r.stdout


def test_several_documents_are_all_read_in_order(outdir, seed_ofd):
    """A package of several documents (one DocBody each): every document is read, in the order
    OFD.xml lists them, each on its own (its tables and running headers), and every reference names
    its document; a note says so, and names a document without text. Reading only the first would
    lose the report behind a cover letter."""
    path, pdf = seed_ofd[SEEDS[0].stem]
    rep = parse_file(path)
    cover = fixtures.write_pdf_pages(outdir / "cover.pdf", ["关于报送政府信息公开工作年度报告的函", "特此函告。"])
    attachment = fixtures.write_pdf_pages(outdir / "attachment.pdf", ["附件：联系方式", None])
    scan = fixtures.write_pdf_pages(outdir / "scan.pdf", [None, None])
    both = ofd.pdf_to_ofd([pdf, attachment, scan], outdir / "three-docs.ofd")
    with zipfile.ZipFile(both) as zf:
        assert zf.read("OFD.xml").count(b"<ofd:DocBody>") == 3 and "Doc_2/Document.xml" in zf.namelist()
    got = parse_file(both)
    assert got.kind == "ofd"
    assert got.lines == rep.lines + ["附件：联系方式"]
    assert got.refs == ["第1个文档" + r for r in rep.refs] + ["第2个文档第1页"]
    assert cells(got) == cells(rep)
    notes = [n.message for n in got.parse_notes if n.code == "ingest"]
    assert notes == ["OFD 文件包含 3 个文档，已按顺序全部读取（位置写作“第2个文档第1页”）",
                     "第2个文档第2页没有文字层（可能是扫描页），该页内容未读取",
                     "第3个文档没有文字（共 2 页，可能是扫描件），未读取"]
    behind = parse_file(ofd.pdf_to_ofd([cover, pdf], outdir / "cover-first.ofd"))
    assert cells(behind) == cells(rep)
    assert behind.refs[:2] == ["第1个文档第1页", "第1个文档第2页"] and behind.refs[2].startswith("第2个文档")
    with zipfile.ZipFile(both) as zf:
        pages = sum(1 for n in zf.namelist() if n.endswith("Content.xml"))
    assert pages > 4
    reason = _reason(both, DEFAULT.with_(max_pages=pages - 1))  # the pages of all documents count
    assert reason == f"OFD 共 {pages} 页，超过上限 {pages - 1} 页（配置项 limits.max-pages）"
    scans = ofd.pdf_to_ofd([scan, scan], outdir / "scans.ofd")
    assert "OFD 中没有文字（共 4 页，可能是扫描件）" in _reason(scans)


def test_many_documents_stop_at_the_page_limit(tmp_path):
    """Thousands of DocBody entries (all naming one Document.xml): refused once the pages counted
    pass the limit, without reading the rest."""
    parts = _minimal(_page(TEXT.format("正文")))
    body = parts["OFD.xml"].split(b"<ofd:DocBody>")[1].split(b"</ofd:DocBody>")[0]
    parts["OFD.xml"] = parts["OFD.xml"].replace(b"</ofd:OFD>", (b"<ofd:DocBody>" + body + b"</ofd:DocBody>")
                                                * 5000 + b"</ofd:OFD>")
    assert _reason(_package(tmp_path, "many-docs.ofd", parts), DEFAULT.with_(max_pages=10)) == \
        "OFD 至少 11 页，超过上限 10 页（配置项 limits.max-pages）"
    two = _minimal(_page(TEXT.format("正文")))
    two["OFD.xml"] = two["OFD.xml"].replace(b"</ofd:OFD>", b"<ofd:DocBody>" + body + b"</ofd:DocBody></ofd:OFD>")
    assert read_report(_package(tmp_path, "two-docs.ofd", two)).text == "正文\n正文"
