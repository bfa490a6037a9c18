"""Audit one uploaded file in a child process with an address-space limit (used by `auditor.web`).

The parent (the web server) never parses a report itself: a zip bomb, a hostile PDF or a parser
defect can only take down this child, whose death or timeout the parent turns into a Chinese
error. The forkserver runs `warm()` once so each job starts with plugins and grammars ready.
"""
from __future__ import annotations

import os
from pathlib import Path


def warm() -> None:
    """Load plugins and build the parsers once, before any job is forked."""
    try:
        from .api import parse_extracted
        from .ingest import Extracted
        from .plugins import default_plugins

        loaded = default_plugins()
        text = ("某某局2020年政府信息公开工作年度报告\n一、总体情况\n二、主动公开政府信息情况\n"
                "三、收到和处理政府信息公开申请情况\n四、政府信息公开行政复议、行政诉讼情况\n")
        parse_extracted(Extracted(path="warm.txt", kind="txt", text=text), loaded)
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
    res = audit_file(Path(path), rules, cfg, loaded)
    if res.error and "MemoryError" in res.error:  # audit_file turns every parser exception into text
        raise MemoryError
    res.source = source
    record = report_record(res, show_skipped=True, with_tables=True)
    if res.report is not None:
        record["parse_notes"] = [n.to_dict() for n in res.report.parse_notes]
        if res.report.region_basis:
            record["region_basis"] = res.report.region_basis
    return {"doc": to_document([res], show_skipped=False), "record": record,
            "lines": list(res.report.lines) if res.report is not None else None}


def child_main(conn, memory_bytes: int | None, args: tuple) -> None:
    """Process entry: limit memory, run, send ("ok", result) or ("error", kind, message)."""
    if memory_bytes:
        try:
            import resource

            resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
        except (ImportError, ValueError, OSError):
            pass
    from .errors import ConfigError

    try:
        result = audit_upload(*args)
        conn.send(("ok", result))
    except ConfigError as exc:
        conn.send(("error", "config", str(exc)))
    except MemoryError:
        conn.send(("error", "memory", "文件过大或结构过于复杂，审查时超出内存限制"))
    except Exception as exc:  # reported to the user as an internal error, never a traceback
        conn.send(("error", "internal", f"审查时发生内部错误（{type(exc).__name__}: {exc}），请报告此问题"))
    finally:
        conn.close()
        os._exit(0)  # skip interpreter teardown: the result is sent, nothing else to flush

