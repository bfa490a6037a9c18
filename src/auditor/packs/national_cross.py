"""National cross-report rules (metadata in rules/national/cross.toml): the chains between one
organ's consecutive reports, copied text, and a region's figures against its parts'.

Every check compares through the readings engine: a table of either report with ambiguous rows
gives a verdict only when every combination of readings agrees.
"""
from __future__ import annotations

from ..engine.declarative import TABLE_NAMES, column_name, fmt_number, row_name
from ..engine.readings import evaluate
from ..hookspecs import hookimpl
from ..model import Table
from ..resources import data_dir


@hookimpl
def auditor_batch_rules():
    return [data_dir("rules") / "national" / "cross.toml"]


def _merged(a: Table, b: Table) -> Table:
    """One table holding the rows of both (keys ("a", row) / ("b", row)) for `evaluate`."""
    rows = {("a", k): r for k, r in a.rows.items()}
    rows.update({("b", k): r for k, r in b.rows.items()})
    return Table(a.name, a.template, a.line, rows, True)


_T2_COLUMNS = {"issued": "本年制发件数", "repealed": "本年废止件数", "valid": "现行有效件数"}


def _cell(doc, table: Table, row: str, col: str, value=None) -> dict:
    r = table.rows.get(row)
    c = r.cells.get(col) if r else None
    line = c.line if c else (r.line if r else None)
    return {"table": table.name, "row": row, "column": col,
            "label": f"{row_name(table.name, row)} / {_T2_COLUMNS.get(col) if table.name == 't2' else column_name(table.name, col)}",
            "value": value if value is not None else (c.value if c else None),
            "raw": c.raw if c else None, "line": line, "ref": doc.ref(line), "source": doc.source,
            "year": doc.year}


def _pairs(batch, ctx, table: str, years_back: int = 1):
    """(doc, previous doc) for every report of the batch whose organ's previous report is known."""
    for doc in batch.current:
        t = doc.tables.get(table)
        if t is None or not t.found:
            yield None, ctx.skip(doc, f"未找到{TABLE_NAMES[table]}")
            continue
        prev, reason = batch.earlier(doc, years_back)
        if prev is None:
            yield None, ctx.skip(doc, reason)
            continue
        pt = prev.tables.get(table)
        if pt is None or not pt.found:
            yield None, ctx.skip(doc, f"{prev.label()}（{prev.source}）未找到{TABLE_NAMES[table]}")
            continue
        yield (doc, prev), None


# ---------------------------------------------------------------- 表三 上年结转 = 去年结转下年度

_T3_COLUMNS = ("natural", "commercial", "research", "social", "legal", "other", "total")


def t3_carry(batch, ctx):
    for pair, skipped in _pairs(batch, ctx, "t3"):
        if skipped is not None:
            yield skipped
            continue
        doc, prev = pair
        now_t, prev_t = doc.tables["t3"], prev.tables["t3"]
        row = now_t.rows.get("carried")
        if row is None or "carried_forward" not in prev_t.rows:
            missing = "本年度表三缺少“二、上年结转”行" if row is None else f"{prev.year}年度表三缺少“四、结转下年度继续办理”行"
            yield ctx.skip(doc, missing, {"section": 3, "table": "t3", "line": now_t.line})
            continue
        merged = _merged(now_t, prev_t)
        a, b = ("a", "carried"), ("b", "carried_forward")
        for col in _T3_COLUMNS:
            loc = {"section": 3, "table": "t3", "row": "carried", "column": col, "line": row.line}
            out = evaluate(merged, [(a, col), (b, col)], lambda v, col=col: v[(a, col)] == v[(b, col)])
            if out.verdict == "unknown":
                yield ctx.skip(doc, f"“{column_name('t3', col)}”列本年度或{prev.year}年度的单元格无法确定", loc)
            elif out.verdict == "fail":
                v = out.values
                ev = [_cell(doc, now_t, "carried", col, v[(a, col)])]
                pc = [_cell(prev, prev_t, "carried_forward", col, v[(b, col)])]
                yield ctx.fail(doc, location=loc, expected=fmt_number(v[(b, col)]), actual=fmt_number(v[(a, col)]),
                               evidence=ev + pc, related=[prev.related(pc[0]["line"], f"{pc[0]['label']} = {pc[0]['value']}", pc)],
                               formula="本年“二、上年结转” = 上年“四、结转下年度继续办理”",
                               column=column_name("t3", col), prev_year=prev.year,
                               now=fmt_number(v[(a, col)]), prev=fmt_number(v[(b, col)]))


# ---------------------------------------------------------------- 表二 2021 现行有效件数

_T2_ROWS = ("art20_1.rules", "art20_1.normative")


def t2_stock(batch, ctx):
    for pair, skipped in _pairs(batch, ctx, "t2"):
        if skipped is not None:
            yield skipped
            continue
        doc, prev = pair
        now_t, prev_t = doc.tables["t2"], prev.tables["t2"]
        if now_t.template != "2021" or prev_t.template != "2021":
            yield ctx.skip(doc, f"本年度或{prev.year}年度报告的表二不是2021版格式（没有“现行有效件数”）")
            continue
        merged = _merged(now_t, prev_t)
        for row in _T2_ROWS:
            r = now_t.rows.get(row)
            loc = {"section": 2, "table": "t2", "row": row, "column": "valid", "line": r.line if r else now_t.line}
            if row not in now_t.rows or row not in prev_t.rows:
                yield ctx.skip(doc, f"表二缺少“{row_name('t2', row)}”行", loc)
                continue
            a, b = ("a", row), ("b", row)
            cells = [(a, "issued"), (a, "repealed"), (a, "valid"), (b, "valid")]

            def ok(v, a=a, b=b):
                return v[(b, "valid")] + v[(a, "issued")] - v[(a, "repealed")] == v[(a, "valid")]

            out = evaluate(merged, cells, ok)
            if out.verdict == "unknown":
                yield ctx.skip(doc, f"“{row_name('t2', row)}”行本年度或{prev.year}年度的单元格无法确定", loc)
            elif out.verdict == "fail":
                v = out.values
                expected = v[(b, "valid")] + v[(a, "issued")] - v[(a, "repealed")]
                ev = [_cell(doc, now_t, row, c, v[(a, c)]) for c in ("issued", "repealed", "valid")]
                pc = [_cell(prev, prev_t, row, "valid", v[(b, "valid")])]
                yield ctx.fail(doc, location=loc, expected=fmt_number(expected), actual=fmt_number(v[(a, "valid")]),
                               evidence=ev + pc, related=[prev.related(pc[0]["line"], f"{pc[0]['label']} = {pc[0]['value']}", pc)],
                               formula="上年现行有效件数 + 本年制发件数 − 本年废止件数 ≈ 本年现行有效件数",
                               row=row_name("t2", row), prev_year=prev.year, prev=fmt_number(v[(b, "valid")]),
                               issued=fmt_number(v[(a, "issued")]), repealed=fmt_number(v[(a, "repealed")]),
                               sum=fmt_number(expected), now=fmt_number(v[(a, "valid")]))


# ---------------------------------------------------------------- 表四 上年尚未审结

def t4_pending(batch, ctx):
    for pair, skipped in _pairs(batch, ctx, "t4"):
        if skipped is not None:
            yield skipped
            continue
        doc, prev = pair
        now_t, prev_t = doc.tables["t4"], prev.tables["t4"]
        merged = _merged(now_t, prev_t)
        for group in ("review", "suit_direct", "suit_after_review"):
            r = now_t.rows.get(group)
            loc = {"section": 4, "table": "t4", "row": group, "column": "total", "line": r.line if r else now_t.line}
            if group not in now_t.rows or group not in prev_t.rows:
                yield ctx.skip(doc, f"表四缺少“{row_name('t4', group)}”", loc)
                continue
            a, b = ("a", group), ("b", group)
            out = evaluate(merged, [(a, "total"), (b, "pending")], lambda v, a=a, b=b: v[(a, "total")] >= v[(b, "pending")])
            if out.verdict == "unknown":
                yield ctx.skip(doc, f"“{row_name('t4', group)}”本年度或{prev.year}年度的单元格无法确定", loc)
            elif out.verdict == "fail":
                v = out.values
                ev = [_cell(doc, now_t, group, "total", v[(a, "total")])]
                pc = [_cell(prev, prev_t, group, "pending", v[(b, "pending")])]
                yield ctx.fail(doc, location=loc, expected=f"≥ {fmt_number(v[(b, 'pending')])}",
                               actual=fmt_number(v[(a, "total")]), evidence=ev + pc,
                               related=[prev.related(pc[0]["line"], f"{pc[0]['label']} = {pc[0]['value']}", pc)],
                               formula="本年总计 ≥ 上年尚未审结", group=row_name("t4", group), prev_year=prev.year,
                               pending=fmt_number(v[(b, "pending")]), total=fmt_number(v[(a, "total")]))


# ---------------------------------------------------------------- copied narrative

def _names(doc) -> tuple[str, ...]:
    from ..crossreport.identity import place_name

    out = [doc.organ or "", place_name(doc.organ) or ""]
    if doc.organ and doc.organ.endswith("人民政府"):
        out.append(doc.organ[:-4] + "政府")
    return tuple(x for x in out if x)


def _section_shingles(doc, number: int):
    from ..crossreport.similarity import normalize, shingles

    key = ("sec", number)
    if key not in doc._shingles:
        sec = doc.section(number)
        text = "".join(t for _l, t in sec["paragraphs"]) if sec else ""
        norm = normalize(text, _names(doc))
        doc._shingles[key] = (sec, len(norm), shingles(norm))
    return doc._shingles[key]


def copy_previous(batch, ctx):
    from ..crossreport.similarity import jaccard, shared_passages

    threshold = float(batch.settings["copy-threshold"])
    min_chars = int(batch.settings["min-chars"])
    years_back = int(batch.settings["years-back"])
    for doc in batch.current:
        for number in ctx.params.get("sections", [5]):
            sec, length, sh = _section_shingles(doc, number)
            title = ctx.params.get("titles", {}).get(str(number), f"第{number}部分")
            if sec is None:
                yield ctx.skip(doc, f"未找到{title}")
                continue
            if length < min_chars:
                yield ctx.skip(doc, f"{title}正文不足 {min_chars} 字，不作相似比较", {"section": number, "line": sec["line"]})
                continue
            compared = 0
            reasons = []
            hit = None
            for back in range(1, years_back + 1):
                prev, reason = batch.earlier(doc, back)
                if prev is None:
                    reasons.append(reason)
                    continue
                psec, plen, psh = _section_shingles(prev, number)
                if psec is None or plen < min_chars:
                    continue
                compared += 1
                sim = jaccard(sh, psh)
                if sim >= threshold:
                    hit = (prev, psec, sim)
                    break
            loc = {"section": number, "line": sec["line"]}
            if hit is None:
                if not compared:
                    yield ctx.skip(doc, reasons[0] if reasons else "没有可比较的往年报告", loc)
                continue
            prev, psec, sim = hit
            passages = shared_passages(sec["paragraphs"], psec["paragraphs"], _names(doc), _names(prev))
            ev = [{"line": p["line_a"], "ref": doc.ref(p["line_a"]), "text": p["excerpt_a"],
                   "other_line": p["line_b"], "other_ref": prev.ref(p["line_b"]), "similarity": p["similarity"]}
                  for p in passages]
            first = passages[0] if passages else {"line_b": psec["line"], "excerpt_b": psec["title"]}
            yield ctx.fail(doc, location=loc, expected=f"< {threshold:.0%}", actual=f"{sim:.0%}", evidence=ev,
                           related=[prev.related(first["line_b"], first["excerpt_b"])
                                    | {"passages": [[p["line_a"], p["line_b"]] for p in passages]}],
                           section=title, prev_year=prev.year, similarity=f"{sim:.0%}", shared=len(passages))


# ---------------------------------------------------------------- another organ named as itself

def foreign_organ(batch, ctx):
    from ..crossreport.identity import place_name

    places: dict[str, list] = {}
    for d in batch.docs:
        p = place_name(d.organ)
        if p:
            places.setdefault(p, []).append(d)
    lengths = sorted({len(p) for p in places}, reverse=True)
    for doc in batch.current:
        own = place_name(doc.organ)
        if own is None:
            yield ctx.skip(doc, "机关名称不含地名（部门或未识别），不检查他机关名称")
            continue
        # Where a report names itself: the preamble, each section's first paragraph, section 五.
        contexts = list(doc.preamble)
        for s in doc.sections:
            contexts.extend(s["paragraphs"][:1] if s["number"] != 5 else s["paragraphs"])
        hits: dict[str, list] = {}
        for line, text in contexts:
            if own in text:
                continue  # names both: a joint activity or a comparison, not a leftover name
            for i in range(len(text)):
                for n in lengths:
                    cand = text[i:i + n]
                    if (cand in places and cand != own and _self_naming(text, i, n) and _peer(doc, cand, own)
                            and any(o.organ_kind == doc.organ_kind for o in places[cand])):
                        where = hits.setdefault(cand, [])
                        if (line, text) not in where:
                            where.append((line, text))
        if not hits:
            continue
        for cand, where in hits.items():
            other = next(o for o in places[cand] if o.organ_kind == doc.organ_kind)
            ev = [{"line": line, "ref": doc.ref(line), "text": text[:160]} for line, text in where[:5]]
            yield ctx.fail(doc, location={"line": where[0][0]}, expected=own, actual=cand, evidence=ev,
                           related=[other.related(other.title_line, other.title)],
                           other=cand, own=own, count=len(where), other_source=other.source)


def _self_naming(text: str, i: int, n: int) -> bool:
    """The name at text[i:i+n] is used as the report's own subject: followed by 人民政府/政府/党委,
    or opening the paragraph or a sentence ("2022年，XX镇…"); a passing mention is not enough."""
    after = text[i + n:i + n + 4]
    before = text[max(0, i - 2):i]
    return (after.startswith(("人民政府", "政府", "党委")) or i == 0
            or before.endswith(("年，", "年,", "。", "《")) or before[-1:] in ("本", "我"))


def _peer(doc, cand: str, own: str) -> bool:
    """`cand` is neither above nor below this organ in the place hierarchy (a county named in its
    township's report, or a township in its county's report, is normal). The caller also requires
    an organ of the same kind (a township report naming a county is never a leftover name)."""
    key = doc.key or ""
    return cand not in key.replace(own, "") and own not in cand


# ---------------------------------------------------------------- identical reports of two organs

def _table_print(doc) -> tuple | None:
    parts = []
    any_value = False
    for name in ("t2", "t3", "t4"):
        t = doc.tables.get(name)
        if t is None or not t.found:
            return None
        for k in sorted(t.rows, key=str):
            rd = tuple(tuple(x) for x in t.rows[k].readings)
            any_value = any_value or any(v for x in rd for v in x if v)
            parts.append((name, k, rd))
    return tuple(parts) if any_value else None


def identical(batch, ctx):
    from ..crossreport.similarity import ShingleIndex, jaccard, normalize, sample, shared_passages, shingles

    threshold = float(batch.settings["identical-threshold"])
    docs = batch.current
    index = ShingleIndex()

    def text_shingles(d):
        return shingles(normalize("".join(t for _l, t in d.paragraphs()), _names(d)))

    for i, d in enumerate(docs):  # only the sampled shingles stay in memory
        index.add(i, sample(text_shingles(d)))
    for i, j in index.candidates(min_ratio=threshold * 0.8):
        a, b = docs[i], docs[j]
        if a.key and a.key == b.key:
            continue  # the same organ twice (two formats of one report) is not a copy between organs
        pa = _table_print(a)
        if pa is None or pa != _table_print(b):
            continue
        sim = jaccard(text_shingles(a), text_shingles(b))
        if sim < threshold:
            continue
        for x, y in ((a, b), (b, a)):
            passages = shared_passages(x.paragraphs(), y.paragraphs(), _names(x), _names(y), limit=3)
            ev = [{"line": p["line_a"], "ref": x.ref(p["line_a"]), "text": p["excerpt_a"],
                   "other_line": p["line_b"], "other_ref": y.ref(p["line_b"]), "similarity": p["similarity"]}
                  for p in passages]
            yield ctx.fail(x, location={"line": x.title_line}, actual=f"{sim:.0%}", evidence=ev,
                           related=[y.related(y.title_line, y.title)
                                    | {"passages": [[p["line_a"], p["line_b"]] for p in passages]}],
                           other=y.organ or y.source, similarity=f"{sim:.0%}")


# ---------------------------------------------------------------- a region against its parts

def _region_parts(batch, doc):
    from ..crossreport.identity import place_name

    place = place_name(doc.organ)
    if place is None or doc.organ_kind != "gov_county_plus":
        return None, []
    parts = [d for d in batch.current if d is not doc and d.year == doc.year and d.key and doc.key
             and place in d.key and not d.key.startswith(doc.key) and d.key != doc.key]
    return place, parts


def _region(batch, ctx, exceed: bool):
    for doc in batch.current:
        if not doc.region_claims:
            continue
        place, parts = _region_parts(batch, doc)
        claim = doc.region_claims[0]
        loc = {"section": 1, "line": claim["line"]}
        if place is None:
            yield ctx.skip(doc, "报告机关不是县级以上人民政府，正文的全辖区数字不与下属机关比较", loc)
            continue
        if not parts:
            yield ctx.skip(doc, f"批次中没有{place}下属机关同年度的报告", loc)
            continue
        values, unknown = [], []
        for p in parts:
            t = p.tables.get("t3")
            if t is None or not t.found:
                unknown.append(p)
                continue
            got: list = []
            out = evaluate(t, [("new", "total")], lambda v: got.append(v[("new", "total")]) or True)
            if out.verdict != "pass" or len(set(got)) != 1:
                unknown.append(p)
            else:
                values.append((p, got[0]))
        if unknown:
            yield ctx.skip(doc, f"{len(unknown)} 份下属机关报告的表三“本年新收”总计无法确定（如 {unknown[0].source}）", loc)
            continue
        total = sum(v for _p, v in values)
        claimed = claim["value"]
        if (exceed and total > claimed) or (not exceed and total < claimed):
            related = [p.related(p.tables["t3"].rows["new"].line, None,
                                 [_cell(p, p.tables["t3"], "new", "total", v)]) for p, v in values]
            yield ctx.fail(doc, location=loc, expected=fmt_number(claimed), actual=fmt_number(total),
                           evidence=[{"line": claim["line"], "ref": doc.ref(claim["line"]), "text": claim["sentence"]}],
                           related=related, formula=f"{claim['scope']}共收到申请 ≥ Σ 下属机关表三“本年新收”总计",
                           scope=claim["scope"], claimed=fmt_number(claimed), total=fmt_number(total),
                           parts=len(values), gap=fmt_number(abs(claimed - total)))


def region_gap(batch, ctx):
    yield from _region(batch, ctx, exceed=False)


def region_exceed(batch, ctx):
    yield from _region(batch, ctx, exceed=True)
