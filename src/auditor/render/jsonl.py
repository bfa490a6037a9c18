"""JSONL output: one report record per line, written as each report finishes.

The streaming form of a batch: every line is complete and flushed before the next report, so a
killed batch leaves a valid file of everything finished; `--resume` reads it back (`read_records`)
and matches reports by the sha256 of their file bytes.
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

# Marks a line as written by this tool (and lets a reader skip anything else).
MARKER = "auditor-record"


def dumps_record(record: dict) -> str:
    return json.dumps({"kind": MARKER, **record}, ensure_ascii=False, separators=(",", ":"))


class JsonlWriter:
    def __init__(self, path: Path | None, append: bool = False, stream=None):
        if path is None:
            self.fh, self.own = (stream or sys.stdout), False
        else:
            self.fh, self.own = open(path, "a" if append else "w", encoding="utf-8"), True

    def write(self, record: dict) -> None:
        self.fh.write(dumps_record(record) + "\n")
        self.fh.flush()

    def close(self) -> None:
        if self.own:
            self.fh.flush()
            os.fsync(self.fh.fileno())
            self.fh.close()
        else:
            self.fh.flush()


def scan(path: Path) -> tuple[list[tuple[str, str, int, int]], int]:
    """Index of a (possibly partial) JSONL file: (sha256, source, offset, length) per complete
    record, and the byte length of the valid prefix (a torn last line from a killed run, or any
    line that is not a record of this tool, ends it)."""
    index = []
    valid = 0
    with open(path, "rb") as fh:
        offset = 0
        for line in fh:
            if not line.endswith(b"\n"):
                break
            try:
                rec = json.loads(line)
            except ValueError:
                break
            if not isinstance(rec, dict) or rec.get("kind") != MARKER or not isinstance(rec.get("source"), str):
                break
            if rec.get("sha256"):
                index.append((rec["sha256"], rec["source"], offset, len(line)))
            offset += len(line)
            valid = offset
    return index, valid


def read_at(path: Path, offset: int, length: int) -> dict:
    with open(path, "rb") as fh:
        fh.seek(offset)
        rec = json.loads(fh.read(length))
    rec.pop("kind", None)
    return rec


def read_records(path: Path):
    """Every record of a JSONL output, in file order."""
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            try:
                rec = json.loads(line)
            except ValueError:
                return
            if isinstance(rec, dict) and rec.pop("kind", None) == MARKER:
                yield rec
