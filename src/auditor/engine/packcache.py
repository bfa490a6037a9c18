"""The built-in rule packs in a validated form, so that a run need not validate them again.

`builtin_packs.json` (next to this module) holds, for every TOML pack under `rules/`, the SHA-256
of its bytes and its content as validated against rulepack.schema.json, plus the digest of that
schema. It is written by `python tools/pack_cache.py` and checked by tests/test_speed.py (every
built-in pack present, digests and content equal to the TOML sources). At run time a pack is taken
from it only when the file lies under the package's `rules/` and its bytes hash to the recorded
digest under the same schema; any other pack — a third party's, or a built-in pack edited since —
is parsed and validated as before. Nothing is written into the package at run time.

A third party's pack (a regional plugin's) is validated the first time its exact bytes are seen;
its validated content is then kept in the per-user cache (auditor.usercache, keyed by the digests
of the schema and the pack's bytes), so later runs need neither jsonschema (about 0.04 s to
import) nor the validation. An unusable cache dir or file just means validating again.
"""
from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path

from ..resources import _PKG, data_dir

MANIFEST = Path(__file__).with_name("builtin_packs.json")
SCHEMA = _PKG / "schemas" / "rulepack.schema.json"


def digest(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def builtin_name(path: Path) -> str | None:
    """The pack's path relative to the package's `rules/` ("national/tables.toml"), or None when it
    is not a built-in pack."""
    try:
        return Path(path).resolve().relative_to(data_dir("rules").resolve()).as_posix()
    except (ValueError, OSError, FileNotFoundError):
        return None


def validated(path: Path, raw: bytes) -> dict | None:
    """The validated content of built-in pack `path` whose bytes are `raw`, or None when it must be
    parsed and validated (not built-in, changed since the manifest was written, or no manifest)."""
    name = builtin_name(path)
    if name is None:
        return None
    try:
        manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
        if manifest.get("schema") != digest(SCHEMA.read_bytes()):
            return None
        entry = manifest["packs"].get(name)
    except (OSError, ValueError, KeyError, AttributeError):
        return None
    if not isinstance(entry, dict) or entry.get("sha256") != digest(raw):
        return None
    return entry.get("data")


@lru_cache(maxsize=1)
def _schema_digest() -> str:
    return digest(SCHEMA.read_bytes())


def _user_key(raw: bytes) -> str:
    from .. import usercache

    return usercache.digest(_schema_digest(), raw)


def user_validated(raw: bytes) -> dict | None:
    """The content of a pack with these bytes validated by an earlier run, or None."""
    from .. import usercache

    data = usercache.load("pack", _user_key(raw))
    return data if isinstance(data, dict) else None


def remember_validated(raw: bytes, data: dict) -> None:
    """Keep a third party's validated pack for later runs (content that JSON does not carry
    unchanged, such as TOML dates, is not kept)."""
    from .. import usercache

    usercache.store("pack", _user_key(raw), data)


def builtin_pack_files() -> list[Path]:
    """The packs the built-in national plugin registers."""
    from ..packs import national

    return [Path(p) for p in national.auditor_rule_packs()]


def build() -> dict:
    """The manifest for the current sources (raises ConfigError if a built-in pack is invalid)."""
    from .rules import parse_and_validate

    packs = {}
    for path in builtin_pack_files():
        raw = path.read_bytes()
        data = parse_and_validate(path, raw)
        packs[builtin_name(path)] = {"sha256": digest(raw), "data": data}
    return {"schema": digest(SCHEMA.read_bytes()), "packs": packs}


def dumps(manifest: dict) -> str:
    return json.dumps(manifest, ensure_ascii=False, sort_keys=True, indent=1) + "\n"
