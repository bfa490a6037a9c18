"""Human-readable output, grouped per report and severity, colour on a terminal."""
from __future__ import annotations

import os
import re
import sys

from ..findings import ORGAN_KIND_LABEL, SEVERITY_LABEL as SEV_LABEL, TEMPLATE_LABEL
from ..regions import known_regions
from .record import OCR_MARK

# Characters a terminal may act on: C0 controls except tab/newline, DEL, C1 controls (U+009B is a
# CSI on some terminals) and the bidi overrides that reorder what is shown. A report or a file
# name containing them is printed with them escaped (\x1b, \u202e), never raw.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def printable(s) -> str:
    """`s` as text that is safe to print on a terminal (escape sequences shown, not executed)."""
    s = str(s)
    if not _UNSAFE.search(s):
        return s
    return _UNSAFE.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100
                       else f"\\u{ord(m.group()):04x}", s)

_COLOR = {"error": "\033[31;1m", "warning": "\033[33;1m", "info": "\033[36m", "dim": "\033[2m",
          "bold": "\033[1m", "ok": "\033[32;1m", "reset": "\033[0m"}
ORGAN_KIND = {**ORGAN_KIND_LABEL, None: "机关类型未识别"}


def pack_label(pack: str) -> str:
    """A pack's code with its Chinese name, as users read it: "ningxia（宁夏）", "national（全国）"."""
    name = "全国" if pack == "national" else known_regions().get(pack)
    return f"{pack}（{name}）" if name else pack


def use_color(stream) -> bool:
    return stream.isatty() and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"


def _loc(f: dict) -> str:
    loc = f.get("location") or {}
    parts = []
    if loc.get("ref"):
        parts.append(loc["ref"])
    elif loc.get("line"):
        parts.append(f"第{loc['line']}行")
    return " ".join(parts)


def render(records, show_skipped: bool, stream=None) -> None:
    """Write report records (render.record.report_record), then the batch totals."""
    from .record import report_record

    text = TextRenderer(stream, show_skipped)
    for res in records:  # report records, or AuditResults (as to_document takes them too)
        text.add(res if isinstance(res, dict) else report_record(res, show_skipped=True))
    text.finish()


class TextRenderer:
    """Text output one report at a time, so a batch is printed as it goes."""

    def __init__(self, stream=None, show_skipped: bool = False):
        raw = stream or sys.stdout
        self.color = use_color(raw)
        self.out = _Printable(raw)  # report text is escaped; only our own colour codes get through
        self.show_skipped = show_skipped
        self.totals = {"error": 0, "warning": 0, "info": 0}
        self.failed = self.n = 0
        self.unreadable: list[str] = []
        self.problems: list[str] = []

    def c(self, kind, s):
        # Colour codes are added as markers after the text was made printable; the writer keeps them.
        return f"{_MARK[kind]}{s}{_MARK['reset']}" if self.color else s

    def add(self, res: dict) -> None:
        out, c, totals, show_skipped = self.out, self.c, self.totals, self.show_skipped
        self.n += 1
        self._load_problems(res.get("load_problems") or [])
        if res["error"]:
            # The reason goes to standard error once (batch.run_check); the body counts the file
            # and names it in the closing summary.
            self.failed += 1
            self.unreadable.append(res["source"])
            return
        if res.get("duplicate_of"):
            out.write(c("dim", f"＝ {res['source']}：与 {res['duplicate_of']} 内容相同，只审查一次") + "\n\n")
            return
        rep = res["profile"]
        counts = {s: sum(1 for f in res["findings"] if f["severity"] == s) for s in totals}
        for s in totals:
            totals[s] += counts[s]
        # Like ruff/flake8: the report's identity first, one line of where and what, then findings only.
        head = f"{rep['organ'] or '机关未识别'} · {str(rep['year']) + ' 年度' if rep['year'] else '年度未知'}"
        shown = [f"{SEV_LABEL[s]} {counts[s]}" for s in totals if counts[s]]
        if shown:
            out.write(c("bold", f"■ {head}") + "：" + "，".join(shown) + "\n")
        else:
            out.write(c("ok", "✓") + " " + c("bold", head) + "：未发现问题\n")
        about = [ORGAN_KIND.get(rep["organ_kind"], rep["organ_kind"]),
                 known_regions().get(rep["region"], rep["region"]) if rep["region"] else "地区未识别",
                 TEMPLATE_LABEL.get(rep["template"], "格式未识别")]
        out.write(f"  {res['source']}" + c("dim", f"（{'，'.join(about)}）") + "\n")
        if res.get("ocr"):
            out.write(c("warning", f"  {_ocr_notice(res['ocr'])}") + "\n")
        for sev in ("error", "warning", "info"):
            group = [f for f in res["findings"] if f["severity"] == sev]
            if not group:
                continue
            out.write(c(sev, f"  [{SEV_LABEL[sev]}]") + "\n")
            for f in group:
                where = _loc(f)
                out.write(f"    {c(sev, f['rule'])} {where + ' ' if where else ''}{f['message']}"
                          + (f" {OCR_MARK}" if f.get("ocr") else "") + "\n")
                if f.get("formula") and f["expected"] is not None:
                    out.write(c("dim", f"        公式：{f['formula']}（期望 {f['expected']}，实际 {f['actual']}）") + "\n")
                for ev in f["evidence"][:12]:
                    out.write(c("dim", "        · " + _evidence_line(ev)) + "\n")
                for rel in (f.get("related") or [])[:12]:  # the other report(s) of a cross-report finding
                    out.write(c("dim", "        ↔ " + _related_line(rel)) + "\n")
                if f["basis"]:
                    out.write(c("dim", f"        依据：{f['basis']}") + "\n")
        skipped = res.get("not_assessable") or []
        if show_skipped:
            self._packs(res)
        if show_skipped and skipped:
            out.write(c("dim", f"  [无法评估/不适用 {len(skipped)} 项]") + "\n")
            for s in skipped:
                where = _loc(s)
                out.write(c("dim", f"    {s['rule']} {where + ' ' if where else ''}{s['reason']}") + "\n")
        out.write("\n")

    def _load_problems(self, problems: list[str]) -> None:
        new = [p for p in problems if p not in self.problems]
        if not new:
            return
        self.problems += new
        self.out.write(self.c("error", "！有插件或规则包未能加载，本次审查没有使用它们的规则：") + "\n")
        for p in new:
            self.out.write(f"    {p}\n")
        self.out.write("\n")

    def _packs(self, res: dict) -> None:
        """--show-skipped: which packs ran, and the regional packs left out for this report's region."""
        c = self.c
        self.out.write(c("dim", f"  [规则包] 已应用：{'、'.join(map(pack_label, res.get('packs') or [])) or '无'}") + "\n")
        for s in res.get("packs_skipped") or []:
            self.out.write(c("dim", f"    未应用 {pack_label(s['pack'])}：{s['reason']}") + "\n")

    def finish(self) -> None:
        out, c, totals, failed, n = self.out, self.c, self.totals, self.failed, self.n
        tail = ""
        if failed:
            listed = "、".join(self.unreadable[:5]) + ("等" if failed > 5 else "")
            tail += f"；{failed} 份无法读取（{listed}）"
        if self.problems:
            tail += f"；{len(self.problems)} 个插件或规则包未能加载"
        out.write(c("bold", f"共审查 {n} 份报告") + f"：错误 {totals['error']}，警告 {totals['warning']}，提示 {totals['info']}"
                  + tail + "\n")


def _ocr_notice(info: dict) -> str:
    return f"{info['notice']}（第{'、'.join(map(str, info['pages']))}页），识别出的文字和数字请与原件核对"


def _related_line(rel: dict) -> str:
    head = f"{rel.get('source')}（{rel.get('organ') or '机关未识别'} {rel.get('year') or '年度未知'}年度）"
    where = rel.get("ref") or (f"第{rel['line']}行" if rel.get("line") else "")
    shown = "；".join(_evidence_line(c) for c in rel.get("cells", [])[:4]) or (rel.get("excerpt") or "")
    return f"{head} {where}{'：' + shown if shown else ''}"


# Private-use code points stand for our own colour codes while a line is made printable.
_MARK = {k: chr(0xF0000 + i) for i, k in enumerate(_COLOR)}
_UNMARK = {ord(v): _COLOR[k] for k, v in _MARK.items()}


class _Printable:
    """A stream wrapper: every text written is escaped (`printable`), then our colour markers
    become the real escape codes — so only the codes this renderer chose reach the terminal."""

    def __init__(self, stream):
        self.stream = stream

    def write(self, s: str) -> int:
        return self.stream.write(printable(s).translate(_UNMARK))

    def flush(self) -> None:
        getattr(self.stream, "flush", lambda: None)()


def _evidence_line(ev: dict) -> str:
    if "label" in ev:  # a table cell
        raw = ev.get("raw")
        val = ev.get("value")
        shown = raw if raw not in (None, "") else ("空白" if raw == "" else ("无法确定" if val is None else val))
        where = f"（{ev['ref']}）" if ev.get("ref") else ""
        return f"{ev['label']} = {shown}{where}"
    if "text" in ev:
        where = f"{ev['ref']}：" if ev.get("ref") else ""
        if ev.get("other_ref"):  # a passage shared with another report
            where = f"{ev.get('ref')} ≈ 对方{ev['other_ref']}（相似度 {ev.get('similarity')}）："
        claim = ev.get("claim")
        understood = f"〔理解为：{claim['understood']} = {claim['value']}〕" if claim and claim.get("understood") else ""
        return f"{where}{ev['text']}{understood}"
    return ", ".join(f"{k}={v}" for k, v in ev.items())
