"""Audit many files: expand folders, read each report, run the rules, keep going on bad input."""
from __future__ import annotations

import gc
import os
import signal
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .config import Config
from .errors import InputError, internal_error
from .findings import Finding, NotAssessable
from .ingest import SUPPORTED
from .model import Report


@dataclass
class AuditResult:
    source: str
    report: Report | None = None
    findings: list[Finding] = field(default_factory=list)
    skipped: list[NotAssessable] = field(default_factory=list)
    error: str | None = None
    packs: list[str] = field(default_factory=list)
    # Packs selected but not applied to this report because of its region: {"pack", "reason"}.
    packs_skipped: list[dict] = field(default_factory=list)


def extension_list(explicit: bool = False) -> str:
    """The extensions a folder scan reads (or, `explicit`, those read only when named), as the
    README and messages print them: ".txt .text .docx …" — one list, from the readers."""
    from .ingest import EXPLICIT_ONLY

    return " ".join(EXPLICIT_ONLY if explicit else SUPPORTED)


def expand(paths: list[str]) -> tuple[list[Path], list[AuditResult]]:
    """Files to audit (folders recursively, supported extensions only) and errors for bad paths."""
    files: list[Path] = []
    errors: list[AuditResult] = []
    for p in map(Path, paths):
        if p.is_dir():
            found = sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SUPPORTED
                           and not f.name.startswith((".", "~$")))
            if not found:
                errors.append(AuditResult(str(p), error=f"目录中没有可审查的报告文件（{extension_list()}）"))
            files.extend(found)
        elif p.exists() or p.is_symlink():  # a dangling or looping link: the reader says which
            files.append(p)
        else:
            errors.append(AuditResult(str(p), error="文件不存在"))
    return files, errors


def audit_file(path: Path, rules: list, cfg: Config, plugins=None) -> AuditResult:
    from .api import parse_file
    from .engine.run import audit_with_packs
    from .limits import guarded

    try:
        with guarded(path, cfg.limits):  # wall time per file; MemoryError → input error
            report = parse_file(path, plugins, region=cfg.region, limits=cfg.limits)
            findings, skipped, packs = audit_with_packs(report, rules, cfg)
    except InputError as exc:
        return AuditResult(str(path), error=exc.reason)
    except MemoryError:  # the worker's memory guard reports it for this file
        raise
    except Exception as exc:  # a parser defect must not end the batch; say so plainly
        return AuditResult(str(path), error=internal_error(exc))
    for f in findings:
        if f.location.get("line") and "ref" not in f.location:
            f.location["ref"] = report.ref(f.location["line"])
    return AuditResult(str(path), report, findings, skipped, packs=packs,
                       packs_skipped=packs_skipped_for_region(report, rules, packs))


def packs_skipped_for_region(report: Report, rules: list, applied: list[str]) -> list[dict]:
    """The selected regional packs this report did not get, each with the detected region and
    its evidence in Chinese (for --show-skipped: why a plugin's rules did not run)."""
    from .regions import known_regions

    regions: dict[str, set] = {}
    for r in rules:
        if r.regions and r.pack not in applied:
            regions.setdefault(r.pack, set()).update(r.regions)
    if not regions:
        return []
    names = known_regions()
    if report.region:
        found = f"本报告识别为{names.get(report.region, report.region)}（{report.region_basis or '依据未记录'}）"
    else:
        note = next((n.message for n in report.parse_notes if n.code == "profile.region"), None)
        found = f"本报告的地区未识别（{note or '机关名称、标题和正文中没有任何省份的地名或文件字号'}）"
    return [{"pack": pack, "region": report.region,
             "reason": f"只用于{'、'.join(names.get(g, g) for g in sorted(regs))}的报告；{found}"}
            for pack, regs in sorted(regions.items())]


# --- batch runs (auditor check) ------------------------------------------------------------------

OWN_OUTPUT_SUFFIXES = (".txt", ".html", ".htm")


def is_own_output(path: Path) -> bool:
    """A file this tool wrote (text or HTML output), recognised by name AND content, so that a
    report is never skipped: text output starts with a report line (■/✓/＝), a load-problem
    notice (！) or, when no report was readable, the totals line, and ends with the
    batch totals; HTML output carries the generator meta tag."""
    if path.suffix.lower() not in OWN_OUTPUT_SUFFIXES:
        return False
    try:
        size = path.stat().st_size
        with open(path, "rb") as fh:
            head = fh.read(4096)
            fh.seek(max(0, size - 4096))
            tail = fh.read(4096)
    except OSError:
        return False
    if path.suffix.lower() == ".txt":
        import re

        first = head.decode("utf-8", "ignore").lstrip("\ufeff").lstrip().split("\n", 1)[0]
        last = tail.decode("utf-8", "ignore").rstrip().rsplit("\n", 1)[-1]
        first = re.sub(r"\x1b\[[0-9;]*m", "", first)
        last = re.sub(r"\x1b\[[0-9;]*m", "", last)
        return first.startswith(("■ ", "✓ ", "✗ ", "＝ ", "！", "共审查 ")) and re.match(r"共审查 \d+ 份报告：错误 \d+，警告 \d+，提示 \d+", last) is not None
    return b'<meta name="generator" content="auditor' in head


@dataclass
class Inputs:
    files: list[tuple[str, Path]] = field(default_factory=list)  # (source as shown, path to read)
    errors: list[dict] = field(default_factory=list)
    skipped_outputs: list[Path] = field(default_factory=list)
    stdin_tmp: Path | None = None


def gather(args: list[str], outputs: list[Path], stdin=None) -> Inputs:
    """Expand paths, `@list.txt` files and `-` (report text on standard input) into files to audit.
    Folders skip this tool's own output files; a missing or non-regular file is an input error."""
    from .worker import error_record

    found = Inputs()
    out_paths = {p.resolve() for p in outputs}
    expanded: list[str] = []
    for a in args:
        if a.startswith("@") and len(a) > 1:
            try:
                lines = Path(a[1:]).read_text(encoding="utf-8-sig").splitlines()
            except (OSError, UnicodeDecodeError) as exc:
                found.errors.append(error_record(a, f"无法读取文件列表：{getattr(exc, 'strerror', None) or exc}"))
                continue
            expanded.extend(ln.strip() for ln in lines if ln.strip() and not ln.strip().startswith("#"))
        else:
            expanded.append(a)
    for a in expanded:
        if a == "-":
            if found.stdin_tmp is None:
                import tempfile

                data = (stdin or sys.stdin.buffer).read()
                fd, tmp = tempfile.mkstemp(prefix="auditor-stdin-", suffix=".txt")
                with os.fdopen(fd, "wb") as fh:
                    fh.write(data)
                found.stdin_tmp = Path(tmp)
                found.files.append(("-", found.stdin_tmp))
            continue
        p = Path(a)
        if p.is_dir():
            listed = sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SUPPORTED
                            and not f.name.startswith((".", "~$")))
            kept = []
            for f in listed:
                # A destination of this run is skipped only when it is this tool's output;
                # a report named as a destination stays an input and the run refuses it.
                if is_own_output(f) or (f.resolve() in out_paths and f.suffix.lower() not in OWN_OUTPUT_SUFFIXES):
                    found.skipped_outputs.append(f)
                else:
                    kept.append(f)
            if not listed:
                found.errors.append(error_record(str(p), f"目录中没有可审查的报告文件（{extension_list()}）"))
            found.files.extend((str(f), f) for f in kept)
        else:
            from .errors import InputError
            from .ingest import regular_file_stat

            try:
                regular_file_stat(p)
            except InputError as exc:  # missing, a link loop, a pipe or device: never opened
                found.errors.append(error_record(str(p), exc.reason))
            else:
                found.files.append((str(p), p))
    return found


@dataclass
class CheckOptions:
    paths: list[str]
    formats: list[str] = field(default_factory=list)
    outputs: list[Path] = field(default_factory=list)
    output_dir: Path | None = None
    show_skipped: bool = False
    jobs: int | None = None
    resume: bool = False
    quiet: bool = False
    statistics: bool = False
    baseline: Path | None = None
    write_baseline: Path | None = None
    time_s: float | None = None
    memory_mb: int | None = None
    history: Path | None = None  # last year's reports or JSON (--history), for the cross-report checks
    with_tables: bool = False  # JSON output keeps the cross-report data (usable as --history)


def _audit_to_record(path: str, rules, cfg, loaded, with_cross: bool = False) -> dict:
    from .render.record import report_record

    known = len(loaded.errors) if loaded is not None else 0
    res = audit_file(Path(path), rules, cfg, loaded)
    rec = report_record(res, show_skipped=True, with_tables=True, with_cross=with_cross)
    if loaded is not None and len(loaded.errors) > known:
        rec["plugin_errors"] = loaded.errors[known:]
        del loaded.errors[known:]
    return rec


class _Progress:
    """rich progress bar on stderr when it is a terminal: done/total, rate, ETA, errors."""

    def __init__(self, total: int, enabled: bool):
        self.bar = None
        if not enabled:
            return
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        self.bar = Progress(TextColumn("审查中"), BarColumn(), MofNCompleteColumn(),
                            TextColumn("{task.fields[rate]} 份/秒"), TextColumn("剩余"), TimeRemainingColumn(),
                            TextColumn("无法读取 {task.fields[errors]}"),
                            console=Console(file=sys.stderr), transient=True)
        self.task = self.bar.add_task("check", total=total, rate="-", errors=0)
        self.errors = 0
        self.start = time.monotonic()
        self.bar.start()

    def advance(self, rec: dict) -> None:
        if self.bar is None:
            return
        self.errors += bool(rec.get("error"))
        done = self.bar.tasks[0].completed + 1
        rate = done / max(time.monotonic() - self.start, 1e-6)
        self.bar.update(self.task, advance=1, rate=f"{rate:.1f}", errors=self.errors)

    def stop(self) -> None:
        if self.bar is not None:
            self.bar.stop()


@contextmanager
def batch_collector():
    """The cyclic garbage collector as a batch wants it. Auditing a report allocates tens of
    thousands of small objects that reference counting frees; at the default threshold (700) the
    collector still ran about once per report and, now and then, traversed everything loaded
    (grammar tables, rule packs, gazetteers): about 0.2 ms a report, 5% of an audit. Inside the
    block what is loaded is frozen (never traversed; forked workers also share those pages) and
    young objects are collected every 10,000 net allocations — cyclic garbage is still collected,
    in bounded amounts. The previous settings are restored after (an outer freeze is kept)."""
    threshold, frozen_before = gc.get_threshold(), gc.get_freeze_count()
    gc.freeze()
    gc.set_threshold(10_000, *threshold[1:])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        if not frozen_before:
            gc.unfreeze()


def run_check(opts: CheckOptions, rules, cfg, loaded, err) -> int:
    """The body of `auditor check`. Returns the exit code; `err` writes one line to stderr."""
    with batch_collector():
        return _run_check(opts, rules, cfg, loaded, err)


def _run_check(opts: CheckOptions, rules, cfg, loaded, err) -> int:
    from . import outputs as out
    from .baseline import Baseline, BaselineWriter
    from .errors import ConfigError
    from .findings import SEVERITY_RANK
    from .render import jsonl
    from .worker import Guard, WORKER_GRACE_S, cpu_count, error_record, file_sha256, run_pool

    try:
        dests = out.plan_destinations(opts.formats, opts.outputs, opts.output_dir)
    except out.OutputError as exc:
        err(str(exc))
        return 2
    file_dests = [d.path for d in dests if d.path is not None]
    extra_outputs = [p for p in (opts.write_baseline,) if p is not None]
    inputs = gather(opts.paths, file_dests + extra_outputs)
    try:
        for p in file_dests + extra_outputs:
            out.check_destination(p, [f for _s, f in inputs.files])
        baseline = Baseline.load(opts.baseline) if opts.baseline else None
    except out.OutputError as exc:
        err(str(exc))
        return 2
    except ConfigError as exc:
        err(str(exc))
        return 2
    jsonl_dest = next((d for d in dests if d.format == "jsonl"), None)
    if opts.resume and (jsonl_dest is None or jsonl_dest.path is None):
        err("--resume 需要一个 JSONL 输出文件（如 -o results.jsonl），从中读取已完成的报告")
        return 2

    # Content hashes: duplicates are audited once; --resume skips what the JSONL already holds.
    records_pre: dict[int, dict] = {}  # index -> record known without auditing
    tasks: list[tuple[int, str]] = []
    order: list[tuple[str, Path]] = sorted(inputs.files, key=lambda sf: sf[0])
    first_by_sha: dict[str, str] = {}
    sha_of: dict[int, str] = {}
    resumed: dict[str, tuple[int, int]] = {}
    resume_path = jsonl_dest.path if opts.resume else None
    if resume_path is not None and resume_path.exists():
        index, valid = jsonl.scan(resume_path)
        if valid < resume_path.stat().st_size:
            with open(resume_path, "r+b") as fh:  # drop a torn last line left by a killed run
                fh.truncate(valid)
        resumed = {sha: (off, n) for sha, _src, off, n in index}
    for i, (source, path) in enumerate(order):
        try:
            sha = file_sha256(path)
        except OSError as exc:
            records_pre[i] = error_record(source, f"无法读取文件：{exc.strerror or exc}")
            continue
        sha_of[i] = sha
        if sha in first_by_sha:
            records_pre[i] = {"source": source, "error": None, "packs": [], "profile": None, "findings": [],
                              "duplicate_of": first_by_sha[sha], "sha256": sha}
            continue
        first_by_sha[sha] = source
        if sha in resumed:
            continue
        tasks.append((i, str(path)))
    total = len(order)
    n_resumed = sum(1 for i in sha_of if i not in records_pre and sha_of[i] in resumed)
    if opts.resume:
        err(f"续跑：{n_resumed} 份报告已在 {resume_path} 中完成，跳过；待审查 {len(tasks)} 份")
    pre_errors = sorted(inputs.errors, key=lambda r: r["source"])

    # Sinks are opened before auditing so an unwritable destination fails early.
    sinks: list = []
    try:
        for d in dests:
            if d.format == "jsonl" and d.path is not None:
                sinks.append(_ResumableJsonl(d.path, resumed if opts.resume else {}, append=opts.resume))
            elif opts.statistics and d.path is None:
                continue  # --statistics replaces the report on standard output
            else:
                sinks.append(out.make_sink(d, opts.show_skipped, with_cross=opts.with_tables))
    except out.OutputError as exc:
        for s in sinks:
            s.abort()
        err(str(exc))
        return 2
    stats = out.Statistics()
    bwriter = BaselineWriter(opts.write_baseline) if opts.write_baseline else None
    worst = {"error": False, "fail": False}
    threshold = SEVERITY_RANK.get(cfg.fail_on) if cfg.fail_on != "never" else None
    done = 0
    unreadable: list[str] = []
    startup_problems = list(loaded.errors) if loaded is not None else []

    # Cross-report checks need every report: the JSONL stream still gets each report as it is
    # done (a killed batch keeps them), the other outputs get the reports once the checks ran.
    cross_on = any(getattr(r, "scope", "report") == "batch" for r in rules) and (
        total > 1 or opts.history is not None)
    held: list[dict] = []

    def note_problems(rec: dict) -> None:
        """Plugin problems of this run (at load, or raised while this file was read) go into the
        record, before any sink sees it: every renderer shows them (render.record.load_problems)."""
        during = rec.pop("plugin_errors", None) or []
        for e in during:
            err(e)
        problems = startup_problems + [e for e in during if e not in startup_problems]
        if problems:
            rec["load_problems"] = problems
        else:
            rec.pop("load_problems", None)  # a resumed record keeps no stale problems

    def emit(rec: dict) -> None:
        with _interrupts_deferred():
            _emit(rec)

    def _emit(rec: dict) -> None:
        note_problems(rec)
        if cross_on:
            resumed_at = rec.pop("_resumed", None)
            for s in sinks:
                if isinstance(s, _ResumableJsonl):
                    s.add(rec, resumed_at)
            held.append(rec)
            progress.advance(rec)
            return
        deliver(rec)

    def deliver(rec: dict, to_jsonl: bool = True) -> None:
        nonlocal done
        resumed_at = rec.pop("_resumed", None)
        if bwriter:
            bwriter.add(rec)
        if baseline:
            rec = baseline.filter(rec)
        if rec.get("error"):
            worst["error"] = True
            unreadable.append(f"{rec['source']}: {rec['error']}")
        if threshold and any(SEVERITY_RANK[f["severity"]] >= threshold for f in rec.get("findings") or []):
            worst["fail"] = True
        stats.add(rec)
        for s in sinks:
            if isinstance(s, _ResumableJsonl):
                if to_jsonl:
                    s.add(rec, resumed_at)
            else:
                s.add(rec)
        done += 1
        if to_jsonl:
            progress.advance(rec)

    jobs = opts.jobs or cpu_count()
    # The per-file guard inside the audit (cfg.limits, `[limits]` in auditor.toml) fires first and
    # names its config key; the worker's own alarm is the backstop a little later, and its
    # address-space cap is the configured memory limit.
    limit_s = cfg.limits.max_seconds
    guard = Guard(opts.time_s or (limit_s + WORKER_GRACE_S if limit_s else 0),
                  opts.memory_mb or int(cfg.limits.max_memory_mb))
    # On a terminal the streamed text report is its own progress; the bar is for file outputs.
    text_on_terminal = any(d.path is None for d in dests) and not opts.statistics and sys.stdout.isatty()
    progress = _Progress(total, enabled=not opts.quiet and total > 1 and sys.stderr.isatty() and not text_on_terminal)
    interrupted = False
    failed_write: str | None = None
    try:
        for rec in pre_errors:
            emit(rec)
        keep_cross = cross_on or opts.with_tables  # --with-tables: the JSON can be next year's --history
        results = _in_process(tasks, rules, cfg, loaded, guard, keep_cross) if jobs <= 1 or len(tasks) <= 1 else \
            run_pool(tasks, lambda p: _audit_to_record(p, rules, cfg, loaded, keep_cross), jobs, guard)
        ready: dict[int, dict] = {}
        for i in range(total):
            while i not in records_pre and i not in ready and sha_of.get(i) not in resumed:
                j, rec = next(results)
                rec["source"] = order[j][0]
                if j in sha_of:
                    rec["sha256"] = sha_of[j]
                ready[j] = rec
            if i in records_pre:
                rec = records_pre.pop(i)
            elif i in ready:
                rec = ready.pop(i)
            else:
                off, n = resumed[sha_of[i]]
                rec = jsonl.read_at(resume_path, off, n)
                rec["source"] = order[i][0]
                rec["_resumed"] = (off, n)
            emit(rec)
        if cross_on:
            added = _cross_report(held, rules, cfg, opts.history, loaded, err)
            for s in sinks:  # the stream holds the reports without the cross findings: redo it
                if isinstance(s, _ResumableJsonl) and added:
                    s.replace_all(held)
        for s in sinks:
            if isinstance(s, _ResumableJsonl):
                s.complete = True
    except KeyboardInterrupt:
        interrupted = True
    except _HistoryError as exc:
        for s in sinks:
            s.abort()
        progress.stop()
        err(str(exc))
        return 2
    except out.OutputError as exc:
        failed_write = str(exc)
    finally:
        progress.stop()
        for rec in held:  # after the cross-report step, or what was done before an interrupt
            deliver(rec, to_jsonl=False)
        held.clear()
        if 'results' in locals() and hasattr(results, "close"):
            results.close()
        if inputs.stdin_tmp is not None:
            inputs.stdin_tmp.unlink(missing_ok=True)
    try:
        if failed_write:
            raise out.OutputError(failed_write)
        for s in sinks:
            s.close()
        if bwriter and not interrupted:
            bwriter.write()
    except out.OutputError as exc:
        for s in sinks:
            s.abort()
        err(str(exc))
        return 2
    except KeyboardInterrupt:
        interrupted = True
    if opts.statistics:
        if any(d.format == "json" and d.path is None for d in dests):
            stats.write_json(sys.stdout)
        else:
            stats.write_text(sys.stdout)
    for line in unreadable:
        err(line)
    for f in inputs.skipped_outputs:
        err(f"{f}: 是本工具生成的输出文件，未作为报告审查")
    if baseline:
        err(f"基线 {opts.baseline}：已豁免 {baseline.waived} 条已知问题，只显示新问题")
    if interrupted:
        err(f"已中断：已完成 {done - len(pre_errors)}/{total} 份" + (
            "（JSONL 输出已保存已完成的报告，可用 --resume 继续）" if jsonl_dest and jsonl_dest.path else ""))
        return 130
    if worst["error"]:
        return 2
    return 1 if worst["fail"] else 0


@contextmanager
def _interrupts_deferred():
    """A Ctrl-C that arrives while one record is written and counted takes effect once that is
    done: the count said on interrupt is then exactly what the outputs (and --resume) hold."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, _frame: caught.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if caught:
        raise KeyboardInterrupt


class _HistoryError(Exception):
    """--history cannot be read (a clear message, exit 2)."""


def _cross_report(records: list[dict], rules, cfg, history, loaded, err) -> bool:
    """Run the batch rules over the records; their findings join each report's own. True if any
    finding or not-assessable outcome was added."""
    from . import crossreport
    from .errors import InputError
    from .findings import Finding
    from .render.record import mark_ocr

    problems: list[str] = []
    usable = [r for r in records if not r.get("error") and not r.get("duplicate_of")]
    try:
        outcomes = crossreport.run(usable, rules, cfg, history=history, plugins=loaded, problems=problems)
    except InputError as exc:
        raise _HistoryError(f"--history {exc.path}: {exc.reason}") from None
    for p in problems:
        err(p)
    by_source = {r["source"]: r for r in records}
    added = False
    for source, items in outcomes.items():
        rec = by_source.get(source)
        if rec is None:
            continue
        for item in items:
            added = True
            if isinstance(item, Finding):
                rec.setdefault("findings", []).append(mark_ocr(rec, item.to_dict()))
            else:
                rec.setdefault("not_assessable", []).append(item.to_dict())
    return added


def _in_process(tasks, rules, cfg, loaded, guard, with_cross: bool = False):
    """One file or -j 1: no pool (a single `auditor check FILE` stays fast); the wall-time guard
    still applies, the memory limit does not (it would cap the whole tool)."""
    from .worker import guarded

    for index, path in tasks:
        yield index, guarded(lambda: _audit_to_record(path, rules, cfg, loaded, with_cross), path, guard)


class _ResumableJsonl:
    """The JSONL destination: appends each finished report as one flushed line. A resumed run
    appends after the old records; when it completes, the file is rewritten in path order."""

    def __init__(self, path: Path, resumed: dict, append: bool):
        from .render.jsonl import JsonlWriter

        self.path = path
        self.append = append and path.exists()
        self.size = path.stat().st_size if self.append else 0
        self.writer = JsonlWriter(path, append=self.append)
        self.order: list[tuple[int, int, str]] = []  # (offset, length, source) of each emitted record
        self.complete = False

    def add(self, rec: dict, resumed: tuple[int, int] | None = None) -> None:
        from .render.jsonl import dumps_record

        if resumed:
            self.order.append((*resumed, rec["source"]))
            return
        line = (dumps_record(rec) + "\n").encode("utf-8")
        self.writer.fh.write(line.decode("utf-8"))
        self.writer.fh.flush()
        self.order.append((self.size, len(line), rec["source"]))
        self.size += len(line)

    def replace_all(self, records: list[dict]) -> None:
        """Rewrite the stream with these records (in this order), atomically."""
        from .outputs import AtomicFile
        from .render.jsonl import dumps_record

        self.writer.close()
        f = AtomicFile(self.path)
        try:
            for rec in records:
                f.fh.write(dumps_record(rec) + "\n")
        except BaseException:
            f.abort()
            raise
        f.commit()
        self.append, self.replaced = False, True

    def close(self) -> None:
        if getattr(self, "replaced", False):
            return  # replace_all closed the stream and wrote the whole file
        self.writer.close()
        if self.append and self.complete:
            self._rewrite_sorted()

    def abort(self) -> None:
        if not getattr(self, "replaced", False):
            self.writer.close()

    def _rewrite_sorted(self) -> None:
        from .outputs import AtomicFile
        from .render.jsonl import dumps_record, read_at

        f = AtomicFile(self.path)
        try:
            for off, n, source in self.order:
                rec = read_at(self.path, off, n)
                rec["source"] = source
                f.fh.write(dumps_record(rec) + "\n")
        except BaseException:
            f.abort()
            raise
        f.commit()
