"""Write src/auditor/engine/builtin_packs.json: the built-in rule packs, validated, with the digests
of their TOML sources (see auditor/engine/packcache.py). Run after editing rules/national/*.toml;
tests/test_speed.py fails while the file is stale. `--check` only reports whether it is current.

Usage: python tools/pack_cache.py [--check]
"""
from __future__ import annotations

import sys

from auditor.engine import packcache


def main() -> int:
    text = packcache.dumps(packcache.build())
    current = packcache.MANIFEST.read_text(encoding="utf-8") if packcache.MANIFEST.exists() else None
    if "--check" in sys.argv[1:]:
        print("up to date" if current == text else f"stale: run python tools/pack_cache.py")
        return 0 if current == text else 1
    if current != text:
        tmp = packcache.MANIFEST.with_suffix(".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(packcache.MANIFEST)
    print(f"{packcache.MANIFEST}: {len(packcache.build()['packs'])} packs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
