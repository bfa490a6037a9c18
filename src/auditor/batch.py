"""Audit many files: expand folders, read each report, run the rules, keep going on bad input."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .config import Config
from .errors import InputError
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


def expand(paths: list[str]) -> tuple[list[Path], list[AuditResult]]:
    """Files to audit (folders recursively, supported extensions only) and errors for bad paths."""
    files: list[Path] = []
    errors: list[AuditResult] = []
    for p in map(Path, paths):
        if p.is_dir():
            found = sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SUPPORTED
                           and not f.name.startswith((".", "~$")))
            if not found:
                errors.append(AuditResult(str(p), error="目录中没有可审查的报告文件（.txt .docx .html .htm .pdf）"))
            files.extend(found)
        elif p.exists() or p.is_symlink():  # a dangling or looping link: the reader says which
            files.append(p)
        else:
            errors.append(AuditResult(str(p), error="文件不存在"))
    return files, errors


def audit_file(path: Path, rules: list, cfg: Config, plugins=None) -> AuditResult:
    from .api import parse_file
    from .engine.run import audit, packs_applied
    from .limits import guarded

    try:
        with guarded(path, cfg.limits):  # wall time per file; MemoryError → input error
            report = parse_file(path, plugins, region=cfg.region, limits=cfg.limits)
            findings, skipped = audit(report, rules, cfg)
    except InputError as exc:
        return AuditResult(str(path), error=exc.reason)
    except Exception as exc:  # a parser defect must not end the batch; say so plainly
        return AuditResult(str(path), error=f"解析时发生内部错误（{type(exc).__name__}: {exc}），请报告此问题")
    for f in findings:
        if f.location.get("line") and "ref" not in f.location:
            f.location["ref"] = report.ref(f.location["line"])
    return AuditResult(str(path), report, findings, skipped, packs=packs_applied(report, rules, cfg))
