"""Locate data shipped with the package (grammars, templates, rule packs, schemas).

In a wheel, `grammars/` and `rules/` are force-included under the package. In a source checkout
they live at the repository root; we fall back to that so tests run without building.
"""
from __future__ import annotations

import json
import sys
from functools import lru_cache
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

_PKG = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """Directory `name` ("grammars" or "rules") inside the package, or at the repo root."""
    inside = _PKG / name
    if inside.is_dir():
        return inside
    repo = _PKG.parents[1] / name
    if repo.is_dir():
        return repo
    raise FileNotFoundError(f"auditor data directory '{name}' is missing from the installation")


def grammar_text(name: str) -> str:
    return (data_dir("grammars") / name).read_text(encoding="utf-8")


@lru_cache(maxsize=None)
def load_toml(relpath: str) -> dict:
    with open(data_dir("rules") / relpath, "rb") as fh:
        return tomllib.load(fh)


def data_file(relpath: str) -> str:
    """A text data file shipped under rules/ (e.g. "divisions.csv")."""
    return (data_dir("rules") / relpath).read_text(encoding="utf-8")


@lru_cache(maxsize=None)
def schema(name: str) -> dict:
    return json.loads((_PKG / "schemas" / name).read_text(encoding="utf-8"))


def read_toml_file(path: Path) -> dict:
    with open(path, "rb") as fh:
        return tomllib.load(fh)
