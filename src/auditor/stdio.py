"""Keep stdout for the tool's own output: stray prints from plugin code go to stderr.

`auditor check --format json` writes one JSON document to stdout; a plugin whose import, hook or
rule calls print() would otherwise corrupt it. Plugin code runs inside `plugin_prints_to_stderr()`.
"""
from __future__ import annotations

import contextlib
import sys


def plugin_prints_to_stderr() -> contextlib.redirect_stdout:
    """A context in which prints go to stderr. Python-level prints only (sys.stdout); nested use is
    harmless. (The redirect itself, not a generator context around it: every plugin hook call
    enters one.)"""
    return contextlib.redirect_stdout(sys.stderr)
