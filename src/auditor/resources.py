"""Locate data shipped with the package (grammars, templates, rule packs, schemas).

In a wheel, `grammars/` and `rules/` are force-included under the package. In a source checkout
they live at the repository root; we fall back to that so tests run without building.
"""
from __future__ import annotations

import hashlib
import json
import os
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


def cache_dir() -> Path | None:
    """The per-user cache directory (`AUDITOR_CACHE_DIR`, else `$XDG_CACHE_HOME/auditor`, else
    `~/.cache/auditor`), created if needed; None when it cannot be created or written, and then
    nothing is cached. Only derived data lives there: deleting it is always safe."""
    explicit = os.environ.get("AUDITOR_CACHE_DIR")
    if explicit is not None:
        if not explicit:  # AUDITOR_CACHE_DIR= (empty) turns caching off
            return None
        base = Path(explicit)
    else:
        xdg = os.environ.get("XDG_CACHE_HOME")
        base = (Path(xdg) if xdg else Path.home() / ".cache") / "auditor"
    try:
        base.mkdir(mode=0o700, parents=True, exist_ok=True)
    except (OSError, RuntimeError):  # RuntimeError: no home directory to expand
        return None
    return base if os.access(base, os.W_OK | os.X_OK) else None


def lark_cache(name: str, grammar: str, options: dict) -> str | bool:
    """The `cache=` argument for Lark: a file in the per-user cache dir named after the grammar's
    content (Lark also checks a digest inside the file, and rebuilds silently when the file is
    missing, stale or unreadable), or False when there is no usable cache dir."""
    base = cache_dir()
    if base is None:
        return False
    import lark

    key = "\0".join([grammar, repr(sorted((k, str(v)) for k, v in options.items())), lark.__version__,
                      sys.version.split()[0]])
    return str(base / f"{name}-{hashlib.sha256(key.encode('utf-8')).hexdigest()[:24]}.lark")
