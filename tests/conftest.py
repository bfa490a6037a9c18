import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # for tools/ (fixture and variant generators)

SEEDS = sorted((ROOT / "sample_reports").glob("*.txt"))


@pytest.fixture(scope="session")
def rules():
    from auditor.plugins import load_plugins

    loaded = load_plugins()
    assert not loaded.errors, loaded.errors
    return loaded.rules


@pytest.fixture(scope="session")
def audit_case(rules, tmp_path_factory):
    """Audit a seed ("seed:000") or a named faulty variant, cached per session."""
    from auditor.api import parse_file
    from auditor.config import Config
    from auditor.engine.run import audit
    from tools.variants import case_path

    outdir = tmp_path_factory.mktemp("variants")
    cache = {}

    def run(case):
        if case not in cache:
            report = parse_file(case_path(case, outdir))
            cache[case] = (report, *audit(report, rules, Config()))
        return cache[case]

    return run


def seed_id(path: Path) -> str:
    return path.name[:3]
