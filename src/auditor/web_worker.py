"""Audit one uploaded file in a child process with an address-space limit (used by `auditor.web`).

The parent (the web server) never parses a report itself: a zip bomb, a hostile PDF or a parser
defect can only take down this child, whose death or timeout the parent turns into a Chinese
error. The forkserver runs `warm()` once so each job starts with plugins and grammars ready.
"""
from __future__ import annotations

import os
from pathlib import Path


def warm() -> None:
    """Load plugins, build the parsers and run every rule once, before any job is forked."""
    import tempfile

    text = ("某某局2020年政府信息公开工作年度报告\n一、总体情况\n2020年，共收到申请3件，办结3件。\n"
            "二、主动公开政府信息情况\n第二十条第（一）项\n信息内容\t本年新制作数量\t本年新公开数量\t对外公开总数量\n"
            "规章\t0\t0\t0\n三、收到和处理政府信息公开申请情况\n一、本年新收政府信息公开申请数量\t3\t0\t0\t0\t0\t0\t3\n"
            "四、政府信息公开行政复议、行政诉讼情况\n五、存在的主要问题及改进情况\n六、其他需要报告的事项\n无。\n")
    try:
        with tempfile.TemporaryDirectory(prefix="auditor-warm-") as tmp:
            path = f"{tmp}/warm.txt"
            with open(path, "w", encoding="utf-8") as fh:
                fh.write(text)
            audit_upload(path, "warm.txt", None, None, None)
    except Exception:  # warming is an optimisation only; a real job reports real errors
        pass


def audit_upload(path: str, source: str, region: str | None, select: list[str] | None,
                 config_path: str | None) -> dict:
    """The audit as plain data: the JSON document `auditor check --format json` prints, the
    renderer's record, and the report's lines (for the page's source view)."""
    from .batch import audit_file
    from .config import Config, load_config, resolve
    from .plugins import default_plugins
    from .render.json_out import to_document
    from .render.record import report_record

    cfg = load_config(Path(config_path)) if config_path else Config()
    if select:
        cfg.select = select
    if region:
        cfg.region = region
    loaded = default_plugins()
    rules = resolve(loaded.rules, cfg, where="网页")
    from .limits import MEMORY_EXCEEDED

    res = audit_file(Path(path), rules, cfg, loaded)
    if res.error and res.error.startswith(MEMORY_EXCEEDED):  # the process is not to be trusted after it
        raise MemoryError
    res.source = source
    record = report_record(res, show_skipped=True, with_tables=True)
    if res.report is not None:
        if res.report.region_basis:
            record["region_basis"] = res.report.region_basis
    return {"doc": to_document([res], show_skipped=False), "record": record,
            "lines": list(res.report.lines) if res.report is not None else None}


def _limit_memory(memory_bytes: int | None) -> None:
    if memory_bytes:
        try:
            import resource

            resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
        except (ImportError, ValueError, OSError):
            pass


def _one(args: tuple) -> tuple:
    from .errors import ConfigError

    try:
        return ("ok", audit_upload(*args))
    except ConfigError as exc:
        return ("error", "config", str(exc))
    except MemoryError:
        return ("error", "memory", "文件过大或结构过于复杂，审查时超出内存限制")
    except Exception as exc:  # reported to the user as an internal error, never a traceback
        return ("error", "internal", f"审查时发生内部错误（{type(exc).__name__}: {exc}），请报告此问题")


def worker_main(conn, memory_bytes: int | None) -> None:
    """A long-lived audit process: one job at a time from `conn`, until None or a failure.

    After a memory or internal error the process exits, so the parent starts a fresh one rather
    than trusting a process that ran out of memory half-way."""
    _limit_memory(memory_bytes)
    try:
        while True:
            try:
                job = conn.recv()
            except (EOFError, OSError):
                break
            if job is None:
                break
            msg = _one(job)
            try:
                conn.send(msg)
            except MemoryError:
                conn.send(("error", "memory", "审查结果过大，超出内存限制"))
                break
            if msg[0] == "error" and msg[1] in ("memory", "internal"):
                break
    finally:
        conn.close()
        os._exit(0)  # skip interpreter teardown: nothing else to flush
