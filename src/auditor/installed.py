"""What is installed, as importlib.metadata reports it, kept in the per-user cache between runs.

A cold start needs the `auditor` entry points (the plugins) and Lark's version (a key of the
parse-table cache, parse/lalr.py). importlib.metadata reads every installed distribution's
metadata for them, and importing it brings in the email package: about a tenth of the start of
`auditor check ONE_REPORT`. So the answers are kept (auditor.usercache), keyed by what
importlib.metadata finds distributions in: every metadata directory (*.dist-info, *.egg-info) of
every sys.path entry, with the size and modification time of its entry_points.txt. Installing,
upgrading or removing a distribution, or editing its entry points, changes the key; a zip file
on sys.path is keyed by its own size and time. With no usable cache dir, importlib.metadata
answers every run, as before.
"""
from __future__ import annotations

import os
import sys

FORMAT = "1"  # bump when the stored data changes shape
_METADATA_DIRS = (".dist-info", ".egg-info")


def _installed_state() -> list[list]:
    """Each sys.path entry's metadata directories with the state of their entry_points.txt."""
    state: list[list] = []
    for entry in sys.path:
        root = entry or "."
        try:
            names = sorted(n for n in os.listdir(root) if n.lower().endswith(_METADATA_DIRS))
        except OSError:  # a zip file (or a missing entry): its own state
            try:
                st = os.stat(root)
                state.append([entry, st.st_size, st.st_mtime_ns])
            except OSError:
                state.append([entry])
            continue
        state.append([entry])
        for name in names:
            try:
                st = os.stat(os.path.join(root, name, "entry_points.txt"))
                state.append([entry, name, st.st_size, st.st_mtime_ns])
            except OSError:
                state.append([entry, name])
    return state


def _from_metadata() -> dict:
    from importlib.metadata import PackageNotFoundError, entry_points, version

    try:
        lark = version("lark")
    except PackageNotFoundError:  # lark vendored without metadata: not kept (lalr asks lark)
        lark = None
    plugins = []
    for ep in entry_points(group="auditor"):
        dist = getattr(ep, "dist", None)
        plugins.append([ep.name, ep.value, dist.metadata["Name"] if dist is not None else "",
                        dist.version if dist is not None else ""])
    return {"auditor": plugins, "lark": lark}


def _snapshot() -> dict:
    from . import usercache

    global _LAST
    key = usercache.digest(FORMAT, repr(_installed_state()))
    if _LAST is None or _LAST[0] != key:
        _LAST = key, usercache.cached("installed", key, _from_metadata)
    return _LAST[1]


_LAST: tuple[str, dict] | None = None  # the last key and its answers (a cold start asks twice)


class Distribution:
    """What the plugin loader asks of an entry point's distribution (as importlib.metadata's)."""
    __slots__ = ("version", "metadata")

    def __init__(self, name: str, version: str):
        self.version, self.metadata = version, {"Name": name}


class EntryPoint:
    """An `auditor` entry point: its name, distribution and `load()`, as importlib.metadata's."""
    __slots__ = ("name", "value", "dist")

    def __init__(self, name: str, value: str, dist: Distribution | None):
        self.name, self.value, self.dist = name, value, dist

    def load(self):
        """The object the entry point names ("package.module" or "package.module:attr")."""
        import pkgutil

        if "[" in self.value:  # extras: importlib.metadata's own reading
            from importlib.metadata import EntryPoint as Reference

            return Reference(self.name, self.value, "auditor").load()
        return pkgutil.resolve_name(self.value.replace(" ", ""))


def entry_points(group: str) -> list:
    """The entry points of `group` (only "auditor" is kept; other groups ask importlib.metadata)."""
    if group != "auditor":
        from importlib.metadata import entry_points as reference

        return list(reference(group=group))
    return [EntryPoint(name, value, Distribution(dist, version) if dist or version else None)
            for name, value, dist, version in _snapshot()["auditor"]]


def lark_version() -> str | None:
    """The installed Lark's version (None when its metadata is missing)."""
    return _snapshot()["lark"]
