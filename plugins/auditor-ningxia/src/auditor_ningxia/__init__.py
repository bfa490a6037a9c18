"""auditor plugin: the Ningxia rule pack and Ningxia region detection."""
from __future__ import annotations

from pathlib import Path

from auditor.plugin import Gazetteer, hookimpl, read_toml_file

HERE = Path(__file__).parent
__version__ = "0.1.0"
_GAZETTEER = Gazetteer.from_table("ningxia", read_toml_file(HERE / "region.toml"))


@hookimpl
def auditor_rule_packs():
    return [HERE / "rules.toml"]


@hookimpl
def auditor_detect_region(report):
    return _GAZETTEER.evidence(report)
