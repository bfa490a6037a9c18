import sys
from pathlib import Path

import pytest

try:  # fuzzing profiles (tests/test_fuzz.py): a short one by default, `--hypothesis-profile=long`
    from hypothesis import settings as _hyp_settings

    import os as _os

    _hyp_settings.register_profile("default", max_examples=25, deadline=None)
    _hyp_settings.register_profile(
        "long", max_examples=int(_os.environ.get("AUDITOR_FUZZ_EXAMPLES", "20000")), deadline=None)
    _hyp_settings.load_profile("default")
except ImportError:  # hypothesis is in the [test] extra
    pass

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # for tools/ (fixture and variant generators)

SEEDS = sorted((ROOT / "sample_reports").glob("*.txt"))


@pytest.fixture(scope="session")
def rules():
    from auditor.plugins import load_plugins

    loaded = load_plugins()
    assert not loaded.errors, loaded.errors
    return loaded.rules


# The regional plugins shipped in plugins/ (installed by the README's test command).
REGIONAL_PLUGINS = {"ningxia": "auditor-ningxia", "gansu": "auditor-gansu"}


@pytest.fixture(scope="session")
def regional(rules):
    """The full rule set with the regional plugins; skips (fails on CI) when they are not installed."""
    import os

    packs = {r.pack for r in rules}
    missing = [dist for pack, dist in REGIONAL_PLUGINS.items() if pack not in packs]
    if missing:
        msg = f"regional plugins not installed: {', '.join(missing)} (pip install ./plugins/...)"
        if os.environ.get("CI"):
            pytest.fail(msg)
        pytest.skip(msg)
    return rules


@pytest.fixture(scope="module")
def loaded_plugins():
    """The installed plugins (national pack and the regional plugins), as `auditor check` loads them."""
    from auditor.plugins import default_plugins

    return default_plugins()


@pytest.fixture(scope="module")  # (per module: a test module may not see another's report objects)
def parsed_samples(loaded_plugins):
    """The sample reports, parsed."""
    from auditor.api import parse_file

    return [parse_file(p, loaded_plugins) for p in SEEDS]


@pytest.fixture(scope="session")
def national_rules(rules):
    return [r for r in rules if r.pack == "national"]


@pytest.fixture(scope="session")
def audit_case(national_rules, tmp_path_factory):
    """Audit a seed ("seed:000") or a named faulty variant with the national pack, cached per session."""
    from auditor.api import parse_file
    from auditor.config import Config
    from auditor.engine.run import audit
    from tools.variants import case_path

    outdir = tmp_path_factory.mktemp("variants")
    cache = {}

    def run(case):
        if case not in cache:
            report = parse_file(case_path(case, outdir))
            cache[case] = (report, *audit(report, national_rules, Config()))
        return cache[case]

    return run


def seed_id(path: Path) -> str:
    return path.name[:3]
