"""The claim extractor against a corpus of real-phrased sentences (tests/data/claims_corpus.toml)."""
from pathlib import Path

import pytest

from auditor.parse.claims import extract_from_text
from auditor.resources import read_toml_file

CORPUS = read_toml_file(Path(__file__).parent / "data" / "claims_corpus.toml")["case"]


def _num(v):
    return str(int(v)) if float(v).is_integer() else str(v)


def _claim(c):
    if c.metric == "lit.none":
        return "lit.none=" + "+".join(c.detail["covers"])
    return f"{c.metric}={_num(c.value)}"


def test_corpus_is_large_enough():
    assert len(CORPUS) >= 40
    assert sum(1 for c in CORPUS if not c.get("claims") and not c.get("out_of_scope")) >= 10


@pytest.mark.parametrize("case", CORPUS, ids=[c["about"] for c in CORPUS])
def test_claims_of_sentence(case):
    got = extract_from_text(case["text"], organ=case.get("organ"), organ_kind=case.get("organ_kind"),
                            section=case.get("section"))
    claims = [c for c in got.claims if c.metric]
    assert [_claim(c) for c in claims if c.comparable] == case.get("claims", [])
    assert [_claim(c) for c in claims if not c.comparable] == case.get("out_of_scope", [])
    rates = [f"{_num(r.value)}=" + (f"{_num(r.numerator.value)}/{_num(r.denominator.value)}" if r.numerator else "?")
             for r in got.rates]
    assert rates == case.get("rates", [])
    sums = [f"{_num(b.total.value)}=" + "+".join(_num(p.value) for p in b.parts) for b in got.breakdowns]
    assert sums == case.get("sums", [])


def test_every_claim_knows_its_sentence_and_line():
    got = extract_from_text(CORPUS[0]["text"])
    assert got.claims and all(c.line == 1 and c.phrase in c.sentence for c in got.claims)


def test_plugin_grammar_extension_adds_local_wording():
    from auditor.parse.claims import check_extension

    text = "本年度登记在册政府信息公开申请7件。"
    assert [c.metric for c in extract_from_text(text).claims] == []
    ext = ("%extend RECEIVED: /登记在册/",)
    assert check_extension(ext[0]) is None
    got = extract_from_text(text, extensions=ext).claims
    assert [(c.metric, c.value, c.comparable) for c in got] == [("app.received", 7, True)]


def test_broken_grammar_extension_is_reported_by_plugin_name():
    import pluggy

    from auditor.hookspecs import AuditorSpec
    from auditor.plugins import LoadedPlugins, _grammar_extensions

    pm = pluggy.PluginManager("auditor")
    pm.add_hookspecs(AuditorSpec)

    class Good:
        @staticmethod
        def auditor_claims_grammar():
            return "%extend RECEIVED: /登记在册/"

    class Bad:
        @staticmethod
        def auditor_claims_grammar():
            return "%extend NO_SUCH_TERMINAL: /x/"

    pm.register(Good, name="good")
    pm.register(Bad, name="bad")
    loaded = LoadedPlugins(pm)
    assert list(_grammar_extensions(loaded)) == ["%extend RECEIVED: /登记在册/"]
    assert len(loaded.errors) == 1 and "插件“bad”" in loaded.errors[0]
