"""Declarative rule kinds: rules written as data in TOML packs.

- column_sum:      in each column, Σ lhs rows = Σ rhs rows            (表三 勾稽关系, （七）= Σ results)
- row_sum:         in each row, the total column = Σ the part columns (表三 总计, 表四 总计)
- phrase_required: a pattern must occur in a section (or anywhere)
"""
from __future__ import annotations

import re
from functools import lru_cache

from ..model import Report, Table
from ..resources import load_toml
from .readings import evaluate

TABLE_NAMES = {"t2": "表二", "t3": "表三", "t4": "表四"}


@lru_cache(maxsize=None)
def _table_meta(table: str) -> dict:
    return load_toml("templates/tables.toml")[table]


def row_name(table: str, key: str) -> str:
    meta = _table_meta(table)
    if table == "t4":
        return dict(zip(meta["groups"], meta["group_labels"])).get(key, key)
    for r in meta["rows"]:
        if r["key"] == key:
            return r.get("short", r["label"])
    return key


def column_name(table: str, col: str) -> str:
    meta = _table_meta(table)
    return dict(zip(meta.get("columns", []), meta.get("column_labels", []))).get(col, col)


def rows_for_template(table: str, template: str | None) -> set[str]:
    meta = _table_meta(table)
    if table == "t4":
        return set(meta["groups"])
    return {r["key"] for r in meta["rows"] if template in r.get("templates", [template])}


def cell_evidence(report: Report, table: Table, row_key: str, col: str, value=None) -> dict:
    row = table.rows.get(row_key)
    cell = row.cells.get(col) if row else None
    line = cell.line if cell else (row.line if row else None)
    return {"table": table.name, "row": row_key, "column": col,
            "label": f"{row_name(table.name, row_key)} / {column_name(table.name, col)}",
            "value": value if value is not None else (cell.value if cell else None),
            "raw": cell.raw if cell else None, "line": line, "ref": report.ref(line)}


def _fmt(n) -> str:
    return str(int(n)) if isinstance(n, float) and n.is_integer() else str(n)


def column_sum(report: Report, ctx):
    p = ctx.params
    table = report.tables[p["table"]]
    if not table.found:
        yield ctx.skip(f"未找到{TABLE_NAMES[table.name]}")
        return
    valid = rows_for_template(table.name, table.template if table.template != "mixed" else None)
    lhs = [r for r in p["lhs"] if r in valid]
    rhs = [r for r in p["rhs"] if r in valid]
    missing = [r for r in lhs + rhs if r not in table.rows]
    columns = p.get("columns") or _table_meta(table.name)["columns"]
    formula = " + ".join(row_name(table.name, r) for r in lhs) + " = " + " + ".join(
        row_name(table.name, r) for r in rhs)
    for col in columns:
        loc = {"section": 3 if table.name == "t3" else 4, "table": table.name, "column": col,
               "line": table.rows[lhs[0]].line if lhs and lhs[0] in table.rows else table.line}
        if missing:
            yield ctx.skip(f"{TABLE_NAMES[table.name]}缺少行：{'、'.join(row_name(table.name, r) for r in missing)}", loc)
            continue
        cells = [(r, col) for r in lhs + rhs]
        out = evaluate(table, cells, lambda v: sum(v[(r, col)] for r in lhs) == sum(v[(r, col)] for r in rhs))
        if out.verdict == "unknown":
            yield ctx.skip(f"“{column_name(table.name, col)}”列有单元格无法确定（空白或该行数值个数不符）", loc)
        elif out.verdict == "fail":
            v = out.values
            left = sum(v[(r, col)] for r in lhs)
            right = sum(v[(r, col)] for r in rhs)
            ev = [cell_evidence(report, table, r, col, v[(r, col)]) for r in lhs + rhs]
            note = ""
            if any(table.rows[r].ambiguous for r in lhs + rhs):
                note = ("（该列部分单元格有多种读法，各种读法下均不成立"
                        + ("；以上为其中一种读法的数值）" if out.varies else "）"))
            yield ctx.fail(location=loc, expected=_fmt(left), actual=_fmt(right), evidence=ev, formula=formula,
                           table=TABLE_NAMES[table.name], column=column_name(table.name, col),
                           lhs=_fmt(left), rhs=_fmt(right), note=note)


def row_sum(report: Report, ctx):
    p = ctx.params
    table = report.tables[p["table"]]
    if not table.found:
        yield ctx.skip(f"未找到{TABLE_NAMES[table.name]}")
        return
    total, parts = p["total"], p["parts"]
    valid = rows_for_template(table.name, table.template if table.template != "mixed" else None)
    keys = [k for k in (p.get("rows") or table.rows.keys()) if k in valid and k in table.rows]
    formula = f"{column_name(table.name, total)} = " + " + ".join(column_name(table.name, c) for c in parts)
    for k in keys:
        row = table.rows[k]
        loc = {"section": 3 if table.name == "t3" else 4, "table": table.name, "row": k, "line": row.line}
        cells = [(k, total)] + [(k, c) for c in parts]
        out = evaluate(table, cells, lambda v: v[(k, total)] == sum(v[(k, c)] for c in parts))
        if out.verdict == "unknown":
            yield ctx.skip(f"“{row_name(table.name, k)}”行有单元格无法确定", loc)
        elif out.verdict == "fail":
            v = out.values
            s = sum(v[(k, c)] for c in parts)
            ev = [cell_evidence(report, table, k, c, v[(k, c)]) for c in [total] + parts]
            yield ctx.fail(location=loc, expected=_fmt(s), actual=_fmt(v[(k, total)]), evidence=ev,
                           formula=formula, table=TABLE_NAMES[table.name], row=row_name(table.name, k),
                           total=_fmt(v[(k, total)]), sum=_fmt(s))


def phrase_required(report: Report, ctx):
    p = ctx.params
    pattern = re.compile(p["pattern"])
    where = p.get("section")
    if where is None:
        texts = [(s, para) for s, para in report.paragraphs()]
        loc = {"line": report.title_line}
    else:
        sec = report.section(where)
        if sec is None:
            yield ctx.skip(f"未找到第{where}部分")
            return
        texts = [(sec, para) for para in sec.paragraphs]
        loc = {"section": where, "line": sec.line}
    if not any(pattern.search(para.text) for _s, para in texts):
        yield ctx.fail(location=loc, evidence=[], **p.get("message_args", {}))


KINDS = {"column_sum": column_sum, "row_sum": row_sum, "phrase_required": phrase_required}
