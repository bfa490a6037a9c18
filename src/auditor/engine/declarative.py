"""Declarative rule kinds: rules written as data in TOML packs.

- column_sum:      in each column, Σ lhs rows = Σ rhs rows            (表三 勾稽关系, （七）= Σ results)
- row_sum:         in each row, the total column = Σ the part columns (表三 总计, 表四 总计)
- phrase_required: a pattern must occur in a section (or anywhere)
- claim_table:     a number the narrative states (a Claim of a given metric) = a table cell or sum
"""
from __future__ import annotations

import re
from functools import lru_cache

from ..model import Report, Table
from ..parse.claims import APPROX_SCOPE, METRIC_LABELS
from ..resources import load_toml
from .readings import evaluate, known_columns, known_rows

TABLE_NAMES = {"t2": "表二", "t3": "表三", "t4": "表四"}


@lru_cache(maxsize=None)
def _table_meta(table: str) -> dict:
    return load_toml("templates/tables.toml")[table]


@lru_cache(maxsize=None)
def row_name(table: str, key: str) -> str:
    meta = _table_meta(table)
    if table == "t4":
        return dict(zip(meta["groups"], meta["group_labels"])).get(key, key)
    for r in meta["rows"]:
        if r["key"] == key:
            return r.get("short", r["label"])
    return key


@lru_cache(maxsize=None)
def column_name(table: str, col: str, row: str | None = None) -> str:
    """A column's Chinese heading. 表二's columns are per row and template: with `row`, that row's
    heading; without, the first row that has the column."""
    meta = _table_meta(table)
    if table == "t2":
        for r in meta["rows"]:
            if row is not None and r["key"] != row:
                continue
            for tpl, cols in r.get("columns", {}).items():
                if col in cols:
                    return r.get("column_labels", {}).get(tpl, cols)[cols.index(col)]
        return col
    return dict(zip(meta.get("columns", []), meta.get("column_labels", []))).get(col, col)


@lru_cache(maxsize=None)
def rows_for_template(table: str, template: str | None) -> frozenset[str]:
    meta = _table_meta(table)
    if table == "t4":
        return frozenset(meta["groups"])
    return frozenset(r["key"] for r in meta["rows"] if template in r.get("templates", [template]))


def cell_evidence(report: Report, table: Table, row_key: str, col: str, value=None) -> dict:
    row = table.rows.get(row_key)
    cell = row.cells.get(col) if row else None
    line = cell.line if cell else (row.line if row else None)
    return {"table": table.name, "row": row_key, "column": col,
            "label": f"{row_name(table.name, row_key)} / {column_name(table.name, col, row_key)}",
            "value": value if value is not None else (cell.value if cell else None),
            "raw": cell.raw if cell else None, "line": line, "ref": report.ref(line)}


def fmt_number(n) -> str:
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
    known_by_column = [None] * len(columns) if missing else known_columns(table, lhs + rhs, columns)
    for col, known in zip(columns, known_by_column):
        if known is not None and sum(known[:len(lhs)]) == sum(known[len(lhs):]):
            continue  # holds, with one reading of every row: what evaluate would say
        cells = [(r, col) for r in lhs + rhs]
        loc = {"section": 3 if table.name == "t3" else 4, "table": table.name, "column": col,
               "line": table.rows[lhs[0]].line if lhs and lhs[0] in table.rows else table.line}
        if missing:
            yield ctx.skip(f"{TABLE_NAMES[table.name]}缺少行：{'、'.join(row_name(table.name, r) for r in missing)}", loc)
            continue
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
            formula = " + ".join(row_name(table.name, r) for r in lhs) + " = " + " + ".join(
                row_name(table.name, r) for r in rhs)
            yield ctx.fail(location=loc, expected=fmt_number(left), actual=fmt_number(right), evidence=ev, formula=formula,
                           table=TABLE_NAMES[table.name], column=column_name(table.name, col),
                           lhs=fmt_number(left), rhs=fmt_number(right), note=note)


def row_sum(report: Report, ctx):
    p = ctx.params
    table = report.tables[p["table"]]
    if not table.found:
        yield ctx.skip(f"未找到{TABLE_NAMES[table.name]}")
        return
    total, parts = p["total"], p["parts"]
    valid = rows_for_template(table.name, table.template if table.template != "mixed" else None)
    keys = [k for k in (p.get("rows") or table.rows.keys()) if k in valid and k in table.rows]
    for k, known in zip(keys, known_rows(table, keys, [total] + parts)):
        if known is not None and known[0] == sum(known[1:]):
            continue  # holds, with one reading of the row: what evaluate would say
        cells = [(k, total)] + [(k, c) for c in parts]
        loc = {"section": 3 if table.name == "t3" else 4, "table": table.name, "row": k, "line": table.rows[k].line}
        out = evaluate(table, cells, lambda v: v[(k, total)] == sum(v[(k, c)] for c in parts))
        if out.verdict == "unknown":
            yield ctx.skip(f"“{row_name(table.name, k)}”行有单元格无法确定", loc)
        elif out.verdict == "fail":
            v = out.values
            s = sum(v[(k, c)] for c in parts)
            ev = [cell_evidence(report, table, k, c, v[(k, c)]) for c in [total] + parts]
            formula = f"{column_name(table.name, total)} = " + " + ".join(column_name(table.name, c) for c in parts)
            yield ctx.fail(location=loc, expected=fmt_number(s), actual=fmt_number(v[(k, total)]), evidence=ev,
                           formula=formula, table=TABLE_NAMES[table.name], row=row_name(table.name, k),
                           total=fmt_number(v[(k, total)]), sum=fmt_number(s))


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


def _resolve_cell(table: Table, row: str, col: str) -> tuple[str, str] | None:
    """`col` may name alternatives ("made|issued": the 2019 and 2021 names of one column)."""
    r = table.rows.get(row)
    if r is None:
        return None
    return next(((row, c) for c in col.split("|") if c in r.columns), None)


def claim_evidence(report: Report, claim) -> dict:
    """The sentence a narrative claim or rate comes from, and the claim as understood."""
    return {"line": claim.line, "ref": report.ref(claim.line), "text": claim.sentence[:200],
            "claim": {"metric": getattr(claim, "metric", None), "phrase": claim.phrase, "value": claim.value,
                      "understood": METRIC_LABELS.get(getattr(claim, "metric", None), "")}}


def _cells_name(table: str, cells: list[tuple[str, str]]) -> str:
    """“（七）总计”行“总计”列 / “1.属于国家秘密”至“8.属于行政查询事项”共8行“总计”列之和."""
    rows = [f"“{row_name(table, r)}”" for r, _c in cells]
    col = f"“{column_name(table, cells[0][1], cells[0][0])}”列"
    if len(rows) == 1:
        return f"{rows[0]}行{col}"
    shown = "、".join(rows) if len(rows) <= 3 else f"{rows[0]}至{rows[-1]}共{len(rows)}行"
    return f"{shown}{col}之和"


def claim_table(report: Report, ctx):
    """params: table; compare = [{metric, cells = [[row, col], …], accept = [[[row, col], …], …]}].

    The claim passes if it equals the sum of `cells` or of any `accept` alternative (a legitimate
    other definition, e.g. 收到 = 新收 + 上年结转); it fails only if no reading of the table
    matches any of them.
    """
    p = ctx.params
    table = report.tables[p["table"]]
    specs = {c["metric"]: c for c in p["compare"]}
    for claim in report.narrative.claims:
        spec = specs.get(claim.metric)
        if spec is None:
            continue
        loc = {"line": claim.line, "table": table.name}
        if not claim.comparable:
            # Out-of-scope figures (jurisdiction, hotlines, other organs) are simply not this rule's
            # business; an approximate figure about this organ is, but cannot be checked exactly.
            if claim.scope == APPROX_SCOPE:
                yield ctx.skip(f"正文“{claim.phrase}”为约数，未与表格比较", loc)
            continue
        if not table.found:
            yield ctx.skip(f"未找到{TABLE_NAMES[table.name]}", loc)
            continue
        definitions = []
        for cells in [spec["cells"]] + spec.get("accept", []):
            resolved = [_resolve_cell(table, r, c) for r, c in cells]
            if None not in resolved:
                definitions.append(resolved)
        if not definitions:
            yield ctx.skip(f"{TABLE_NAMES[table.name]}缺少可比较的行", loc)
            continue
        primary = definitions[0]
        needed = list(dict.fromkeys(c for d in definitions for c in d))
        out = evaluate(table, needed, lambda v: any(sum(v[c] for c in d) == claim.value for d in definitions))
        if out.verdict == "unknown":
            yield ctx.skip(f"正文“{claim.phrase}”对应的表格单元格无法确定", loc)
        elif out.verdict == "fail":
            v = out.values
            value = sum(v[c] for c in primary)
            names = _cells_name(table.name, primary)
            loc.update({"row": primary[0][0], "column": primary[0][1]})
            ev = [claim_evidence(report, claim)]
            ev += [cell_evidence(report, table, r, c, v[(r, c)]) for r, c in needed]
            others = ["、".join(f"{'+'.join(row_name(table.name, r) for r, _c in d)}（{fmt_number(sum(v[c] for c in d))}）"
                      for d in definitions[1:])]
            note = f"，也不等于{others[0]}" if len(definitions) > 1 else ""
            yield ctx.fail(location=loc, expected=fmt_number(value), actual=fmt_number(claim.value), evidence=ev,
                           phrase=claim.phrase, claimed=fmt_number(claim.value), table=TABLE_NAMES[table.name],
                           cells=names, value=fmt_number(value), note=note)


KINDS = {"column_sum": column_sum, "row_sum": row_sum, "phrase_required": phrase_required,
         "claim_table": claim_table}
