"""Faulty variants of the seed reports, each with the findings it must produce.

A variant is a seed with exact text edits. Every edit must match the seed exactly once, so a
variant cannot silently stop testing what it claims to test.
RULE_CASES names, for every national rule, reports on which it must fire and reports on which it
must be evaluated and pass.
"""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED_FILES = {p.name[:3]: p for p in sorted((ROOT / "sample_reports").glob("*.txt"))}

VARIANTS = {
    "000-no-sec6": dict(seed="000", edits=[("六、其他需要报告的事项\n", "")],
                        expect=["NAT-SEC-MISSING"], about="删除第六部分标题"),
    "004-misnumbered-sec5": dict(seed="004", edits=[("五、政府信息公开工作存在的主要问题", "四、政府信息公开工作存在的主要问题")],
                                 expect=["NAT-SEC-ORDER"], about="第五部分序号写成“四”"),
    "000-extra-sec7": dict(seed="000", append="\n七、下一步工作打算\n\n继续做好政务公开工作。\n",
                           expect=["NAT-SEC-EXTRA"], about="多出第七部分"),
    "000-as-2022": dict(seed="000", edits=[("2020 年政府信息公开工作年度报告\n", "2022 年政府信息公开工作年度报告\n"),
                                           ("现公布固原市人民政府办公室 2020 年", "现公布固原市人民政府办公室 2022 年")],
                        expect=["NAT-TPL-OLD", "NAT-PERIOD-YEAR", "NAT-FEE-STATEMENT"],
                        about="2022年度报告沿用2019版表格和2020年统计期限"),
    "002-as-2020": dict(seed="002", edits=[("红寺堡区人民政府办公室 2022 年政府信息公开工作年度报告\n",
                                            "红寺堡区人民政府办公室 2020 年政府信息公开工作年度报告\n")],
                        expect=["NAT-TPL-ANACHRONISM", "NAT-PERIOD-YEAR", "NAT-TITLE-YEAR"],
                        about="2020年度报告使用2021版表格"),
    "000-mixed-t3": dict(seed="000", edits=[(
        "(六) 其他处理\t0\t0\t0\t0\t0\t0\t0\t\t\n",
        "\t(六) 其他处理\t1. 申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请\t0\t0\t0\t0\t0\t0\t0\n"
        "\t\t2. 申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请\t0\t0\t0\t0\t0\t0\t0\n"
        "\t\t3. 其他\t0\t0\t0\t0\t0\t0\t0\n")],
        expect=["NAT-TPL-MIXED", "NAT-TPL-ANACHRONISM"], about="表二为2019版而表三为2021版"),
    "000-no-title-year": dict(seed="000", edits=[("2020 年政府信息公开工作年度报告\n", "政府信息公开工作年度报告\n")],
                              expect=["NAT-YEAR-MISSING"], about="标题没有年度"),
    "000-as-2017": dict(seed="000", edits=[("2020 年政府信息公开工作年度报告\n", "2017 年政府信息公开工作年度报告\n")],
                        expect=["NAT-YEAR-UNSUPPORTED"], about="2017年度报告"),
    "000-period-2019": dict(seed="000", edits=[("统计期限为 2020 年 1 月 1 日", "统计期限为 2019 年 1 月 1 日")],
                            expect=["NAT-PERIOD-YEAR"], about="统计期限年份写错"),
    "002-preamble-2021": dict(seed="002", edits=[("现发布《红寺堡区人民政府办公室 2022 年", "现发布《红寺堡区人民政府办公室 2021 年")],
                              expect=["NAT-TITLE-YEAR"], about="开头引用的报告名称年份写错"),
    "004-dated-late": dict(seed="004", append="\n吴忠市人民政府办公室\n2021年2月20日\n",
                           expect=["NAT-DEADLINE"], about="政府办公室落款晚于1月31日"),
    "004-dated-ok": dict(seed="004", append="\n吴忠市人民政府办公室\n2021年1月20日\n", expect=[],
                         about="政府办公室落款在1月31日前"),
    "004-dated-feb30": dict(seed="004", append="\n吴忠市人民政府办公室\n2021年2月30日\n",
                            expect=["NAT-DATE-INVALID"], about="落款日期2月30日不存在（不再导致程序出错）"),
    "004-dated-cn-late": dict(seed="004", append="\n吴忠市人民政府办公室\n二〇二一年二月二十日\n",
                              expect=["NAT-DEADLINE"], about="中文数字落款日期晚于1月31日"),
    "000-no-t4": dict(seed="000", edits=[(
        "行政复议\t\t\t\t\t行政诉讼\t\t\t\t\t\t\t\t\t\n", ""), (
        "结果维持\t结果纠正\t其他结果\t尚未审结\t总计\t未经复议直接起诉\t\t\t\t\t复议后起诉\t\t\t\t\n", ""), (
        "\t\t\t\t\t结果维持\t结果纠正\t其他结果\t尚未审结\t总计\t结果维持\t结果纠正\t其他结果\t尚未审结\t总计\n", ""), (
        "4\t0\t0\t0\t4\t0\t0\t0\t0\t0\t3\t0\t0\t0\t3\n", "")],
                      expect=["NAT-TBL-MISSING"], about="删除表四"),
    "000-no-row": dict(seed="000", edits=[("\t\t3. 补正后申请内容仍不明确\t0\t0\t0\t0\t0\t0\t0\n", "")],
                       expect=["NAT-TBL-ROWS"], about="表三缺“补正后申请内容仍不明确”行"),
    "000-decimal": dict(seed="000", edits=[("\t\t7. 属于行政执法案卷\t0\t0\t0\t0\t0\t0\t0\n",
                                            "\t\t7. 属于行政执法案卷\t0\t0\t0\t0\t0\t0.5\t0.5\n")],
                        expect=["NAT-COUNT-INT", "NAT-T3-SUM"], about="表三出现小数"),
    "000-total-changed": dict(seed="000", edits=[("(七) 总计\t4\t0\t0\t0\t0\t0\t4", "(七) 总计\t5\t0\t0\t0\t0\t0\t5")],
                              expect=["NAT-T3-COL", "NAT-T3-SUM", "NAT-TXT-PROCESSED"], about="表三（七）总计改为5"),
    "000-row-total": dict(seed="000", edits=[("一、本年新收政府信息公开申请数量\t\t6\t0\t0\t0\t0\t0\t6",
                                              "一、本年新收政府信息公开申请数量\t\t6\t0\t0\t0\t0\t0\t7")],
                          expect=["NAT-T3-ROW", "NAT-T3-COL", "NAT-TXT-RECEIVED"], about="表三新收行总计与各列之和不符"),
    "004-t4-total": dict(seed="004", edits=[("0 0 1 0 1 0 0 0 0 0 0 0 0 0 0", "0 0 1 0 0 0 0 0 0 0 0 0 0 0 0")],
                         expect=["NAT-T4-SUM"], about="表四行政复议总计与各项之和不符"),
    "000-review-less": dict(seed="000", edits=[("4\t0\t0\t0\t4\t0\t0\t0\t0\t0\t3\t0\t0\t0\t3",
                                                "1\t0\t0\t0\t1\t0\t0\t0\t0\t0\t3\t0\t0\t0\t3")],
                            expect=["NAT-T4-PLAUS", "NAT-TXT-LIT"], about="复议后起诉多于行政复议"),
    "000-published-gt-total": dict(seed="000", edits=[("规范性文件\t10\t10\t34", "规范性文件\t10\t40\t34")],
                                   expect=["NAT-T2-19-PUB"], about="本年新公开数量大于对外公开总数量"),
    "001-negative-stock": dict(seed="001", edits=[("\t255\n\t-42\n", "\t25\n\t-42\n")],
                               expect=["NAT-T2-19-DELTA"], about="上一年项目数量加增减为负"),
    "002-issued-gt": dict(seed="002", edits=[("行政规范性文件\t3\t11\t14", "行政规范性文件\t30\t11\t14")],
                          expect=["NAT-T2-21-ISSUED"], about="本年制发多于现行有效与废止之和"),
    "003-township-rules": dict(seed="003", edits=[("规章\t0\t0\t0", "规章\t2\t2\t2")],
                               expect=["NAT-T2-GUIZHANG"], about="乡镇填报了规章"),
    "002-fee-yuan": dict(seed="002", edits=[("行政事业性收费\t0\t", "行政事业性收费\t35000元\t")],
                         expect=["NAT-T2-21-FEE-UNIT"], about="收费金额按元填报"),
    "002-no-fee": dict(seed="002", edits=[("(二)信息处理费收取情况。2022年,红寺堡区人民政府 办公室在办理政府信息公开申请中,未收取信息处理费。", "")],
                       expect=["NAT-FEE-STATEMENT"], about="未说明信息处理费"),
    "001-assess-results": dict(seed="001", edits=[(
        "（七）积极开展业务培训。", "（八）监督保障。年度考核中全县各单位均为良好以上；群众满意度测评满意率98%；本年度未发生责任追究情况。\n（七）积极开展业务培训。")],
        expect=["NAT-YEAR-PLAN"], about="县政府报告写明考核、评议、追责结果"),
    "002-overview-thin": dict(seed="002", cut=(9, 17), expect=["NAT-SEC1-COVERAGE"], about="总体情况只剩开头一段"),
    "000-overview-thin": dict(seed="000", cut=(13, 51), expect=["NAT-SEC1-COVERAGE-2019"], about="总体情况只剩开头一段"),
    "000-no-improvements": dict(seed="000", cut=(114, 114), expect=["NAT-SEC5-CONTENT"], about="第五部分只写问题"),
    "002-with-proposals": dict(seed="002", append="\n(三)人大代表建议和政协提案办理结果公开情况。全年办理建议提案12件，办理结果均已公开。\n",
                               expect=[], about="政府办公室报告了要点落实和建议提案"),
    # Narrative numbers against the tables (one number changed each) and in-text arithmetic.
    "000-received-8": dict(seed="000", edits=[("共受理政府信息公开申请6件", "共受理政府信息公开申请8件")],
                           expect=["NAT-TXT-RECEIVED"], about="正文受理件数改为8（表三新收6）"),
    "000-granted-3": dict(seed="000", edits=[("其中：予以公开4件", "其中：予以公开3件")],
                          expect=["NAT-TXT-RESULT"], about="正文予以公开件数改为3（表三为4）"),
    "000-carry-3": dict(seed="000", edits=[("结转下年度办理2件", "结转下年度办理3件")],
                        expect=["NAT-TXT-CARRIED-FORWARD"], about="正文结转件数改为3（表三为2）"),
    "004-carry-2": dict(seed="004", edits=[("8件均依法办结，1件结", "8件均依法办结，2件结")],
                        expect=["NAT-TXT-CARRIED-FORWARD"], about="正文结转件数改为2（表三为1）"),
    "000-review-5": dict(seed="000", edits=[("提出行政复议4起", "提出行政复议5起")],
                         expect=["NAT-TXT-LIT"], about="正文行政复议起数改为5（表四为4）"),
    "000-carried-over-0": dict(seed="000", edits=[("均为新收政府信息公开申请", "上年结转0件")],
                               expect=[], about="正文写明上年结转0件（与表三一致）"),
    "000-carried-over-2": dict(seed="000", edits=[("均为新收政府信息公开申请", "上年结转2件")],
                               expect=["NAT-TXT-CARRIED-OVER"], about="正文上年结转2件（表三为0）"),
    "002-processed-4": dict(seed="002", edits=[("办结5件", "办结4件")],
                            expect=["NAT-TXT-PROCESSED", "NAT-TXT-RATE"], about="正文办结4件而办结率仍为100%"),
    "002-review-in-table": dict(seed="002", edits=[("0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\n",
                                                    "1\t0\t0\t0\t1\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\n")],
                                expect=["NAT-TXT-LIT-NONE"], about="正文称无行政复议，表四行政复议总计为1"),
    "002-carried-forward-1": dict(seed="002", edits=[("四、结转下年度继续办理\t\t\t0\t0\t0\t0\t0\t0\t0",
                                                      "四、结转下年度继续办理\t\t\t1\t0\t0\t0\t0\t0\t1")],
                                  expect=["NAT-TXT-DONE-RATE", "NAT-T3-COL"], about="办结率100%而表三有1件结转"),
    "002-docs-3": dict(seed="002", edits=[("全年受理政府信息公开申请5件", "全年印发行政规范性文件3件。全年受理政府信息公开申请5件")],
                       expect=[], about="正文印发行政规范性文件3件（表二本年制发3）"),
    "002-docs-4": dict(seed="002", edits=[("全年受理政府信息公开申请5件", "全年印发行政规范性文件4件。全年受理政府信息公开申请5件")],
                       expect=["NAT-TXT-DOCS"], about="正文印发行政规范性文件4件（表二本年制发3）"),
    "003-online-1": dict(seed="003", edits=[("网上申请0件", "网上申请1件")],
                         expect=["NAT-TXT-CHANNELS", "NAT-TXT-SUM"], about="各渠道之和4件，超过收到的3件"),
    "001-breakdown-short": dict(seed="001", edits=[("其他方式公开信息数187条", "其他方式公开信息数180条")],
                                expect=["NAT-TXT-SUM-SHORT"], about="主动公开分项之和小于总数"),
}

# rule -> reports on which it must fire / must be evaluated and not fire ("seed:NNN" or a variant)
RULE_CASES = {
    "NAT-SEC-MISSING": (["000-no-sec6"], ["seed:000"]),
    "NAT-SEC-ORDER": (["004-misnumbered-sec5"], ["seed:004"]),
    "NAT-SEC-EXTRA": (["000-extra-sec7"], ["seed:000"]),
    "NAT-TPL-OLD": (["000-as-2022"], ["seed:002"]),
    "NAT-TPL-ANACHRONISM": (["002-as-2020", "000-mixed-t3"], ["seed:000"]),
    "NAT-TPL-MIXED": (["000-mixed-t3"], ["seed:000"]),
    "NAT-YEAR-MISSING": (["000-no-title-year"], ["seed:000"]),
    "NAT-YEAR-UNSUPPORTED": (["000-as-2017"], ["seed:000"]),
    "NAT-PERIOD-MISSING": (["seed:004"], ["seed:000"]),
    "NAT-PERIOD-YEAR": (["000-period-2019", "000-as-2022"], ["seed:000", "seed:001", "seed:002", "seed:003"]),
    "NAT-YEAR-PLAN": (["seed:001"], ["seed:000", "seed:002", "seed:003", "seed:004"]),
    "NAT-TITLE-YEAR": (["002-preamble-2021"], ["seed:002"]),
    "NAT-DEADLINE": (["004-dated-late", "004-dated-cn-late"], ["004-dated-ok"]),
    "NAT-DATE-INVALID": (["004-dated-feb30"], ["004-dated-ok", "004-dated-cn-late"]),
    "NAT-TBL-MISSING": (["000-no-t4"], ["seed:000"]),
    "NAT-TBL-ROWS": (["000-no-row"], ["seed:000"]),
    "NAT-TBL-NONNUM": (["seed:002"], ["seed:000"]),
    "NAT-COUNT-INT": (["000-decimal"], ["seed:000"]),
    "NAT-T3-COL": (["seed:003", "000-total-changed"], ["seed:000", "seed:001", "seed:004"]),
    "NAT-T3-SUM": (["000-total-changed"], ["seed:000", "seed:001", "seed:004"]),
    "NAT-T3-ROW": (["seed:003", "000-row-total"], ["seed:000"]),
    "NAT-T4-SUM": (["004-t4-total"], ["seed:004"]),
    "NAT-T4-PLAUS": (["000-review-less"], ["seed:000"]),
    "NAT-T2-19-PUB": (["000-published-gt-total"], ["seed:000"]),
    "NAT-T2-19-DELTA": (["001-negative-stock"], ["seed:001"]),
    "NAT-T2-21-ISSUED": (["002-issued-gt"], ["seed:002"]),
    "NAT-T2-GUIZHANG": (["003-township-rules"], ["seed:003"]),
    "NAT-T2-21-FEE-UNIT": (["002-fee-yuan"], ["seed:002"]),
    "NAT-FEE-STATEMENT": (["002-no-fee"], ["seed:002"]),
    "NAT-GOV-ASSESS": (["seed:001"], ["001-assess-results"]),
    "NAT-GOV-ASSESS-RESULT": (["seed:003"], ["001-assess-results"]),
    "NAT-SEC1-COVERAGE": (["002-overview-thin"], ["seed:002"]),
    "NAT-SEC1-COVERAGE-2019": (["000-overview-thin"], ["seed:000"]),
    "NAT-SEC5-CONTENT": (["000-no-improvements"], ["seed:000"]),
    "NAT-PUB-LOCATION": (["seed:004"], ["seed:000"]),
    "NAT-SEC6-GOV-EXTRA": (["seed:002"], ["002-with-proposals"]),
    "NAT-PARSE-UNSURE": (["seed:003"], ["seed:000"]),
    "NAT-TXT-RECEIVED": (["000-received-8"], ["seed:000", "seed:002", "seed:004"]),
    "NAT-TXT-PROCESSED": (["seed:003", "002-processed-4"], ["seed:000", "seed:002", "seed:004"]),
    "NAT-TXT-CARRIED-OVER": (["000-carried-over-2"], ["000-carried-over-0"]),
    "NAT-TXT-CARRIED-FORWARD": (["000-carry-3", "004-carry-2"], ["seed:000", "seed:003", "seed:004"]),
    "NAT-TXT-RESULT": (["seed:003", "000-granted-3"], ["seed:000"]),
    "NAT-TXT-CHANNELS": (["003-online-1"], ["seed:003", "seed:004"]),
    "NAT-TXT-LIT": (["000-review-5"], ["seed:000"]),
    "NAT-TXT-LIT-NONE": (["002-review-in-table"], ["seed:002", "seed:003"]),
    "NAT-TXT-DOCS": (["002-docs-4"], ["002-docs-3"]),
    "NAT-TXT-DONE-RATE": (["002-carried-forward-1"], ["seed:002", "seed:003"]),
    "NAT-TXT-RATE": (["002-processed-4"], ["seed:000", "seed:002", "seed:003"]),
    "NAT-TXT-RATE-ROUNDING": (["seed:000"], ["seed:002", "seed:003"]),
    "NAT-TXT-SUM": (["003-online-1"], ["seed:001", "seed:002", "seed:003"]),
    "NAT-TXT-SUM-SHORT": (["001-breakdown-short"], ["seed:001", "seed:002", "seed:003"]),
}


def variant_text(name: str) -> str:
    v = VARIANTS[name]
    text = SEED_FILES[v["seed"]].read_text(encoding="utf-8")
    for old, new in v.get("edits", []):
        count = text.count(old)
        if count != 1:
            raise ValueError(f"variant {name}: edit target occurs {count} times: {old[:40]!r}")
        text = text.replace(old, new)
    if "cut" in v:
        a, b = v["cut"]
        lines = text.split("\n")
        text = "\n".join(lines[:a - 1] + [""] * (b - a + 1) + lines[b:])
    return text + v.get("append", "")


def write_variant(name: str, outdir: Path) -> Path:
    outdir.mkdir(parents=True, exist_ok=True)
    path = outdir / f"{name}.txt"
    path.write_text(variant_text(name), encoding="utf-8")
    return path


def case_path(case: str, outdir: Path) -> Path:
    if case.startswith("seed:"):
        return SEED_FILES[case[5:]]
    return write_variant(case, outdir)


def write_all(outdir: Path) -> list[Path]:
    return [write_variant(n, outdir) for n in VARIANTS]
