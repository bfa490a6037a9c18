"""Where `auditor check` writes: output destinations, atomic files, one sink per format.

Every file output is written to a hidden temp file in the destination folder and renamed over the
target only when complete, so an interrupted or failed run never leaves a half-written or
truncated file where a valid one was. The exception is JSONL, the streaming form: each finished
report is appended (one complete line, flushed) to the target itself, so a killed batch leaves a
valid partial file that `--resume` continues.
"""
from __future__ import annotations

import json
import os
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

FORMATS = ("text", "json", "jsonl", "csv", "xlsx", "html")
EXTENSIONS = {"text": ".txt", "json": ".json", "jsonl": ".jsonl", "csv": ".csv", "xlsx": ".xlsx", "html": ".html"}
BY_EXTENSION = {".txt": "text", ".json": "json", ".jsonl": "jsonl", ".csv": "csv", ".xlsx": "xlsx",
                ".html": "html", ".htm": "html"}
STDOUT_OK = ("text", "json", "jsonl", "csv")
DEFAULT_STEM = "auditor-results"
TEMP_SUFFIX = ".auditor-tmp"


class OutputError(Exception):
    """An output cannot be written. The message is user-facing Chinese text."""


@dataclass
class Destination:
    format: str
    path: Path | None  # None = standard output


def plan_destinations(formats: list[str], outputs: list[Path], output_dir: Path | None) -> list[Destination]:
    """Map --format / -o / --output-dir to one destination per format."""
    fmts: list[str] = []
    for item in formats:
        for f in item.split(","):
            f = f.strip().lower()
            if not f:
                continue
            if f not in FORMATS:
                raise OutputError(f"--format 的取值“{f}”无效（可用：{'、'.join(FORMATS)}）")
            if f not in fmts:
                fmts.append(f)
    dests: list[Destination] = []
    if len(outputs) == 1 and len(fmts) <= 1:
        fmt = fmts[0] if fmts else BY_EXTENSION.get(outputs[0].suffix.lower(), "text")
        dests.append(Destination(fmt, outputs[0]))
        fmts = [f for f in fmts if f != fmt]
    else:
        for o in outputs:
            fmt = BY_EXTENSION.get(o.suffix.lower())
            if fmt is None:
                raise OutputError(f"无法从输出文件名 {o} 判断格式：请使用 .txt .json .jsonl .csv .xlsx .html 扩展名")
            if any(d.format == fmt for d in dests):
                raise OutputError(f"格式 {fmt} 指定了多个输出文件")
            if fmts and fmt not in fmts:
                raise OutputError(f"输出文件 {o} 的格式 {fmt} 不在 --format 所列格式中")
            dests.append(Destination(fmt, o))
        fmts = [f for f in fmts if not any(d.format == f for d in dests)]
    if not dests and not fmts:
        fmts = ["text"]
    for f in fmts:
        if output_dir is not None:
            dests.append(Destination(f, output_dir / (DEFAULT_STEM + EXTENSIONS[f])))
        else:
            dests.append(Destination(f, None))
    to_stdout = [d.format for d in dests if d.path is None]
    if len(to_stdout) > 1:
        raise OutputError(f"只能有一种格式输出到屏幕（{'、'.join(to_stdout)}）：请用 -o 或 --output-dir 指定文件")
    for d in dests:
        if d.path is None and d.format not in STDOUT_OK:
            raise OutputError(f"{d.format} 格式需要用 -o 或 --output-dir 指定输出文件")
    return dests


def check_destination(path: Path, inputs: list[Path]) -> None:
    """Refuse a destination that would overwrite an input or cannot be written, before auditing."""
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.exists():
        raise OutputError(f"无法写入 {path}：输出目录 {parent} 不存在")
    if not parent.is_dir():
        raise OutputError(f"无法写入 {path}：{parent} 不是目录")
    if path.is_dir():
        raise OutputError(f"无法写入 {path}：这是一个目录")
    if path.exists():
        for f in inputs:
            try:
                if os.path.samefile(f, path):
                    raise OutputError(f"输出文件 {path} 就是被审查的报告之一，拒绝覆盖")
            except OSError:
                continue
    if not os.access(parent, os.W_OK | os.X_OK):
        raise OutputError(f"无法写入 {path}：没有写入目录 {parent} 的权限")


class AtomicFile:
    """A file written under a temp name in the target folder and renamed over the target on commit."""

    def __init__(self, target: Path, binary: bool = False, encoding: str = "utf-8", newline: str | None = None):
        self.target = target
        folder = target.parent if str(target.parent) else Path(".")
        try:
            fd, tmp = tempfile.mkstemp(prefix="." + target.name + ".", suffix=TEMP_SUFFIX, dir=folder)
        except OSError as exc:
            raise OutputError(f"无法写入 {target}：{exc.strerror or exc}") from None
        self.tmp = Path(tmp)
        self.fh = os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding=encoding, newline=newline)

    def commit(self) -> None:
        try:
            self.fh.flush()
            os.fsync(self.fh.fileno())
            self.fh.close()
            if self.target.exists():
                mode = self.target.stat().st_mode & 0o777
            else:
                umask = os.umask(0)
                os.umask(umask)
                mode = 0o666 & ~umask
            os.chmod(self.tmp, mode)
            os.replace(self.tmp, self.target)
        except OSError as exc:
            self.abort()
            raise OutputError(f"无法写入 {self.target}：{exc.strerror or exc}") from None

    def abort(self) -> None:
        try:
            self.fh.close()
        except OSError:
            pass
        try:
            self.tmp.unlink()
        except OSError:
            pass


# --- sinks: one per format ----------------------------------------------------------------------

class Sink:
    """Receives report records in output order; `close` finishes the output."""

    def add(self, record: dict) -> None:
        raise NotImplementedError

    def close(self) -> None:
        pass

    def abort(self) -> None:
        pass


class _FileOrStdout:
    def __init__(self, path: Path | None, **kw):
        self.file = AtomicFile(path, **kw) if path is not None else None
        self.fh = self.file.fh if self.file else sys.stdout

    def commit(self):
        if self.file:
            self.file.commit()
        else:
            self.fh.flush()

    def abort(self):
        if self.file:
            self.file.abort()


class TextSink(Sink):
    def __init__(self, path: Path | None, show_skipped: bool):
        from .render.text import TextRenderer

        self.out = _FileOrStdout(path)
        self.text = TextRenderer(self.out.fh, show_skipped)

    def add(self, record):
        self.text.add(record)

    def close(self):
        self.text.finish()
        self.out.commit()

    def abort(self):
        self.out.abort()


class JsonSink(Sink):
    """JSON is one document: entries (without tables) are kept and written at the end."""

    def __init__(self, path: Path | None, show_skipped: bool, with_cross: bool = False):
        self.out = _FileOrStdout(path)
        self.show_skipped = show_skipped
        self.with_cross = with_cross  # --with-tables: keep what next year's --history needs
        self.entries: list[dict] = []

    def add(self, record):
        from .render.json_out import json_entry

        self.entries.append(json_entry(record, self.show_skipped, self.with_cross))

    def close(self):
        from .render.json_out import dumps, to_document

        self.out.fh.write(dumps(to_document(self.entries, self.show_skipped, self.with_cross)) + "\n")
        self.out.commit()

    def abort(self):
        self.out.abort()


class JsonlSink(Sink):
    def __init__(self, path: Path | None, stream=None):
        from .render.jsonl import JsonlWriter

        self.writer = JsonlWriter(path, stream=stream)

    def add(self, record):
        self.writer.write(record)

    def close(self):
        self.writer.close()

    def abort(self):
        self.writer.close()


class CsvSink(Sink):
    def __init__(self, path: Path | None):
        from .render.csv_out import CsvWriter

        self.out = _FileOrStdout(path, newline="")
        self.writer = CsvWriter(self.out.fh, bom=path is not None)

    def add(self, record):
        self.writer.write(record)

    def close(self):
        self.out.commit()

    def abort(self):
        self.out.abort()


class XlsxSink(Sink):
    def __init__(self, path: Path):
        from .render.xlsx import XlsxWriter

        self.file = AtomicFile(path, binary=True)
        self.writer = XlsxWriter()

    def add(self, record):
        self.writer.write(record)

    def close(self):
        try:
            self.writer.save(self.file.fh)
        except Exception as exc:
            self.file.abort()
            raise OutputError(f"无法写入 {self.file.target}：{exc}") from None
        self.file.commit()

    def abort(self):
        self.file.abort()


class HtmlSink(Sink):
    """The one HTML renderer (render/html.py, helper `web`) takes all records at once."""

    def __init__(self, path: Path, title: str):
        try:  # fail before auditing, not after
            from .render.html import write_html  # noqa: F401
        except ImportError:
            raise OutputError("HTML 输出不可用：本版本未包含 HTML 渲染器") from None
        self.file = AtomicFile(path)
        self.records: list[dict] = []
        self.title = title

    def add(self, record):
        self.records.append(record)

    def close(self):
        try:
            from .render.html import write_html
        except ImportError:
            self.file.abort()
            raise OutputError("HTML 输出不可用：本版本未包含 HTML 渲染器") from None
        write_html(self.records, self.file.fh, title=self.title)
        self.file.commit()

    def abort(self):
        self.file.abort()


def make_sink(dest: Destination, show_skipped: bool, title: str = "政府信息公开工作年度报告审查结果",
              with_cross: bool = False) -> Sink:
    if dest.format == "text":
        return TextSink(dest.path, show_skipped)
    if dest.format == "json":
        return JsonSink(dest.path, show_skipped, with_cross)
    if dest.format == "jsonl":
        return JsonlSink(dest.path)
    if dest.format == "csv":
        return CsvSink(dest.path)
    if dest.format == "xlsx":
        return XlsxSink(dest.path)
    return HtmlSink(dest.path, title)


# --- statistics (--statistics, like ruff) --------------------------------------------------------

@dataclass
class Statistics:
    findings: Counter = field(default_factory=Counter)
    reports: Counter = field(default_factory=Counter)
    meta: dict = field(default_factory=dict)

    def add(self, record: dict) -> None:
        seen = set()
        for f in record.get("findings") or []:
            self.findings[f["rule"]] += 1
            self.meta.setdefault(f["rule"], (f["severity"], f["pack"], f["category"]))
            if f["rule"] not in seen:
                seen.add(f["rule"])
                self.reports[f["rule"]] += 1

    def rows(self) -> list[dict]:
        order = sorted(self.findings, key=lambda r: (-self.findings[r], r))
        return [{"rule": r, "severity": self.meta[r][0], "pack": self.meta[r][1], "category": self.meta[r][2],
                 "count": self.findings[r], "reports": self.reports[r]} for r in order]

    def write_text(self, fh) -> None:
        from .render.text import SEV_LABEL

        rows = self.rows()
        for row in rows:
            fh.write(f"{row['count']:>6}  {row['rule']:<24} {SEV_LABEL[row['severity']]}  {row['reports']:>5} 份报告\n")
        fh.write(f"共 {sum(r['count'] for r in rows)} 条问题，{len(rows)} 条规则\n")

    def write_json(self, fh) -> None:
        fh.write(json.dumps(self.rows(), ensure_ascii=False, indent=2) + "\n")
