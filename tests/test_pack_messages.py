"""Rule-pack and config errors are Chinese, name the rule by id and 1-based position, and never
show jsonschema's or the TOML parser's English."""
import re

import pytest

from auditor.config import load_config
from auditor.engine.rules import load_pack_file
from auditor.errors import ConfigError

RULE = '''
[[rule]]
id = "SX-ONE"
name = "one"
severity = "info"
category = "content"
summary = "报告未提供联系方式"
basis = "陕西省年报编制通知"
kind = "phrase_required"
params = {pattern = "联系"}
[rule.doc]
"问题" = "问题说明"
"依据" = "依据说明"
"反例" = "反例说明"
"正例" = "正例说明"
'''


def pack(tmp_path, body):
    f = tmp_path / "rules.toml"
    f.write_text('[pack]\nname = "shaanxi"\n' + body, encoding="utf-8")
    return f


def error_of(fn, *args):
    with pytest.raises(ConfigError) as exc:
        fn(*args)
    msg = str(exc.value)
    assert not re.search(r"required property|Additional properties|is not one of|Expected|line \d", msg), msg
    return msg


def test_missing_doc_names_the_rule_by_id_and_position(tmp_path):
    second = RULE.replace("SX-ONE", "SX-TWO").split("[rule.doc]")[0]
    msg = error_of(load_pack_file, pack(tmp_path, RULE + second))
    assert "第 2 条规则（SX-TWO）" in msg and "缺少必填字段“doc”" in msg


def test_unknown_field_and_bad_enum(tmp_path):
    msg = error_of(load_pack_file, pack(tmp_path, RULE.replace('severity = "info"', 'severity = "fatal"')))
    assert "第 1 条规则（SX-ONE）" in msg and "取值“fatal”无效" in msg and "error、warning、info" in msg
    msg = error_of(load_pack_file, pack(tmp_path, RULE.replace('name = "one"', 'name = "one"\ncolour = "red"')))
    assert "不认识的字段“colour”" in msg


def test_toml_syntax_error_gives_line_and_column(tmp_path):
    msg = error_of(load_pack_file, pack(tmp_path, RULE.replace('id = "SX-ONE"', 'id = ')))
    assert "TOML 语法错误（第" in msg and "列）" in msg


def test_missing_implementation_is_explained(tmp_path):
    body = RULE.replace('kind = "phrase_required"\nparams = {pattern = "联系"}', 'impl = "no_such_module_xyz:f"')
    msg = error_of(load_pack_file, pack(tmp_path, body))
    assert "找不到模块 no_such_module_xyz" in msg


def test_config_errors_are_chinese(tmp_path):
    cfg = tmp_path / "auditor.toml"
    cfg.write_text('fail-on = "sometimes"\n', encoding="utf-8")
    msg = error_of(load_config, cfg)
    assert "fail-on" in msg and "取值“sometimes”无效" in msg
    cfg.write_text('select = \n', encoding="utf-8")
    assert "TOML 语法错误（第 1 行" in error_of(load_config, cfg)
    cfg.write_text('select = "NAT"\n', encoding="utf-8")
    assert "类型应为列表" in error_of(load_config, cfg)
