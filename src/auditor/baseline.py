"""Baselines (waivers): record the findings known today, later show only the new ones.

A finding's identity is the report's organ and year plus the rule and the location in the report
(section, table, row, column, line) — never the file path, so a renamed or re-downloaded copy of
last year's report keeps its waivers. A waiver may carry a reason (`reason`, edited by hand; kept
when the baseline is rewritten).
"""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from .errors import ConfigError

VERSION = 1
_LOCATION_KEYS = ("section", "table", "row", "column", "line")


def identity(record: dict, finding: dict) -> tuple:
    prof = record.get("profile") or {}
    loc = finding.get("location") or {}
    return (prof.get("organ") or "", prof.get("year"), finding["rule"],
            tuple((k, loc.get(k)) for k in _LOCATION_KEYS if loc.get(k) is not None))


def _waiver(key: tuple, reason: str = "") -> dict:
    organ, year, rule, loc = key
    return {"organ": organ, "year": year, "rule": rule, "location": dict(loc), "reason": reason}


def _key(w: dict) -> tuple:
    loc = w.get("location") or {}
    return (w.get("organ") or "", w.get("year"), w["rule"],
            tuple((k, loc.get(k)) for k in _LOCATION_KEYS if loc.get(k) is not None))


class Baseline:
    def __init__(self, waivers: list[dict] | None = None):
        self.waivers = waivers or []
        self.remaining = Counter(_key(w) for w in self.waivers)
        self.waived = 0

    @classmethod
    def load(cls, path: Path) -> "Baseline":
        try:
            doc = json.loads(Path(path).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"基线文件 {path} 不存在") from None
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise ConfigError(f"基线文件 {path} 无法读取：{exc}") from None
        waivers = doc.get("waivers") if isinstance(doc, dict) else None
        if not isinstance(waivers, list) or not all(isinstance(w, dict) and isinstance(w.get("rule"), str)
                                                    for w in waivers):
            raise ConfigError(f"基线文件 {path} 格式无效：应为 auditor --write-baseline 生成的文件")
        return cls(waivers)

    def filter(self, record: dict) -> dict:
        """The record with waived findings removed (each waiver covers one finding)."""
        findings = record.get("findings") or []
        kept = []
        for f in findings:
            k = identity(record, f)
            if self.remaining[k] > 0:
                self.remaining[k] -= 1
                self.waived += 1
            else:
                kept.append(f)
        if len(kept) == len(findings):
            return record
        return {**record, "findings": kept}


class BaselineWriter:
    """Collects every finding's identity; `write` keeps the reasons of an existing baseline."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.keys: list[tuple] = []

    def add(self, record: dict) -> None:
        self.keys.extend(identity(record, f) for f in record.get("findings") or [])

    def document(self) -> dict:
        reasons: dict[tuple, list[str]] = {}
        if self.path.exists():
            try:
                for w in Baseline.load(self.path).waivers:
                    if w.get("reason"):
                        reasons.setdefault(_key(w), []).append(w["reason"])
            except ConfigError:
                pass
        waivers = []
        for k in sorted(self.keys, key=lambda k: json.dumps(k, ensure_ascii=False, default=str)):
            old = reasons.get(k)
            waivers.append(_waiver(k, old.pop(0) if old else ""))
        return {"tool": "auditor", "baseline_version": VERSION, "waivers": waivers}

    def write(self) -> None:
        from .outputs import AtomicFile

        f = AtomicFile(self.path)
        f.fh.write(json.dumps(self.document(), ensure_ascii=False, indent=2) + "\n")
        f.commit()
