"""Per-file resource limits: every reader checks them, batch workers apply the process guards.

Real reports are 5–40 pages: a few hundred kB of text, a few MB of DOCX/PDF, three tables of a few
dozen rows. The defaults below leave a margin of 10–100× over the largest real report, so they only
ever stop hostile or broken files. Each limit can be changed in a `[limits]` table of auditor.toml
(keys in kebab-case, e.g. `max-file-mb = 200`); a violation is an `InputError` for that one file
whose Chinese reason names the limit and the configuration key, and a batch goes on.

Process guards for batch workers (`apply_memory_limit`, `time_limit`, `guarded`) turn an
exhausted address space or an overrun of wall time into the same kind of per-file error.
"""
from __future__ import annotations

import _signal
import contextlib
import signal
import threading
from dataclasses import dataclass, fields, replace
from typing import Iterator, Mapping

from .errors import InputError

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    # Any input file, before it is read.
    max_file_mb: float = 100
    # Extracted text of one report (characters) and its number of lines.
    max_chars: int = 2_000_000
    max_lines: int = 100_000
    # One table read from a real grid (HTML/DOCX): rows, and grid cells (rows × columns).
    max_table_rows: int = 5_000
    max_table_cells: int = 200_000
    # DOCX (a ZIP of XML parts): total inflated size, inflated/compressed ratio of one large
    # part, number of ZIP entries, and XML tags in all parts (each costs ~100 bytes in lxml).
    max_xml_mb: float = 50
    max_ratio: float = 200
    max_zip_entries: int = 10_000
    max_xml_tags: int = 4_000_000
    # HTML element nesting depth (gov pages nest ~30 deep; libxml2 stops at 256).
    max_depth: int = 200
    # PDF pages (read by the PDF reader).
    max_pages: int = 500
    # Batch worker guards (0 = off): wall time and address space per file.
    max_seconds: float = 120
    max_memory_mb: float = 4096
    # Read PDF pages without a text layer by OCR when the `ocr` extra is installed; each such page
    # adds this much to the file's wall-time limit (OCR takes seconds a page on two cores).
    ocr: bool = True
    ocr_seconds_per_page: float = 30

    @property
    def max_file_bytes(self) -> int:
        return int(self.max_file_mb * MB)

    @property
    def max_xml_bytes(self) -> int:
        return int(self.max_xml_mb * MB)

    @classmethod
    def from_mapping(cls, data: Mapping | None) -> "Limits":
        """From the `[limits]` table (already validated by config.schema.json)."""
        if not data:
            return cls()
        known = {f.name for f in fields(cls)}
        values = {k.replace("-", "_"): v for k, v in data.items()}
        return cls(**{k: v for k, v in values.items() if k in known})

    def with_(self, **changes) -> "Limits":
        return replace(self, **changes)


DEFAULT = Limits()
# Chinese names of the limits for messages, with their configuration keys.
LABELS = {
    "max_file_mb": "文件大小上限", "max_chars": "正文字符数上限", "max_lines": "正文行数上限",
    "max_table_rows": "表格行数上限", "max_table_cells": "表格单元格数上限",
    "max_xml_mb": "解压后大小上限", "max_ratio": "压缩比上限", "max_zip_entries": "压缩包文件数上限",
    "max_xml_tags": "XML 元素数上限", "max_depth": "网页嵌套层数上限", "max_pages": "PDF 页数上限",
    "max_seconds": "单个文件处理时间上限", "max_memory_mb": "单个文件内存上限",
    "ocr_seconds_per_page": "文字识别每页增加的处理时间",
}


def hint(name: str, limits: Limits) -> str:
    """'（文件大小上限 100 MB，配置项 limits.max-file-mb）' for a message."""
    value = getattr(limits, name)
    shown = f"{value:g}" if isinstance(value, float) else f"{value:,}"
    unit = {"max_file_mb": " MB", "max_xml_mb": " MB", "max_memory_mb": " MB", "max_seconds": " 秒",
            "ocr_seconds_per_page": " 秒",
            "max_ratio": " 倍"}.get(name, "")
    return f"（{LABELS[name]} {shown}{unit}，配置项 limits.{name.replace('_', '-')}）"


def exceeded(path, name: str, limits: Limits, what: str) -> InputError:
    """The InputError for a limit violation: what happened, then which limit and its key."""
    return InputError(path, f"{what}{hint(name, limits)}")


def check_text(path, text: str, limits: Limits) -> None:
    """Size limits on the text a reader extracted (every reader calls this)."""
    if len(text) > limits.max_chars:
        raise exceeded(path, "max_chars", limits, f"正文过长（{len(text):,} 个字符），不像是一份年度报告")
    lines = text.count("\n") + 1
    if lines > limits.max_lines:
        raise exceeded(path, "max_lines", limits, f"正文行数过多（{lines:,} 行），不像是一份年度报告")


# --- process guards for batch workers ------------------------------------------------------------

def apply_memory_limit(max_mb: float | None) -> bool:
    """Cap this process's address space (RLIMIT_AS) at `max_mb` MB; call it once at worker start.
    Returns False where rlimits are unavailable (non-POSIX) or the hard limit is lower. A file
    that needs more then fails with MemoryError, which `guarded` turns into an input error."""
    if not max_mb:
        return False
    try:
        import resource
    except ImportError:
        return False
    want = int(max_mb * MB)
    try:
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY and hard < want:
            want = hard
        resource.setrlimit(resource.RLIMIT_AS, (want, hard))
    except (ValueError, OSError):
        return False
    return True


class TimeLimitExceeded(BaseException):
    """Raised inside the guarded code when its wall time is over. BaseException so that the
    `except Exception` of a reader or rule cannot swallow it."""


def _on_alarm(_signum, _frame):
    raise TimeLimitExceeded()


@contextlib.contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise TimeLimitExceeded in the block after `seconds` of wall time (SIGALRM timer).
    Only in the main thread of a POSIX process (a batch worker); elsewhere a no-op. Code stuck
    inside one C call (a regex, lxml) is interrupted when it returns to Python; a worker pool
    should still kill a worker that does not answer."""
    usable = bool(seconds) and hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return

    import time

    # Nesting-safe: an outer guard's timer keeps running (the inner one never outlives it) and
    # is restored with its remaining time.
    outer_left, _interval = signal.getitimer(signal.ITIMER_REAL)
    if outer_left and outer_left < seconds:
        yield
        return
    started = time.monotonic()
    # _signal.signal is what signal.signal wraps: the wrapper's conversions of handlers to and from
    # enums raise and catch two exceptions per file (~8x the cost of the system calls).
    previous = _signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        _signal.signal(signal.SIGALRM, previous)
        if outer_left:
            signal.setitimer(signal.ITIMER_REAL, max(0.001, outer_left - (time.monotonic() - started)))


@contextlib.contextmanager
def guarded(path, limits: Limits = DEFAULT) -> Iterator[None]:
    """Run the reading/auditing of one file under its wall-time limit; a time overrun or a
    MemoryError (address-space limit reached) becomes an InputError naming the file and limit."""
    try:
        with time_limit(limits.max_seconds):
            yield
    except TimeLimitExceeded:
        raise exceeded(path, "max_seconds", limits, "处理超时，已停止处理该文件") from None
    except MemoryError:
        # Quote the cap actually in force: a caller (the web app) may have set its own.
        cap = _address_space_cap_mb()
        if cap is not None and cap != limits.max_memory_mb:
            raise InputError(path, f"{MEMORY_EXCEEDED}，已停止处理（内存上限 {cap:,.0f} MB）") from None
        raise exceeded(path, "max_memory_mb", limits, f"{MEMORY_EXCEEDED}，已停止处理") from None


MEMORY_EXCEEDED = "处理该文件所需内存超过上限"  # how a memory overrun's reason starts (callers test it)


def _address_space_cap_mb() -> float | None:
    try:
        import resource

        soft, _hard = resource.getrlimit(resource.RLIMIT_AS)
    except (ImportError, ValueError, OSError):
        return None
    return None if soft == resource.RLIM_INFINITY else soft / MB
