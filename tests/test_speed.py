"""The fast paths give the results of the straightforward ones; numbers too long to be counts
never crash a rule (issue 11); caches are safe (issue 13)."""
from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from auditor.batch import audit_file
from auditor.config import Config
from auditor.parse import claims
from auditor.plugins import default_plugins

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "sample_reports" / "000_4514475f3fb3965f.txt"
HUGE = "9" * 400  # beyond a float (1.8e308): summed with a decimal it overflowed


def _audit(tmp_path: Path, text: str):
    path = tmp_path / "report.txt"
    path.write_text(text, encoding="utf-8")
    loaded = default_plugins()
    return audit_file(path, loaded.rules, Config(), loaded)


def _with_cell(text: str, label: str, value: str) -> str:
    """The seed with the first cell of the 表三 row `label` replaced by `value`."""
    lines = text.split("\n")
    i = next(i for i, ln in enumerate(lines) if label in ln and "\t" in ln)
    head, sep, rest = lines[i].partition(label)
    cells = rest.split("\t")
    j = next(k for k, c in enumerate(cells) if c.strip())
    cells[j] = value
    lines[i] = head + sep + "\t".join(cells)
    return "\n".join(lines)


def test_huge_number_in_a_breakdown_is_not_a_count(tmp_path):
    # Before: OverflowError in NAT-TXT-SUM (a 300-digit int plus a decimal), reported as a crash.
    text = SEED.read_text(encoding="utf-8").replace(
        "共受理政府信息公开申请6件，", f"共受理政府信息公开申请3件（其中：信函申请{HUGE}件，网上申请1.5件），")
    result = _audit(tmp_path, text)
    assert result.error is None
    rules = {f.rule for f in result.findings}
    assert "AUDITOR-RULE-CRASH" not in rules
    assert not {"NAT-TXT-SUM", "NAT-TXT-SUM-SHORT"} & rules
    huge = [c for c in result.report.narrative.claims if c.value is not None and c.value > 10 ** 12]
    assert huge and all(not c.comparable and c.scope == claims.NOT_A_COUNT for c in huge)
    assert not any(b for b in result.report.narrative.breakdowns if b.total.value == 3)


def test_huge_number_as_a_claim_is_not_compared(tmp_path):
    text = SEED.read_text(encoding="utf-8").replace("共受理政府信息公开申请6件，", f"共受理政府信息公开申请{HUGE}件，")
    result = _audit(tmp_path, text)
    assert "NAT-TXT-RECEIVED" not in {f.rule for f in result.findings}
    assert "AUDITOR-RULE-CRASH" not in {f.rule for f in result.findings}


def test_huge_cell_next_to_a_decimal_makes_the_column_not_assessable(tmp_path):
    # Before: OverflowError in NAT-T3-SUM (the results column sums a 300-digit cell and 0.5).
    text = _with_cell(SEED.read_text(encoding="utf-8"), "4. 保护第三方合法权益", HUGE)
    text = _with_cell(text, "5. 属于三类内部事务信息", "0.5")
    result = _audit(tmp_path, text)
    assert result.error is None
    by_rule = {f.rule for f in result.findings}
    assert "AUDITOR-RULE-CRASH" not in by_rule
    skipped = [s for s in result.skipped if s.rule == "NAT-T3-SUM" and s.location.get("column") == "natural"]
    assert skipped, "the 自然人 column of NAT-T3-SUM should be not assessable"
    assert not [f for f in result.findings if f.rule == "NAT-T3-SUM" and f.location.get("column") == "natural"]


# ---------------------------------------------------------------- claims: the table-driven parse

def _corpus_sentences() -> list[str]:
    import tomllib

    from auditor.api import parse_file
    from auditor.parse.normalize import normalize

    texts = []
    for f in sorted((ROOT / "sample_reports").glob("*.txt")):
        texts += [p.text for _s, p in parse_file(f).paragraphs()]
    with open(ROOT / "tests" / "data" / "claims_corpus.toml", "rb") as fh:
        texts += ["".join(normalize(c["text"])) for c in tomllib.load(fh)["case"]]
    texts += ["约 3件", "3 件以上", "（（3件）", "3件））（", "共收到申请3件（其中：信函申请3件，网上申请1件", "一起办理三个",
              "收到二十一件，办结一百零五件。", "受理三千件、办结十几件", "共7件（5件、2件）", "第一件", "两千零三件"]
    return sorted({m.group(0) for t in texts for m in claims._SENTENCE.finditer(t)})


def _walk_lark_tree(sentence: str, lark) -> list[tuple]:
    """Reference: lark's own parse of the sentence, its tree walked into tokens (the former code)."""
    from lark.exceptions import LarkError

    try:
        tree = lark.parse(sentence)
    except LarkError:
        return []
    out, clause = [], 0

    def walk(children, depth):
        nonlocal clause
        for child in children:
            if not hasattr(child, "data"):
                if child.type == "SEP":
                    clause += 1
                out.append((child.type, str(child), child.start_pos, child.end_pos, depth, clause))
            elif child.data == "quantity":
                first, last = child.children[0], child.children[-1]
                num = next(t for t in child.children if t.type == "NUMBER")
                out.append(("QTY", sentence[first.start_pos:last.end_pos], first.start_pos, last.end_pos, depth,
                            clause, claims._number(str(num))))
            else:
                lpar, *inner, rpar = child.children
                clause += 1
                out.append(("LPAR", str(lpar), lpar.start_pos, lpar.end_pos, depth, clause))
                clause += 1
                walk(inner, depth + 1)
                clause += 1
                out.append(("RPAR", str(rpar), rpar.start_pos, rpar.end_pos, depth, clause))
    walk(tree.children, 0)
    return out


@pytest.mark.parametrize("extensions", [(), ("%extend RECEIVED: /登记在册/",)])
def test_table_driven_parse_equals_larks_own_parse(extensions):
    parser = claims._parser(extensions)
    sentences = _corpus_sentences()
    assert len(sentences) > 300
    for s in sentences:
        fast = [(t.kind, t.text, t.start, t.end, t.depth, t.clause) + ((t.value,) if t.kind == "QTY" else ())
                for t in claims.tokenize(s, extensions)]
        assert fast == _walk_lark_tree(s, parser.lark), s
        # `extract` reads the same tokens without the FILLER ones
        no_filler = [(t.kind, t.text, t.start, t.end, t.depth, t.clause) + ((t.value,) if t.kind == "QTY" else ())
                     for t in parser.tokens(s, fillers=False) or []]
        assert no_filler == [t for t in fast if t[0] != "FILLER"], s


def test_remembered_configurations_stay_bounded_on_deeply_nested_text():
    """Brackets nested 300 deep need 300-deep parser stacks: they are parsed with a memo of their
    own, the shared one keeps no stack deeper than the limit, and the tokens are Lark's."""
    import copy

    parser = copy.copy(claims._parser())  # the same tables, a memo of its own with a small cap
    parser._memo = claims._Memo(parser.start_state, 64)
    nested = "本年度收到申请" + "（其中予以公开12件" * 300 + "）" * 300 + "。"
    varied = [f"收到申请{i}件（其中{'（' * (i % 5)}予以公开{i}件{'）' * (i % 5)}）。" for i in range(200)]
    for s in [nested] + varied:
        fast = [(t.kind, t.text, t.start, t.end, t.depth, t.clause) + ((t.value,) if t.kind == "QTY" else ())
                for t in parser.tokens(s) or []]
        assert fast == _walk_lark_tree(s, parser.lark), s
    assert len(parser._memo.stacks) <= 64
    assert max(len(k) for k in parser._memo.stacks) <= claims.MAX_REMEMBERED_DEPTH


def test_gated_alternation_matches_the_plain_one():
    import re

    terms = [t for t in claims._parser().lark.terminals if t.name != "FILLER"]
    terms.sort(key=lambda t: (-t.priority, -t.pattern.max_width, t.name))
    plain = re.compile("|".join(f"(?P<{t.name}>{t.pattern.to_regexp()})" for t in terms))
    gated = claims._parser().regex
    assert gated.pattern != plain.pattern  # the look-aheads are really there
    for s in _corpus_sentences():
        assert [(m.lastgroup, m.span()) for m in gated.finditer(s)] == \
               [(m.lastgroup, m.span()) for m in plain.finditer(s)], s


def test_first_class_is_a_superset_of_the_first_characters():
    import re

    for pattern, text in [(r"(?<![\d.第])(?:\d+|[一二]+)(?=件)", "12件"), (r"(?:行政)?复议后", "复议后"),
                          (r"\s*(?:件|条)", " 件"), (r"(?:按时)?办结率", "办结率")]:
        cls = claims._first_class(pattern)
        assert cls is not None and re.match(f"[{cls}]", text), (pattern, cls)
    assert claims._first_class(r"[\u4e00-\u9fa5]{1,8}?局") is None  # too wide to help
    assert claims._first_class(r"a*") is None  # can match the empty string


def test_plain_chinese_numerals_read_as_cn2an_reads_them():
    cn2an = pytest.importorskip("cn2an")

    def reference(text):
        try:
            return int(cn2an.cn2an(text, "smart"))
        except (ValueError, KeyError):
            return None

    alphabet = "零〇一二两三四五六七八九十百千"
    candidates = {"".join(p) for n in (1, 2, 3) for p in itertools.product(alphabet, repeat=n)}
    candidates |= {cn2an.an2cn(i, "low") for i in range(10000)}
    candidates |= {"两千零三", "两百", "一千零五十", "十万", "三千五", "二十万", "一万零一"}
    read = 0
    for text in candidates:
        mine = claims._small_chinese_number(text)
        if mine is not None:
            read += 1
            assert mine == reference(text), text
        assert claims._number(text) == reference(text), text
    assert read > 9000


# ---------------------------------------------------------------- engine fast paths

def test_single_reading_fast_path_equals_the_general_path():
    import random

    from auditor.engine.readings import evaluate
    from auditor.model import Row, Table

    rng = random.Random(13)
    cols = ["a", "b", "total"]
    for _ in range(300):
        values = [tuple(rng.choice([0, 1, 2, 3, None, 1.5, 10 ** 13]) for _c in cols) for _r in range(3)]
        one = Table("t3", rows={f"r{i}": Row(f"r{i}", "", 1, cols, {}, readings=[v]) for i, v in enumerate(values)})
        # the same rows with a duplicated reading take the general path and mean the same
        two = Table("t3", rows={f"r{i}": Row(f"r{i}", "", 1, cols, {}, readings=[v, v]) for i, v in enumerate(values)})
        cells = [(f"r{i}", c) for i in range(3) for c in rng.sample(cols, 2)]
        check = lambda v: sum(v[k] for k in cells[1:]) == v[cells[0]]  # noqa: E731
        fast, general = evaluate(one, cells, check), evaluate(two, cells, check)
        assert (fast.verdict, fast.values, fast.varies) == (general.verdict, general.values, general.varies)


def test_known_columns_and_rows_are_known_values_of_each_column_and_row():
    import random

    from auditor.engine.readings import known_columns, known_rows, known_values
    from auditor.model import Row, Table

    rng = random.Random(17)
    for _ in range(300):
        cols = rng.sample(["a", "b", "total", "c"], 4)
        shared = cols if rng.random() < 0.5 else None  # rows sharing one column list, or each its own
        rows = {}
        for i in range(4):
            readings = [tuple(rng.choice([0, 1, 2, None, 1.5, 10 ** 12, -10 ** 12]) for _c in cols)
                        for _k in range(rng.choice([1, 1, 1, 2, 0]))]
            rows[f"r{i}"] = Row(f"r{i}", "", 1, shared or rng.sample(cols, 4), {}, readings=readings)
        table = Table("t3", rows=rows)
        keys = rng.sample([*rows, "missing"], rng.randint(0, 4))
        want = rng.sample(cols, rng.randint(1, 4))  # (no cells: known_values' [] for any row)
        assert known_columns(table, keys, want) == [known_values(table, [(r, c) for r in keys]) for c in want]
        assert known_rows(table, keys, want) == [known_values(table, [(r, c) for c in want]) for r in keys]


def test_per_file_ignore_matchers_match_as_fnmatch_does():
    import fnmatch

    from auditor.config import ignored_for_file
    from auditor.engine.rules import Rule

    rule = Rule("NAT-T3-COL", "x", "national", "error", "totals", "", "", {}, check=lambda r, c: ())
    paths = ["reports/003_a.txt", "003_a.txt", "a/b/c.docx", "x/2020/报告.pdf", "[x].txt"]
    for pattern in ["003_*.txt", "reports/*", "*.docx", "x/*/报告.pdf", "[[]x].txt", "*/b/*", "?03_a.txt"]:
        cfg = Config(per_file_ignores={pattern: ["NAT-T3"]})
        for p in paths:
            expected = fnmatch.fnmatch(Path(p).as_posix(), pattern) or fnmatch.fnmatch(Path(p).name, pattern)
            assert ignored_for_file(rule, cfg, p) == expected, (pattern, p)
    assert not ignored_for_file(rule, Config(), "anything.txt")


# ---------------------------------------------------------------- built-in packs from their validated form

def test_builtin_pack_cache_is_consistent_with_the_toml_sources():
    from auditor.engine import packcache
    from auditor.resources import read_toml_file

    built = packcache.build()
    assert packcache.MANIFEST.read_text(encoding="utf-8") == packcache.dumps(built), \
        "src/auditor/engine/builtin_packs.json is stale: run python tools/pack_cache.py"
    files = packcache.builtin_pack_files()
    assert sorted(built["packs"]) == sorted(packcache.builtin_name(f) for f in files) and files
    for f in files:
        raw = f.read_bytes()
        assert packcache.validated(f, raw) == read_toml_file(f)
        assert packcache.validated(f, raw + b"\n# edited\n") is None  # an edited pack is validated again


def test_rules_from_the_cache_equal_rules_validated_from_toml(monkeypatch):
    from auditor.engine import packcache, rules

    files = packcache.builtin_pack_files()
    cached = [r for f in files for r in rules.load_pack_file(f)]
    monkeypatch.setattr(packcache, "validated", lambda path, raw: None)
    fresh = [r for f in files for r in rules.load_pack_file(f)]
    assert cached == fresh and len(cached) > 30


def test_third_party_pack_is_validated_even_when_it_copies_a_builtin_one(tmp_path, monkeypatch):
    from auditor.engine import packcache, rules
    from auditor.errors import ConfigError

    monkeypatch.setenv("AUDITOR_CACHE_DIR", "")  # no per-user cache of validated packs
    source = packcache.builtin_pack_files()[0]
    copy = tmp_path / source.name
    copy.write_bytes(source.read_bytes())
    assert packcache.validated(copy, copy.read_bytes()) is None  # same bytes, but not a built-in pack
    calls = []
    real = rules.parse_and_validate
    monkeypatch.setattr(rules, "parse_and_validate", lambda p, raw: calls.append(p) or real(p, raw))
    assert rules.load_pack_file(copy) and calls == [copy]
    tampered = tmp_path / "tampered.toml"
    tampered.write_text(source.read_text(encoding="utf-8").replace('severity = "', 'severity = "fatal-', 1),
                        encoding="utf-8")
    with pytest.raises(ConfigError, match="规则包格式错误"):
        rules.load_pack_file(tampered)


def test_third_party_pack_is_validated_once_then_taken_from_the_user_cache(tmp_path, monkeypatch):
    from auditor.engine import packcache, rules
    from auditor.errors import ConfigError

    monkeypatch.setenv("AUDITOR_CACHE_DIR", str(tmp_path / "cache"))
    pack = ROOT / "plugins" / "auditor-ningxia" / "src" / "auditor_ningxia" / "rules.toml"
    calls = []
    real = rules.parse_and_validate
    monkeypatch.setattr(rules, "parse_and_validate", lambda p, raw: calls.append(p) or real(p, raw))
    first = rules.load_pack_file(pack)
    assert calls == [pack] and len(list((tmp_path / "cache").glob("pack-*.json"))) == 1
    second = rules.load_pack_file(pack)
    assert calls == [pack] and second == first  # not validated again: same rules
    copy = tmp_path / "edited.toml"
    copy.write_bytes(pack.read_bytes() + b"\n# edited\n")
    rules.load_pack_file(copy)
    assert calls == [pack, copy]  # other bytes: validated
    for f in (tmp_path / "cache").glob("pack-*.json"):  # a damaged cache file: validated again
        f.write_text("{", encoding="utf-8")
    assert rules.load_pack_file(pack) == first and calls == [pack, copy, pack]
    bad = tmp_path / "bad.toml"
    bad.write_text(pack.read_text(encoding="utf-8").replace('severity = "', 'severity = "fatal-', 1), encoding="utf-8")
    for _ in range(2):  # an invalid pack is never kept: the error every time
        with pytest.raises(ConfigError, match="规则包格式错误"):
            rules.load_pack_file(bad)
    assert packcache.user_validated(bad.read_bytes()) is None


def test_cached_pack_content_that_json_cannot_carry_is_not_kept(tmp_path, monkeypatch):
    import datetime

    from auditor.engine import packcache

    monkeypatch.setenv("AUDITOR_CACHE_DIR", str(tmp_path))
    packcache.remember_validated(b"x", {"pack": {"date": datetime.date(2024, 1, 1)}})
    packcache.remember_validated(b"y", {"pack": {"n": 1}})
    assert packcache.user_validated(b"x") is None and packcache.user_validated(b"y") == {"pack": {"n": 1}}
    assert not list(tmp_path.glob(".pack-*"))  # no temporary file left behind


# ---------------------------------------------------------------- parse tables in the user cache (parse/lalr.py)

def _fresh_parse(monkeypatch, cache_dir: str | None):
    from auditor.parse import document

    if cache_dir is None:
        monkeypatch.delenv("AUDITOR_CACHE_DIR", raising=False)
    else:
        monkeypatch.setenv("AUDITOR_CACHE_DIR", cache_dir)
    claims._parser.cache_clear()
    document._parser.cache_clear()
    try:
        return [[(t.kind, t.text) for t in claims.tokenize(s)] for s in _corpus_sentences()[:40]]
    finally:
        claims._parser.cache_clear()
        document._parser.cache_clear()


def test_parse_table_cache_is_written_reused_and_equal(tmp_path, monkeypatch, capfd):
    reference = _fresh_parse(monkeypatch, "")  # empty: no cache
    first = _fresh_parse(monkeypatch, str(tmp_path / "c"))
    files = sorted(p.name for p in (tmp_path / "c").iterdir())
    assert any(f.startswith("claims-") for f in files)
    second = _fresh_parse(monkeypatch, str(tmp_path / "c"))  # loaded from the cache
    assert reference == first == second
    for f in (tmp_path / "c").iterdir():  # a corrupt cache file is rebuilt silently
        f.write_bytes(b"not a cache")
    assert _fresh_parse(monkeypatch, str(tmp_path / "c")) == reference
    out, err = capfd.readouterr()
    assert out == "" and err == ""


def test_parse_table_cache_dir_that_cannot_be_created_or_written_is_silently_skipped(tmp_path, monkeypatch, capfd):
    from auditor.resources import cache_dir

    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("AUDITOR_CACHE_DIR", str(blocker / "sub"))
    assert cache_dir() is None
    reference = _fresh_parse(monkeypatch, "")
    assert _fresh_parse(monkeypatch, str(blocker / "sub")) == reference
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    try:
        assert _fresh_parse(monkeypatch, str(ro)) == reference
        import os
        if os.geteuid() != 0:  # root may write anywhere
            assert list(ro.iterdir()) == []
    finally:
        ro.chmod(0o700)
    out, err = capfd.readouterr()
    assert out == "" and err == ""


# ---------------------------------------------------------------- region detection without regex alternations

def _region_texts():
    """The seed reports, and copies with province and place names (overlapping ones too) spliced in."""
    import random

    from auditor.api import parse_file
    from auditor.model import Report

    seeds = [parse_file(f) for f in sorted((ROOT / "sample_reports").glob("*.txt"))]
    words = ["宁夏回族自治区", "宁夏", "固原市", "原州区", "固原", "宁政发", "宁政办发", "甘肃省", "兰州市", "景泰县",
             "宝鸡市", "红寺堡区", "红寺堡", "内蒙古自治区", "内蒙古", "北京市朝阳区", "朝阳"]
    rng = random.Random(13)
    out = list(seeds)
    for _ in range(200):
        base = rng.choice(seeds)
        lines = list(base.lines)
        for _k in range(rng.randint(1, 10)):
            i = rng.randrange(len(lines))
            j = rng.randint(0, len(lines[i]))
            glued = rng.choice(words) + (rng.choice(words)[1:] if rng.random() < 0.4 else "")
            lines[i] = lines[i][:j] + glued + lines[i][j:]
        rep = Report(source=base.source, kind=base.kind, lines=lines, refs=base.refs, encoding=base.encoding)
        rep.organ = (base.organ or "") + (rng.choice(words) if rng.random() < 0.3 else "")
        rep.title = base.title
        out.append(rep)
    return out


def test_region_evidence_equals_the_regex_scan():
    from auditor import regions

    overlapping = regions.Gazetteer("test", ["宁夏回族自治区", "宁夏", "回族"], ["固原市", "原州区", "州区", "固原"],
                                    ["宁政发", "宁政", "政发"], ["红寺堡"])
    gazetteers = list(regions._core_gazetteers()) + [overlapping]
    found = 0
    for rep in _region_texts():
        head, text = (rep.organ or "") + (rep.title or ""), "\n".join(rep.lines)
        for g in gazetteers:
            fast = g.evidence(rep)
            assert fast == g._evidence_scan(head, text), (g.region, rep.organ)
            found += fast is not None
    assert found > 200


def test_head_index_names_exactly_the_gazetteers_with_head_evidence():
    """The one index of all core names and places (built without each gazetteer's own index)
    finds in a head exactly the gazetteers that find head evidence there themselves."""
    from auditor import regions

    gazetteers = regions._core_gazetteers()
    named_some = 0
    for rep in _region_texts():
        named = regions._named_in_head(rep)
        assert named == [g for g in gazetteers if g.head_evidence(rep) is not None], rep.organ
        named_some += bool(named)
    assert named_some > 50


def test_region_index_follows_edits_of_the_word_lists():
    from auditor import regions
    from auditor.model import Report

    rep = Report(source="x.txt", kind="text", lines=["本县X镇、Y镇", "X镇"], refs=None, encoding="utf-8")
    g = regions.Gazetteer("test", ["某省"], ["Z镇"], [])
    assert g.evidence(rep) is None
    g.places.append("X镇")  # the fields are public: a changed list is indexed again
    assert g.evidence(rep) == regions.RegionEvidence("test", regions.TEXT_MENTION, 2, "正文多次提到“X镇”")
    g.places.append("镇")  # a one-character word: answered by the plain scan
    assert g.evidence(rep) == g._evidence_scan("", "\n".join(rep.lines)) and g._words() is None


# ---------------------------------------------------------------- cold start: typer without pydantic

def _coerced(runtime, value, param, ctx):
    try:
        return ("value", runtime.coerce(value, param=param, ctx=ctx))
    except Exception as exc:  # the error a user would see: its kind and message
        return ("error", type(exc).__name__, str(getattr(exc, "message", exc)))


def test_lazy_typer_coercion_equals_typers_own():
    core = pytest.importorskip("typer.core")
    from auditor.cli import command

    cmd = command()
    lazy = core.build_runtime_param
    if not getattr(lazy, "auditor_lazy", False):
        pytest.skip("this typer has no runtime coercion to make lazy")
    values = [None, "", "a", " 3 ", "3", "-1", "0", "1.5", "３", "abc", "text", "json", "TEXT", "\udcff", "报告.txt",
              ("a", "b"), ["x"], (), ("3",), 3, 1.5, True, b"x", ("a", 3)]
    compared = 0
    for sub in cmd.commands.values():
        ctx = sub.context_class(sub)
        for param in sub.params:
            desc = getattr(param, "type_descriptor", None)
            if desc is None:
                continue
            for value in values:
                ours = _coerced(lazy(desc), value, param, ctx)
                assert ours == _coerced(lazy.original(desc), value, param, ctx), (sub.name, param.name, value)
                compared += 1
    assert compared > 300


def test_check_of_one_report_imports_neither_pydantic_nor_jsonschema_nor_lark_nor_metadata(tmp_path):
    import os
    import subprocess
    import sys

    code = ("import sys\nfrom auditor import cli\nsys.argv = ['auditor', 'check', sys.argv[1]]\n"
            "try:\n    cli.main()\nexcept SystemExit:\n    pass\n"
            "print('pydantic' in sys.modules, 'jsonschema' in sys.modules, 'lark' in sys.modules,"
            " 'importlib.metadata' in sys.modules)")
    env = dict(os.environ, AUDITOR_CACHE_DIR=str(tmp_path / "cache"))
    runs = [subprocess.run([sys.executable, "-c", code, str(SEED)], capture_output=True, text=True, cwd=tmp_path,
                           env=env) for _ in range(2)]
    first, second = (r.stdout.strip().splitlines()[-1].split() for r in runs)
    assert first[0] == second[0] == "False", runs[0].stdout + runs[0].stderr
    # the regional plugins' packs are validated in the first run, taken from the user cache in the second
    import importlib.util
    regional = importlib.util.find_spec("auditor_ningxia") is not None
    assert first[1] == str(regional) and second[1] == "False", runs[1].stdout + runs[1].stderr
    # lark builds the parse tables in the first run; the second loads them from the user cache
    assert first[2] == "True" and second[2] == "False", runs[1].stdout + runs[1].stderr
    # the installed plugins and Lark's version: from importlib.metadata first, then from the user cache
    assert first[3] == "True" and second[3] == "False", runs[1].stdout + runs[1].stderr

# ---------------------------------------------------------------- report structure from lark's table

def _structure_texts() -> list[str]:
    import random

    from auditor.ingest import read_report
    from auditor.parse.normalize import normalize

    texts = []
    for f in sorted((ROOT / "sample_reports").glob("*.txt")):
        texts.append("\n".join(normalize(read_report(f).text)) + "\n")
    pieces = ["一、总体情况", "二、主动公开", "三、收到和处理政府信息公开申请情况", "四、结转下年度继续办理 1 0 0 0 0 0 1",
              "十一、其他", "  五、存在的问题 ", "六.其他需要报告的事项", "一、\t表格", "项目\t1\t2", "\t", "正文一段。",
              "", "", "一、", "一、3", "（一）主动公开", " ", "一二三四、标题", "七、附件"]
    rng = random.Random(13)
    for _ in range(300):
        lines = [rng.choice(pieces) for _k in range(rng.randint(0, 25))]
        texts.append("\n".join(lines) + "\n")
    return texts + ["\n", "\n\n\n", "一、总体情况\n"]


def test_table_driven_structure_parse_equals_larks_own():
    from auditor.parse import document

    fast = document._table_parser()
    assert fast is not None, "report.lark should be parsed from its table"
    for text in _structure_texts():
        assert fast.parse(text) == document._parser().parse(text), text


def test_structure_parse_falls_back_to_lark_when_the_table_cannot_go_on(monkeypatch):
    from auditor.parse import document

    calls = []
    real = document._parser

    class Spy:
        def parse(self, text):
            calls.append(text)
            return real().parse(text)

    monkeypatch.setattr(document, "_parser", lambda: Spy())
    fast = document._table_parser()
    monkeypatch.setattr(fast, "lexers", {k: __import__("re").compile("(?P<ROW>x)") for k in fast.lexers})
    text = "一、总体情况\n正文。\n"
    assert document.parse_structure(["一、总体情况", "正文。"]) == real().parse(text) and calls == [text]


def test_division_index_is_kept_in_the_user_cache_and_equals_a_fresh_build(tmp_path, monkeypatch):
    from auditor import regions

    monkeypatch.setenv("AUDITOR_CACHE_DIR", str(tmp_path))
    regions._division_index.cache_clear()
    try:
        built = regions._division_index()
        assert list(tmp_path.glob("divisions-*.json"))
        real = regions._build_division_index
        monkeypatch.setattr(regions, "_build_division_index", lambda table: pytest.fail("not taken from the cache"))
        regions._division_index.cache_clear()
        assert regions._division_index() == built
        for f in tmp_path.glob("divisions-*.json"):  # damaged: built again
            f.write_text("[", encoding="utf-8")
        monkeypatch.setattr(regions, "_build_division_index", real)
        regions._division_index.cache_clear()
        assert regions._division_index() == built
        fresh = {p: (f, s) for p, (f, s) in real(regions.data_file("divisions.csv")).items()}
        assert fresh == built and "固原市" in built["64"][0]
    finally:
        regions._division_index.cache_clear()


_TOPIC_TEXT = st.text(alphabet="考核评议社会群众满意度测评问责追责任究绩效估目标管理。；;\n优秀结果甲乙", max_size=80)


@settings(max_examples=300, deadline=None)
@given(text=_TOPIC_TEXT)
def test_topic_sentences_are_those_of_a_sentence_split(text):
    """gov_assess_weak's sentences of a topic, found by one scan of the whole text, are what
    splitting the text into sentences and searching each gives (the former code)."""
    import re

    from auditor.packs import national

    for words in national._ASSESS_TOPICS.values():
        split = [s for s in re.split(r"[。；;\n]", text) if re.search("|".join(words), s)]
        assert national._topic_sentences(text, words) == split


def test_topic_sentences_of_the_sample_reports_are_those_of_a_sentence_split():
    import re

    from auditor.api import parse_file
    from auditor.packs import national

    for seed in sorted((ROOT / "sample_reports").glob("*.txt")):
        text = national._all_text(parse_file(seed))
        for words in national._ASSESS_TOPICS.values():
            split = [s for s in re.split(r"[。；;\n]", text) if re.search("|".join(words), s)]
            assert national._topic_sentences(text, words) == split


# ---------------------------------------------------------------- normalize: the whole text at once

_LINE_PIECES = ["- 3 -", "—12—", "第 2 页", "第3页 共9页", "第3页/共9页", "4/12", "12 / 40", "\t", "\t\t", " ", "\u3000",
                "\u00a0", "0", "17", "1.属于国家秘密", "|a|b|c|", "|---|---|", "# 标题", "**粗**", "[bookmark: x]",
                "\\*", "办结4件。", "－５－", "\r", "\f", "页", "共", "/", "-"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.lists(st.sampled_from(_LINE_PIECES), max_size=4).map("".join), min_size=1, max_size=12))
def test_normalize_of_the_whole_text_is_normalize_line_of_each_line(lines):
    """`normalize` works on the whole text (footers, width, special lines found by regex over it);
    it must give exactly `normalize_line` of every line (footers with tabs and blanks around them
    included: the footer regex takes leading blanks possessively)."""
    from auditor.parse.normalize import normalize, normalize_line

    text = "\n".join(lines)
    assert normalize(text) == [normalize_line(ln) for ln in text.split("\n")]


# ---------------------------------------------------------------- installed plugins from the user cache

def _reference_entry_points() -> list[tuple]:
    from importlib.metadata import entry_points

    return sorted((ep.name, ep.value, ep.dist.metadata["Name"] if ep.dist else "", ep.dist.version if ep.dist else "")
                  for ep in entry_points(group="auditor"))


def _ours(installed) -> list[tuple]:
    return sorted((ep.name, ep.value, ep.dist.metadata["Name"] if ep.dist else "", ep.dist.version if ep.dist else "")
                  for ep in installed.entry_points("auditor"))


def test_installed_entry_points_are_importlib_metadatas_and_follow_installs(tmp_path, monkeypatch):
    """The kept answers equal importlib.metadata's; installing, editing and removing a
    distribution (a metadata directory on sys.path) is seen at once, without asking it again
    while nothing changed."""
    from importlib.metadata import version

    from auditor import installed

    monkeypatch.setenv("AUDITOR_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(installed, "_LAST", None)
    assert _ours(installed) == _reference_entry_points() and installed.lark_version() == version("lark")
    assert any(name == "national" for name, *_ in _ours(installed))
    assert list((tmp_path / "cache").glob("installed-*.json"))

    site = tmp_path / "site"
    info = site / "auditor_demo-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: auditor-demo\nVersion: 1.0\n", encoding="utf-8")
    (info / "entry_points.txt").write_text("[auditor]\ndemo = json\n", encoding="utf-8")
    (site / "auditor_demo.py").write_text("", encoding="utf-8")
    monkeypatch.syspath_prepend(str(site))
    assert ("demo", "json", "auditor-demo", "1.0") in _ours(installed) and _ours(installed) == _reference_entry_points()
    import json
    assert next(ep for ep in installed.entry_points("auditor") if ep.name == "demo").load() is json

    # unchanged: answered from what was kept, importlib.metadata is not asked
    monkeypatch.setattr(installed, "_LAST", None)
    monkeypatch.setattr(installed, "_from_metadata", lambda: pytest.fail("asked although nothing changed"))
    assert ("demo", "json", "auditor-demo", "1.0") in _ours(installed)
    monkeypatch.undo()
    monkeypatch.setenv("AUDITOR_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.syspath_prepend(str(site))

    (info / "entry_points.txt").write_text("[auditor]\ndemo = json.decoder:JSONDecoder\n", encoding="utf-8")
    assert ("demo", "json.decoder:JSONDecoder", "auditor-demo", "1.0") in _ours(installed)
    assert next(ep for ep in installed.entry_points("auditor") if ep.name == "demo").load() is json.JSONDecoder
    (info / "entry_points.txt").unlink()
    (info / "METADATA").unlink()
    info.rmdir()
    assert all(name != "demo" for name, *_ in _ours(installed)) and _ours(installed) == _reference_entry_points()
