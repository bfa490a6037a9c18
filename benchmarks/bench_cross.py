"""Benchmark: what cross-report checks add to a batch audit.

Generates N varied reports (default 2,000: N/4 organs × 4 years, from sample report 002 through
tools/series.py — different organ names, table figures, 第五部分 texts and sentence mixes, with
planted copies (every 23rd organ's 2023 第五部分 = its 2022 one) and broken chains (every 37th)), audits each one as `auditor check` does (parse + the
per-report rules), then runs `auditor.crossreport.run` over the whole batch, and prints both times
and the ratio (target: cross-report ≤ 20% of the per-report time). It also times the cross-report
step on 1/4 and 1/2 of the batch to show its growth (linear: organ series are looked up by key,
copy candidates come from a capped, sampled shingle index — no all-pairs comparison of texts).

Usage: python benchmarks/bench_cross.py [--reports N] [--keep DIR]
"""
from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CHARS = "安宁平和兴隆新华丰泰康乐永福广德东西南北中山河湖川岭原泉林石沟湾桥堡庄集台坪园"
SENTENCES = [
    "加强政府网站和政务新媒体内容管理，坚持每日巡查，确保信息发布准确。",
    "组织开展政务公开专题培训{n}次，参训人员{m}人次。",
    "围绕乡村振兴、社会救助等重点领域，及时公开政策文件和办理结果。",
    "规范依申请公开受理、登记、办理、答复流程，做到按时答复。",
    "更新政府信息公开指南和目录，方便群众查阅。",
    "在政务服务大厅设置政务公开专区，配备查阅设备{n}台。",
    "开展政府开放日活动{n}场，邀请群众代表{m}人参加。",
    "落实政策解读与文件同步起草、同步审签、同步发布制度。",
    "做好村务公开试点工作，公开村务信息{m}条。",
    "对照公开标准目录梳理公开事项{m}项，逐项明确公开时限。",
]


def organ_name(rng: random.Random, i: int) -> str:
    county = "".join(rng.sample(CHARS, 2)) + "县"
    town = "".join(rng.sample(CHARS, 2)) + rng.choice(["镇", "乡"])
    return f"{county}{town}人民政府"


def generate(n: int, outdir: Path, seed: int = 7) -> list[Path]:
    from tools import series as S

    rng = random.Random(seed)
    organs = []
    seen = set()
    while len(organs) < max(1, n // 4):
        name = organ_name(rng, len(organs))
        if name not in seen:
            seen.add(name)
            organs.append(name)
    paths = []
    for k, organ in enumerate(organs):
        carried = 0
        stock = rng.randint(5, 40)
        for year in (2021, 2022, 2023, 2024):
            if len(paths) >= n:
                break
            new = rng.randint(4, 30)
            fwd = rng.randint(0, 2)
            issued, repealed = rng.randint(0, 6), rng.randint(0, 3)
            stock = max(stock + issued - repealed, 0)
            if k % 37 == 0 and year == 2023:
                carried += 1  # a broken chain now and then
            planted = k % 23 == 0 and year == 2023  # 第五部分 copied from 2022's report
            own = random.Random(f"{k}-{2022 if planted else year}")
            plans = "".join(s.format(n=own.randint(1, 9), m=own.randint(10, 500)) for s in own.sample(SENTENCES, 5))
            text = S._report(min(year, 2023), organ, new=new, carried=carried, carried_forward=fwd,
                             normative=(issued, repealed, stock), problems_extra=plans,
                             problems_year=2021 + (k + (2022 if planted else year)) % 3)
            mix = "".join(s.format(n=rng.randint(1, 9), m=rng.randint(10, 500))
                          for s in rng.sample(SENTENCES, 4))
            text = text.replace("(五)监督保障方面。", f"(五)监督保障方面。{mix}", 1)
            text = text.replace(f"{min(year, 2023)} 年政府信息公开工作年度报告", f"{year} 年政府信息公开工作年度报告", 1)
            p = outdir / f"{k:04d}_{year}.txt"
            p.write_text(text, encoding="utf-8")
            paths.append(p)
            carried = fwd
    return paths


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reports", type=int, default=2000)
    ap.add_argument("--keep", type=Path, default=None)
    args = ap.parse_args()

    from auditor import batch, crossreport
    from auditor.config import Config, resolve
    from auditor.plugins import load_plugins

    loaded = load_plugins()
    cfg = Config()
    rules = resolve(loaded.rules, cfg)
    with tempfile.TemporaryDirectory() as tmp:
        outdir = args.keep or Path(tmp)
        outdir.mkdir(parents=True, exist_ok=True)
        t = time.perf_counter()
        files = generate(args.reports, outdir)
        print(f"generated {len(files)} reports in {time.perf_counter() - t:.1f} s")
        batch.audit_file(files[0], rules, cfg, loaded)  # build the grammars once, as a batch run does
        t = time.perf_counter()
        results = [batch.audit_file(f, rules, cfg, loaded) for f in files]
        per_report = time.perf_counter() - t
        errors = sum(1 for r in results if r.error)
        timings = {}
        for part in (len(results) // 4, len(results) // 2, len(results)):
            t = time.perf_counter()
            out = crossreport.run(results[:part], rules, cfg)
            timings[part] = time.perf_counter() - t
        findings = {}
        for items in out.values():
            for o in items:
                if hasattr(o, "severity"):
                    findings[o.rule] = findings.get(o.rule, 0) + 1
    cross = timings[len(results)]
    print(f"per-report audit (parse + rules): {per_report:.1f} s for {len(results)} reports"
          f" ({per_report / len(results) * 1000:.1f} ms each; {errors} unreadable)")
    for part, secs in timings.items():
        print(f"cross-report checks on {part:>5} reports: {secs:.2f} s")
    print(f"cross-report / per-report time: {cross / per_report:.1%} (target ≤ 20%)")
    print("cross-report findings:", ", ".join(f"{k} {v}" for k, v in sorted(findings.items())))


if __name__ == "__main__":
    main()
