"""Batch workers: each report is audited in a child process with a wall-time and a memory limit.

The pool is a small hand-rolled one (one pipe per worker) rather than `ProcessPoolExecutor`, so that
the parent always knows which report a worker was busy with: a worker that dies (segfault, OOM
kill, hard hang in C code) is an input error for exactly that file, the worker is replaced and the
batch goes on. Limits are enforced twice: inside the worker (`RLIMIT_AS`, `ITIMER_REAL`) so an
ordinary overrun becomes a clean error record, and by the parent (a grace period past the time
limit, then SIGKILL) for code that never returns to the interpreter.
"""
from __future__ import annotations

import gc
import multiprocessing as mp
import os
import resource
import signal
import time
from dataclasses import dataclass
from multiprocessing.connection import wait
from pathlib import Path
from typing import Callable, Iterator

# Defaults for callers without a config; a batch takes its limits from `[limits]` (auditor/limits.py).
# Both fit every real report by a wide margin (5–40 pages, well under 1 s and 200 MB each).
DEFAULT_TIME_S = 60.0
DEFAULT_MEMORY_MB = 2048
# A batch worker's alarm fires this long after the per-file limit, which reports first.
WORKER_GRACE_S = 5.0
# The parent kills a worker this long after its own time limit should have fired.
KILL_GRACE_S = 10.0


def timeout_message(time_s: float) -> str:
    return f"审查超时（超过 {time_s:g} 秒）"


def memory_message(memory_mb: int) -> str:
    return f"内存超过上限（{memory_mb} MB）"


CRASH_MESSAGE = "审查进程意外退出（可能是文件触发了解析库的缺陷），已跳过该文件"


class TaskTimeout(BaseException):
    """Raised by the wall-time alarm. A BaseException so that no `except Exception` in parser or
    rule code can swallow it."""


@dataclass
class Guard:
    time_s: float = DEFAULT_TIME_S  # 0: no time limit (`max-seconds = 0`)
    memory_mb: int = DEFAULT_MEMORY_MB


def limit_memory(memory_mb: int) -> None:
    """Cap the address space of this process (called in the worker, never in the parent)."""
    if memory_mb <= 0:
        return
    limit = memory_mb * 1024 * 1024
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _on_alarm(_signum, _frame):
    raise TaskTimeout()


def guarded(fn: Callable[[], dict], source: str, guard: Guard) -> dict:
    """Run fn() under the wall-time alarm; a timeout or MemoryError becomes an error record."""
    signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, guard.time_s)
    try:
        return fn()
    except TaskTimeout:
        return error_record(source, timeout_message(guard.time_s))
    except MemoryError:
        return error_record(source, memory_message(guard.memory_mb))
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        gc.collect()


def error_record(source: str, reason: str, sha256: str | None = None) -> dict:
    rec = {"source": source, "error": reason, "packs": [], "profile": None, "findings": []}
    if sha256:
        rec["sha256"] = sha256
    return rec


# --- the pool -----------------------------------------------------------------------------------

def _worker_main(conn, task_fn: Callable[[str], dict], guard: Guard) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    limit_memory(guard.memory_mb)
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            return
        if msg is None:
            return
        index, path = msg
        rec = guarded(lambda: task_fn(path), path, guard)
        try:
            conn.send((index, rec))
        except MemoryError:
            conn.send((index, error_record(path, memory_message(guard.memory_mb))))


class _Worker:
    def __init__(self, ctx, task_fn, guard):
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_worker_main, args=(child, task_fn, guard), daemon=True)
        self.proc.start()
        child.close()
        self.task: tuple[int, str] | None = None
        self.started = 0.0

    def give(self, index: int, path: str) -> None:
        self.task = (index, path)
        self.started = time.monotonic()
        self.conn.send((index, path))

    def kill(self) -> None:
        try:
            self.proc.kill()
        except OSError:
            pass
        self.proc.join(5)
        self.conn.close()

    def stop(self) -> None:
        try:
            self.conn.send(None)
        except OSError:
            pass
        self.proc.join(2)
        if self.proc.is_alive():
            self.kill()
        else:
            self.conn.close()


def run_pool(tasks: list[tuple[int, str]], task_fn: Callable[[str], dict], jobs: int,
             guard: Guard | None = None) -> Iterator[tuple[int, dict]]:
    """Yield (index, record) for every task, in completion order. Workers are forked so they
    inherit the loaded plugins and rules; a dead or overdue worker is replaced."""
    guard = guard or Guard()
    ctx = mp.get_context("fork")
    pending = list(reversed(tasks))
    workers: list[_Worker] = []
    try:
        for _ in range(max(1, min(jobs, len(tasks)))):
            workers.append(_Worker(ctx, task_fn, guard))
        for w in workers:
            if pending:
                w.give(*pending.pop())
        while any(w.task for w in workers):
            busy = [w for w in workers if w.task]
            ready = wait([w.conn for w in busy] + [w.proc.sentinel for w in busy], timeout=1.0)
            now = time.monotonic()
            for i, w in enumerate(list(workers)):
                if not w.task:
                    continue
                index, path = w.task
                rec = None
                if w.conn in ready:
                    try:
                        got_index, rec = w.conn.recv()
                    except (EOFError, OSError):
                        rec = None
                    else:
                        assert got_index == index
                if rec is None and (w.proc.sentinel in ready or not w.proc.is_alive()):
                    w.proc.join(5)
                    rec = error_record(path, _death_reason(w.proc.exitcode, guard))
                    w.kill()
                    w = workers[i] = _Worker(ctx, task_fn, guard)
                elif rec is None and guard.time_s and now - w.started > guard.time_s + KILL_GRACE_S:
                    rec = error_record(path, timeout_message(guard.time_s))
                    w.kill()
                    w = workers[i] = _Worker(ctx, task_fn, guard)
                if rec is None:
                    continue
                w.task = None
                if pending:
                    w.give(*pending.pop())
                yield index, rec
    finally:
        for w in workers:
            if w.task:
                w.kill()
            else:
                w.stop()


def _death_reason(exitcode: int | None, guard: Guard) -> str:
    if exitcode is not None and exitcode < 0 and -exitcode == signal.SIGKILL:
        # The kernel's OOM killer or an external kill; on a capped address space the first is likely.
        return f"{CRASH_MESSAGE}（进程被终止，可能{memory_message(guard.memory_mb)}）"
    return CRASH_MESSAGE + (f"（退出码 {exitcode}）" if exitcode is not None else "")


def file_sha256(path: str | Path) -> str:
    import hashlib

    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1
