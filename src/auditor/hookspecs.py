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

    @hookspec
    def auditor_batch_rules(self):
        """Return a list of paths to TOML rule packs of cross-report rules (same schema as
        `auditor_rule_packs`; every rule's category must be `cross-report`).

        They run once per batch (`auditor.crossreport.run`), not once per report: `impl =
        "module:function"` names a function `(batch, ctx)` that yields `(source, outcome)` pairs,
        built with `ctx.fail(doc, …, related=[doc.related(…)])` and `ctx.skip(doc, reason)`.
        Config select/ignore/severity and `auditor rules`/`explain` treat them like any rule.
        """

    @hookspec
    def auditor_detect_region(self, report):
        """Return evidence that the report belongs to a province: an `auditor.regions.RegionEvidence`
        (or a list of them), or None.

        Every plugin answers; the strongest evidence wins (the organ's name over document
        citations over mere mentions), and a tie between provinces leaves the region undetermined.
        `auditor.regions.Gazetteer` does the usual matching from a table of names.
        """

    @hookspec
    def auditor_claims_grammar(self):
        """Return a fragment for grammars/claims.lark, or None: `%extend` lines that add local
        wording to the terminals that classify numbers in the narrative, e.g.

            %extend RECEIVED: /登记在册/

        A fragment that does not combine with the grammar is reported by plugin name and ignored.
        """
