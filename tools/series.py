"""Report sets for the cross-report rules, built from sample report 002 (2021 national format).

- A three-year series of one organ (2021–2023), consistent: the 表三 chain 结转下年度(N−1) =
  上年结转(N) holds, the 表二 stock chain holds, no 表四 case is left pending, and each year's
  第五部分 is written afresh.
- The same series with planted faults: 2021's 结转下年度 changed (chain breaks in 2022), 2022 leaves
  a 行政复议 case pending that 2023 never shows, 2023's 现行有效件数 jumps, and 2023's 第五部分 is
  2022's copied.
- A county set: the district government's report (stating "全区共收到政府信息公开申请N件") and 4
  township reports, the 4th copied from the 3rd with the organ name left unchanged in the body.

CROSS_CASES are the rule cases (data, as tools/variants.py's RULE_CASES for per-report rules):
which rules must fire on which report of a set, and which must be assessed and stay silent.

    python -m tools.series OUTDIR      # writes every set under OUTDIR/<set>/
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "sample_reports" / "002_0a0f92715d043311.txt"
SEED_ORGAN = "红寺堡区人民政府办公室"

# Lines of the seed the sets rewrite (each must occur exactly once).
T2_NORMATIVE = "行政规范性文件\t3\t11\t14"
T3_NEW = "一、本年新收政府信息公开申请数量\t\t\t5\t0\t0\t0\t0\t0\t5"
T3_CARRIED = "二、上年结转政府信息公开申请数量\t\t\t\t0\t0\t0\t0\t0\t0"
T3_NOTPROC_1 = "1. 信访举报投诉类申请\t1\t0\t0\t0\t0\t0\t1"
T3_TOTAL = "(七)总计\t\t5\t0\t0\t0\t0\t0\t5"
T3_CARRY_FWD = "四、结转下年度继续办理\t\t\t0\t0\t0\t0\t0\t0\t0"
T4_ROW = "0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0"
RECEIVED = "全年受理政府信息公开申请5件"

# 第五部分, one text per year: what each year's report says about its problems and plans.
PROBLEMS = {
    2021: ("{Y}年，{O}政府信息公开工作仍有不足：一是基层政务公开标准目录还未完全覆盖，部分村级事项公开不及时；"
           "二是依申请公开答复文书格式不够统一，个别答复说理不充分；三是政策解读以文字稿为主，图解和视频较少。",
           "{N}年，{O}将重点推进标准目录向村级延伸，统一依申请公开答复模板并组织案例评查，"
           "每季度至少制作两期图解或短视频解读。"),
    2022: ("{Y}年，{O}政府信息公开工作虽然取得了一定成效，但仍存在一些问题和不足，主要表现为：一是政务公开工作人员流动性大，"
           "业务能力有待加强；二是政策解读形式不够多元化，解读形式有待创新；三是信息发布审核程序还需优化。",
           "{N}年，{O}将从以下三个方面进行改进：一是不定期举办跟班学习培训，对业务薄弱的政务公开工作人员加强培训；"
           "二是探索重要政策多元解读，加大视频解读力度；三是坚持先审后发、不审不发原则，第一时间消除错发漏发。"),
    2023: ("{Y}年，{O}在政府信息公开工作中发现：政务新媒体账号较多而更新频率不一，部分栏目长期未更新；"
           "重大决策预公开征求意见的反馈情况公开不够；乡镇一级的政务公开专区使用率不高。",
           "{N}年，{O}计划清理合并更新不及时的政务新媒体账号，建立意见采纳情况反馈公开制度，"
           "并在政务公开专区开展每月一次的政策咨询日活动。"),
}
SEED_PROBLEMS = ("2022年,红寺堡区人民政府办公室政府信息公开工作虽然取得了一定成效",
                 "2023 年,红寺堡区人民政府办公室将从以下三个方面进行改进")


def _seed() -> str:
    return SEED.read_text(encoding="utf-8")


def _replace(text: str, old: str, new: str) -> str:
    if text.count(old) != 1:
        raise ValueError(f"series: the text to replace occurs {text.count(old)} times: {old[:40]}")
    return text.replace(old, new)


def _t3_row(label_prefix: str, natural: int, total: int | None = None) -> str:
    total = natural if total is None else total
    return f"{label_prefix}\t{natural}\t0\t0\t0\t0\t0\t{total}"


def _report(year: int, organ: str, *, problems_year: int | None = None, normative=(3, 11, 14), new: int = 5,
            carried: int = 0, carried_forward: int = 0, review_pending: int = 0, review_upheld: int = 0,
            received_sentence: str | None = None, problems_extra: str = "") -> str:
    """Seed 002 rewritten for `organ` and `year`, with the given table figures."""
    t = _seed()
    lines = t.split("\n")
    # 第五部分: the seed's two paragraphs → this year's (or a copied year's) text.
    py = problems_year or year
    first = next(i for i, ln in enumerate(lines) if ln.startswith(SEED_PROBLEMS[0]))
    second = next(i for i, ln in enumerate(lines) if ln.startswith(SEED_PROBLEMS[1]))
    lines[first] = PROBLEMS[py][0].format(Y=py, N=py + 1, O=SEED_ORGAN)
    lines[second] = PROBLEMS[py][1].format(Y=py, N=py + 1, O=SEED_ORGAN) + problems_extra
    t = "\n".join(lines)
    t = _replace(t, T2_NORMATIVE, "行政规范性文件\t{}\t{}\t{}".format(*normative))
    processed = new + carried - carried_forward
    t = _replace(t, T3_NEW, f"一、本年新收政府信息公开申请数量\t\t\t{new}\t0\t0\t0\t0\t0\t{new}")
    t = _replace(t, T3_CARRIED, f"二、上年结转政府信息公开申请数量\t\t\t{carried}\t0\t0\t0\t0\t0\t{carried}")
    # results: 部分公开 2 + 本机关不掌握 2 + 信访举报投诉类 (the rest)
    t = _replace(t, T3_NOTPROC_1, _t3_row("1. 信访举报投诉类申请", processed - 4))
    t = _replace(t, T3_TOTAL, f"(七)总计\t\t{processed}\t0\t0\t0\t0\t0\t{processed}")
    t = _replace(t, T3_CARRY_FWD, f"四、结转下年度继续办理\t\t\t{carried_forward}\t0\t0\t0\t0\t0\t{carried_forward}")
    review = [review_upheld, 0, 0, review_pending, review_upheld + review_pending]
    t = _replace(t, T4_ROW, "\t".join(str(v) for v in review + [0] * 10))
    t = _replace(t, RECEIVED, received_sentence or f"全年受理政府信息公开申请{new + carried}件")
    t = t.replace("办结5件", f"办结{processed}件")
    # Years last (the national notice 〔2021〕30号 keeps its year), then the organ's name.
    t = t.replace("2023", "\x00").replace("2022", str(year)).replace("\x00", str(year + 1))
    t = t.replace("吴忠市" + SEED_ORGAN, "吴忠市" + organ).replace(SEED_ORGAN, organ)
    return t


SERIES_ORGAN = SEED_ORGAN
CONSISTENT_STOCK = {2021: (3, 11, 14), 2022: (5, 2, 17), 2023: (4, 1, 20)}


def series(faulty: bool) -> dict[str, str]:
    """File name → text of the three-year series."""
    out = {}
    for year in (2021, 2022, 2023):
        kw = dict(normative=CONSISTENT_STOCK[year])
        if faulty:
            if year == 2021:
                kw.update(carried_forward=1, new=6)  # 结转下年度 1, but 2022 reports 上年结转 0
            if year == 2022:
                kw.update(review_pending=1)  # a pending 行政复议 case 2023 never shows
            if year == 2023:
                kw.update(normative=(4, 1, 25), problems_year=2022)  # stock jumps; 第五部分 copied
        out[f"{year}_红寺堡区政府办公室.txt"] = _report(year, SERIES_ORGAN, **kw)
    return out


COUNTY = "红寺堡区人民政府"
TOWNSHIPS = [("红寺堡区大河乡人民政府", 4), ("红寺堡区太阳山镇人民政府", 5), ("红寺堡区新庄集乡人民政府", 6)]
COPIED_TOWNSHIP = "红寺堡区柳泉乡人民政府"  # copied from 新庄集乡, the name left unchanged in the body


def county_set(claimed: int = 30) -> dict[str, str]:
    """The district government (stating 全区 … N件) and 4 townships; parts' 本年新收 sum to 21."""
    out = {}
    sentence = f"全区共收到政府信息公开申请{claimed}件，区政府本级受理5件"
    out["0_红寺堡区政府.txt"] = _report(2022, COUNTY, received_sentence=sentence)
    for i, (organ, new) in enumerate(TOWNSHIPS, 1):
        # each township writes its own 第五部分 (a different year's text stands in for it)
        out[f"{i}_{organ}.txt"] = _report(2022, organ, new=new, problems_year=2021 + (i % 3))
    copied = out[f"3_{TOWNSHIPS[2][0]}.txt"]
    title, rest = copied.split("\n", 1)  # only the title is changed
    out[f"4_{COPIED_TOWNSHIP}.txt"] = title.replace(TOWNSHIPS[2][0], COPIED_TOWNSHIP) + "\n" + rest
    return out


def county_set_consistent() -> dict[str, str]:
    """The county set without the copy: the 4th township writes its own report."""
    out = county_set(claimed=21)
    out[f"4_{COPIED_TOWNSHIP}.txt"] = _report(2022, COPIED_TOWNSHIP, new=6, problems_year=2023)
    # a different 表二 keeps the tables apart from 新庄集乡's
    out[f"4_{COPIED_TOWNSHIP}.txt"] = out[f"4_{COPIED_TOWNSHIP}.txt"].replace("行政规范性文件\t3\t11\t14", "行政规范性文件\t1\t0\t9")
    return out


SETS = {
    "series-consistent": lambda: series(False),
    "series-faulty": lambda: series(True),
    "county": lambda: county_set(30),
    "county-exceed": lambda: county_set(15),
    "county-consistent": county_set_consistent,
}

S21, S22, S23 = (f"{y}_红寺堡区政府办公室.txt" for y in (2021, 2022, 2023))
C0 = "0_红寺堡区政府.txt"
C3, C4 = f"3_{TOWNSHIPS[2][0]}.txt", f"4_{COPIED_TOWNSHIP}.txt"
C1, C2 = f"1_{TOWNSHIPS[0][0]}.txt", f"2_{TOWNSHIPS[1][0]}.txt"

# fires: {rule: [files it must report on]}; silent: {rule: [files on which it must be assessed and quiet]}
CROSS_CASES = [
    dict(name="三年一致的系列", set="series-consistent", fires={},
         silent={"NAT-X-T3-CARRY": [S22, S23], "NAT-X-T2-STOCK": [S22, S23], "NAT-X-T4-PENDING": [S22, S23],
                 "NAT-X-COPY-PREV": [S22, S23]}),
    dict(name="三年系列中的错误", set="series-faulty",
         fires={"NAT-X-T3-CARRY": [S22], "NAT-X-T2-STOCK": [S23], "NAT-X-T4-PENDING": [S23],
                "NAT-X-COPY-PREV": [S23]},
         silent={"NAT-X-T3-CARRY": [S23], "NAT-X-T2-STOCK": [S22], "NAT-X-T4-PENDING": [S22],
                 "NAT-X-COPY-PREV": [S22]}),
    dict(name="县区与乡镇：照抄邻乡未改名", set="county",
         fires={"NAT-X-ORGAN-NAME": [C4], "NAT-X-IDENTICAL": [C3, C4], "NAT-X-REGION-GAP": [C0]},
         silent={"NAT-X-ORGAN-NAME": [C1, C2, C3], "NAT-X-IDENTICAL": [C0, C1, C2], "NAT-X-REGION-EXCEED": [C0]}),
    dict(name="县区全区数字少于乡镇之和", set="county-exceed", fires={"NAT-X-REGION-EXCEED": [C0]},
         silent={"NAT-X-REGION-GAP": [C0]}),
    dict(name="县区与乡镇一致", set="county-consistent", fires={},
         silent={"NAT-X-ORGAN-NAME": [C1, C2, C3, C4], "NAT-X-IDENTICAL": [C0, C1, C2, C3, C4],
                 "NAT-X-REGION-GAP": [C0], "NAT-X-REGION-EXCEED": [C0]}),
]


def write_set(name: str, outdir: Path) -> Path:
    d = Path(outdir) / name
    d.mkdir(parents=True, exist_ok=True)
    for fname, text in SETS[name]().items():
        (d / fname).write_text(text, encoding="utf-8")
    return d


def main(outdir: str) -> None:
    for name in SETS:
        print(write_set(name, Path(outdir)))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "series_out")
