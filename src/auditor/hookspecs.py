"""Plugin hooks. A plugin is a module registered under the `auditor` entry-point group.

The built-in national pack is registered through these same hooks (entry point `national`).
"""
from __future__ import annotations

import pluggy

hookspec = pluggy.HookspecMarker("auditor")
hookimpl = pluggy.HookimplMarker("auditor")


class AuditorSpec:
    @hookspec
    def auditor_rule_packs(self):
        """Return a list of paths to TOML rule packs (validated by rulepack.schema.json).

        Python rules are referenced from the TOML by `impl = "module:function"`.
        """

    @hookspec(firstresult=True)
    def auditor_detect_region(self, report):
        """Return a region (province) code such as "ningxia" for the report, or None.

        The first non-None answer wins; the core answers last from its gazetteer.
        """
