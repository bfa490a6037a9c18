"""Built-in rule packs (registered through the `auditor` entry-point group like any plugin)."""
