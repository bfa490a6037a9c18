"""Engine behaviour: readings, rule isolation, broken packs and plugins reported by name."""
from pathlib import Path

from auditor.config import Config
from auditor.engine.readings import evaluate
from auditor.engine.rules import Rule, load_pack_file
from auditor.engine.run import audit
from auditor.errors import ConfigError
from auditor.model import Row, Table


def _table(rows):
    t = Table("t3", found=True)
    for key, readings in rows.items():
        t.rows[key] = Row(key=key, label=key, line=1, columns=["a", "b"], cells={}, readings=readings)
    return t


def test_fail_only_when_every_reading_fails():
    t = _table({"x": [(3, 0), (0, 0)], "y": [(5, 1)]})
    out = evaluate(t, [("x", "b"), ("y", "b")], lambda v: v[("x", "b")] == v[("y", "b")])
    assert out.verdict == "fail"  # column b of x is 0 in both readings
    out = evaluate(t, [("x", "a"), ("y", "a")], lambda v: v[("x", "a")] == 3)
    assert out.verdict == "unknown"  # 3 in one reading, 0 in the other
    out = evaluate(t, [("x", "b")], lambda v: v[("x", "b")] == 0)
    assert out.verdict == "pass"


def test_unknown_cell_makes_check_unknown():
    t = _table({"x": [(None, 1)]})
    assert evaluate(t, [("x", "a")], lambda v: True).verdict == "unknown"


def test_crashing_rule_is_isolated(audit_case):
    rep = audit_case("seed:000")[0]

    def boom(report, ctx):
        raise RuntimeError("kaput")
        yield  # pragma: no cover

    def ok(report, ctx):
        yield ctx.fail(what="x")

    mk = lambda rid, fn: Rule(id=rid, name="t", pack="test", severity="error", category="content",
                              summary="测试{what}", basis="b", doc={}, check=fn)
    findings, _ = audit(rep, [mk("TST-BOOM", boom), mk("TST-OK", ok)], Config())
    rules = {f.rule for f in findings}
    assert rules == {"AUDITOR-RULE-CRASH", "TST-OK"}
    crash = next(f for f in findings if f.rule == "AUDITOR-RULE-CRASH")
    assert "TST-BOOM" in crash.message and "kaput" in crash.message


def test_invalid_pack_names_file_and_key(tmp_path: Path):
    p = tmp_path / "bad.toml"
    p.write_text('[pack]\nname = "x"\n[[rule]]\nid = "X-1"\nname = "n"\nseverity = "fatal"\n', encoding="utf-8")
    try:
        load_pack_file(p)
    except ConfigError as exc:
        assert "bad.toml" in str(exc) and "第 1 条规则（X-1）" in str(exc)
    else:
        raise AssertionError("invalid pack accepted")


def test_broken_plugin_reported_by_name(monkeypatch):
    import auditor.plugins as plugins

    class EP:
        name = "broken"
        dist = None

        def load(self):
            raise ImportError("no module named broken_pack")

    real = plugins.entry_points
    monkeypatch.setattr(plugins, "entry_points", lambda group: [EP(), *real(group=group)])
    loaded = plugins.load_plugins()
    assert any("broken" in e and "ImportError" in e for e in loaded.errors)
    assert any(r.id == "NAT-T3-COL" for r in loaded.rules)


def test_grammar_is_strict_clean():
    from lark import Lark

    from auditor.resources import grammar_text

    Lark(grammar_text("report.lark"), parser="lalr", lexer="contextual", strict=True)


def test_known_values_only_when_evaluate_would_have_one_known_combination():
    from auditor.engine.readings import known_values

    t = _table({"x": [(1, 2)], "y": [(3, None)], "z": [(1, 2), (1, 5)], "h": [(10 ** 12, 0)]})
    assert known_values(t, [("x", "a"), ("x", "b"), ("y", "a")]) == [1, 2, 3]
    assert known_values(t, [("y", "b")]) is None  # unknown cell
    assert known_values(t, [("z", "a")]) is None  # several readings: evaluate decides
    assert known_values(t, [("h", "a")]) is None  # more than 12 digits: not a count
    assert known_values(t, [("missing", "a")]) is None
