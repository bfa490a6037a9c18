"""auditor plugin: the Gansu rule pack and Gansu region detection."""
from __future__ import annotations

from pathlib import Path

from auditor.plugin import Gazetteer, hookimpl, read_toml_file

HERE = Path(__file__).parent
__version__ = "0.1.0"
REGION = read_toml_file(HERE / "region.toml")
_GAZETTEER = Gazetteer.from_table("gansu", REGION)


@hookimpl
def auditor_rule_packs():
    return [HERE / "rules.toml"]


@hookimpl
def auditor_detect_region(report):
    return _GAZETTEER.evidence(report)
