"""Public entry points: read and parse a report file into the typed model."""
from __future__ import annotations

import dataclasses
from contextlib import nullcontext
from pathlib import Path

from .ingest import Extracted, read_report
from .model import ParseNote, Report
from .parse import binder, claims, flattened, profile
from .parse.document import SrcLine, build_paragraphs, parse_structure, recognise_sections
from .parse.normalize import normalize


def parse_extracted(ex: Extracted, plugins=None, region: str | None = None) -> Report:
    """`plugins` (a LoadedPlugins) answer the region hook; by default the installed ones.
    `region` overrides region detection."""
    source_text = ex.text
    src_lines = ex.text.split("\n")
    flat = flattened.is_flattened(ex.text, src_lines)
    if flat:  # no usable line structure: parse virtual lines that keep their source positions
        text, refs = flattened.resegment(ex.text, ex.refs)
        ex = dataclasses.replace(ex, text=text, refs=refs)
        src_lines = ex.text.split("\n")
    norm = normalize(ex.text)
    raw = parse_structure(norm)
    pre_lines, sections, demoted = recognise_sections(raw)
    # Without a carriage return in the text every line is its own rstrip("\r").
    lines = [ln.rstrip("\r") for ln in src_lines] if "\r" in ex.text else src_lines
    rep = Report(source=ex.path, kind=ex.kind, lines=lines,
                 refs=ex.refs, encoding=ex.encoding)
    rep.parse_notes.extend(ParseNote("ingest", n) for n in ex.notes)
    if flat:
        rep.layout = "flattened"
        src = [ln for ln in source_text.split("\n") if ln.strip()]
        rep.parse_notes.append(ParseNote(
            "layout.flattened",
            f"原文没有可用的行结构（{len(src)} 行共 {sum(len(x) for x in src)} 字，最长一行 {max(len(x) for x in src)} 字），"
            f"已按部分标题和表格行标签切分为 {len(src_lines)} 段虚拟行；位置以“第N行第M字”表示"))
    rep.preamble = build_paragraphs(pre_lines)
    section_lines: dict[int, list[SrcLine]] = {}
    for i, (sec, lines) in enumerate(sections):
        sec.paragraphs = build_paragraphs(lines)
        sec.end_line = (sections[i + 1][0].line - 1) if i + 1 < len(sections) else len(src_lines)
        rep.sections.append(sec)
        if sec.number and sec.number not in section_lines:
            section_lines[sec.number] = lines

    rep.title, rep.organ, rep.year, rep.title_line = profile.find_title(pre_lines)
    if rep.year is None:
        rep.year = profile.year_from_text(norm)
        if rep.year is not None:
            rep.parse_notes.append(ParseNote("profile.year", f"标题中未找到报告年度，按正文推断为 {rep.year} 年"))
    rep.organ_kind = profile.organ_kind(rep.organ)
    rep.date_line = profile.closing_date(norm)

    notes = rep.parse_notes
    # Tables are read from their own sections; when a heading is missing, from the whole body.
    everything = [] if 2 in section_lines and 3 in section_lines else [ln for _s, ls in sections for ln in ls]
    with flattened.binding() if flat else nullcontext():
        rep.tables["t2"] = binder.bind_t2(section_lines.get(2, everything), notes)
        rep.tables["t3"] = binder.bind_t3(section_lines.get(3, everything), notes)
        rep.tables["t4"] = binder.bind_t4(section_lines.get(4, []), notes)
    if flat:
        flattened.mark_unreadable(rep, source_text)
    rep.template = _overall_template(rep)
    loaded = plugins if plugins is not None else _default_plugins()
    rep.narrative = claims.extract(rep, loaded.claims_grammar)
    if ex.ocr_pages:
        rep.mark_ocr(ex.ocr_pages, ex.ocr_lines)
    if region:
        rep.region, rep.region_basis = region, "由用户指定"
    else:
        _detect_region(rep, loaded)
    return rep


def _default_plugins():
    from .plugins import default_plugins

    return default_plugins()


def _detect_region(rep: Report, loaded) -> None:
    from . import regions

    evidence = regions.deciding_core_evidence(rep)
    # With organ-name evidence in hand, the plugins' body evidence cannot change the decision.
    heads_decide = any(ev.tier == regions.ORGAN_NAME for ev in evidence)
    plugin_evidence, plugin_notes = _plugin_region_evidence(rep, loaded, heads_decide)
    rep.region, rep.region_basis, note = regions.decide(evidence + plugin_evidence)
    if note:  # a tie names the provinces in the order of all the evidence: the bodies' too
        if heads_decide:
            plugin_evidence, plugin_notes = _plugin_region_evidence(rep, loaded, False)
        rep.region, rep.region_basis, note = regions.decide(regions.core_evidence(rep) + plugin_evidence)
    rep.parse_notes.extend(plugin_notes)
    if note:
        rep.parse_notes.append(note)


def _plugin_region_evidence(rep: Report, loaded, bodies_moot: bool) -> tuple[list, list[ParseNote]]:
    """The plugins' region evidence, and notes on the answers that are not evidence."""
    from . import regions

    evidence: list = []
    notes: list[ParseNote] = []
    with regions.bodies_moot(bodies_moot):
        answers = list(loaded.call("auditor_detect_region", report=rep))
    for name, answer in answers:
        for ev in answer if isinstance(answer, (list, tuple)) else [answer]:
            if isinstance(ev, regions.RegionEvidence):
                evidence.append(ev)
            elif ev is not None:
                notes.append(ParseNote("plugin.region", f"插件“{name}”的地区判断结果无效（{ev!r}），已忽略"))
    return evidence, notes


def _overall_template(rep: Report) -> str | None:
    seen = {t.template for t in (rep.t2, rep.t3) if t.template}
    if not seen:
        return None
    if "mixed" in seen or len(seen) > 1:
        return "mixed"
    return seen.pop()


def parse_file(path: str | Path, plugins=None, region: str | None = None, limits=None) -> Report:
    """Read and parse one report. Raises InputError for unreadable input or a violated limit
    (`limits`: an auditor.limits.Limits, by default the built-in one)."""
    return parse_extracted(read_report(path, limits), plugins, region)
