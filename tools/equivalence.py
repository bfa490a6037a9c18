"""Behaviour digest for refactoring: does a change keep every parse and every verdict the same?

A speed change must not change what the audit says. This runs the full audit (the path
`auditor check` takes) over a fixed, seeded corpus — the sample reports, their tab/Markdown/typo
layouts, every faulty variant, and random line-level mutations of the samples (deleted, doubled,
swapped and truncated lines, digits changed, separators changed) — and records, per case, the
report model (tables, parse notes, narrative, sections, region) and the findings and
not-assessable checks. `compare` reruns it and lists the cases whose digest changed.

    python -m tools.equivalence record BASE.json     # on the commit before the change
    python -m tools.equivalence compare BASE.json    # after it: 0 differ, or which and where
"""
from __future__ import annotations

import hashlib
import json
import random
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MUTATIONS_PER_SEED = 200


def _mutate(text: str, rng: random.Random) -> str:
    lines = text.split("\n")
    for _ in range(rng.randint(1, 4)):
        i = rng.randrange(len(lines))
        op = rng.randrange(7)
        if op == 0:
            del lines[i]
        elif op == 1:
            lines.insert(i, lines[i])
        elif op == 2:
            j = rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == 3:
            lines[i] = lines[i][: rng.randrange(len(lines[i]) + 1)]
        elif op == 4:  # change a digit
            digits = [k for k, ch in enumerate(lines[i]) if ch.isdigit()]
            if digits:
                k = rng.choice(digits)
                lines[i] = lines[i][:k] + str(rng.randrange(10)) + lines[i][k + 1:]
        elif op == 5:
            lines[i] = lines[i].replace(" ", "\t") if rng.random() < 0.5 else lines[i].replace("\t", "  ")
        else:
            lines[i] = lines[i].replace(" ", "", rng.randrange(3))
    return "\n".join(lines)


def cases() -> dict[str, str]:
    """case name → report text; deterministic."""
    from auditor.api import parse_file
    from tools.layouts import markdown_text, tab_text, typo_text
    from tools.variants import SEED_FILES, VARIANTS, variant_text

    out = {}
    for name, path in SEED_FILES.items():
        text = path.read_text(encoding="utf-8")
        out[f"seed:{name}"] = text
        report = parse_file(path)
        out[f"tab:{name}"] = tab_text(report)
        out[f"md:{name}"] = markdown_text(report)
        out[f"typo:{name}"] = typo_text(text)
        rng = random.Random(f"equivalence-{name}")
        for k in range(MUTATIONS_PER_SEED):
            base = rng.choice([out[f"seed:{name}"], out[f"tab:{name}"], out[f"md:{name}"]])
            out[f"mut:{name}:{k}"] = _mutate(base, rng)
    for name in VARIANTS:
        out[f"variant:{name}"] = variant_text(name)
    return out


def digest_all() -> dict[str, dict]:
    from auditor.batch import audit_file
    from auditor.config import Config, resolve
    from auditor.plugins import load_plugins

    loaded = load_plugins()
    cfg = Config()
    rules = resolve(loaded.rules, cfg)
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, text in cases().items():
            path = Path(tmp) / "report.txt"  # one name: the source path must not differ by case
            path.write_text(text, encoding="utf-8")
            res = audit_file(path, rules, cfg, loaded)
            parts = {"error": res.error, "packs": res.packs, "packs_skipped": res.packs_skipped,
                     "findings": sorted((f.to_dict() for f in res.findings), key=_canonical),
                     "skipped": sorted((s.to_dict() for s in res.skipped), key=_canonical)}
            if res.report is not None:
                model = res.report.to_dict()
                for key in ("tables", "parse_notes", "narrative", "sections", "region", "year",
                            "template", "title", "organ"):
                    parts[key] = model.get(key)
            out[name] = {k: hashlib.sha256(_canonical(v).encode()).hexdigest()[:16] for k, v in parts.items()}
    return out


def _canonical(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in ("record", "compare"):
        print(__doc__)
        return 2
    mode, file = argv
    now = digest_all()
    if mode == "record":
        Path(file).write_text(json.dumps(now, indent=0, sort_keys=True), encoding="utf-8")
        print(f"recorded {len(now)} cases → {file}")
        return 0
    base = json.loads(Path(file).read_text(encoding="utf-8"))
    differ = {name: sorted(k for k in set(d) | set(base.get(name, {})) if d.get(k) != base.get(name, {}).get(k))
              for name, d in now.items() if d != base.get(name)}
    missing = sorted(set(base) - set(now))
    for name, keys in sorted(differ.items()):
        print(f"DIFFER {name}: {', '.join(keys)}")
    print(f"{len(now)} cases, {len(differ)} differ, {len(missing)} missing")
    return 1 if differ or missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
