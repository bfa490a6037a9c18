"""Time and peak memory of `auditor check` on each hostile case (tests/hostile/generate.py).

    python benchmarks/hostile.py

One subprocess per case, limited to 500 MB of address space like the hostile tests; prints wall
seconds, peak RSS (MB) and exit code.
"""
from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.hostile.generate import CASES  # noqa: E402

LIMIT = 500 * 1024 * 1024


def _limit() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (LIMIT, LIMIT))


def main() -> None:
    print(f"{'case':<24}{'seconds':>8}{'peak MB':>9}{'exit':>6}")
    for case in CASES:
        with tempfile.TemporaryDirectory() as d:
            bad = case.make(Path(d))
            t0 = time.perf_counter()
            proc = subprocess.Popen([sys.executable, "-m", "auditor.cli", "check", str(bad)],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, preexec_fn=_limit)
            _pid, status, usage = os.wait4(proc.pid, 0)
            secs = time.perf_counter() - t0
            print(f"{case.name:<24}{secs:>8.2f}{usage.ru_maxrss / 1024:>9.0f}{os.waitstatus_to_exitcode(status):>6}")


if __name__ == "__main__":
    main()
