"""Keep stdout for the tool's own output: stray prints from plugin code go to stderr.

`auditor check --format json` writes one JSON document to stdout; a plugin whose import, hook or
rule calls print() would otherwise corrupt it. Plugin code runs inside `plugin_prints_to_stderr()`.
"""
from __future__ import annotations

import contextlib
import sys
from typing import Iterator


@contextlib.contextmanager
def plugin_prints_to_stderr() -> Iterator[None]:
    # Python-level prints only (sys.stdout); nested use is harmless.
    with contextlib.redirect_stdout(sys.stderr):
        yield
