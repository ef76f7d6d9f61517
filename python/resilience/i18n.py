"""Text of the tables and the report in English and Chinese: one dictionary, one lookup.

English is the key: :data:`ZH` maps every fixed English label of the tables and the
report (row labels, headers, Yes / No) to its Chinese text, and :data:`NOTES` holds the
standard notes in both languages (the Chinese ones as Chinese journals print them: 注：括号内为
稳健标准误；*、**、*** 分别表示在 10%、5%、1% 的水平上显著). A spec's own labels, titles,
column headers and notes give their translations in the YAML (``{en: Data, zh: 数据要素流动环境}``,
:mod:`resilience.specs`); :class:`Translator` looks a text up there first, then in
:data:`ZH`, and otherwise keeps the English and remembers it, so that :meth:`Translator.warn`
lists every text left in English in one :class:`LanguageWarning` — never silently.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable, Mapping

LANGS = ("en", "zh")
DEFAULT_LANG = "en"

ZH: dict[str, str] = {
    # regression tables (resilience.tables.build_table)
    "Dependent variable": "被解释变量",
    "N": "样本量",
    "Within R² (Stata)": "组内R²（Stata）",
    "LSDV R²": "LSDV R²",
    "Control variables": "控制变量",
    "Province FE": "省份固定效应",
    "Year FE": "年份固定效应",
    "Yes": "是",
    "No": "否",
    "Constant": "常数项",
    "Hausman χ² (FE vs RE)": "Hausman检验χ²（固定效应 vs 随机效应）",
    "Hausman χ², sigmamore": "Hausman检验χ²（sigmamore）",
    "Wild bootstrap p (Rademacher)": "野聚类自助法p值（Rademacher）",
    "Wild bootstrap p (Webb)": "野聚类自助法p值（Webb）",
    "and": "和",
    # resilience.tables.construction_notes and resilience.specs.IDENTIFIED_BY
    "{label} = {unit} + {time} by construction, {time} common to all units of a year: the "
    "slope{where} is identified by {how}.": (
        "{label} = {unit} + {time}（按构造），其中{time}为同一年份各单位共有：{where}斜率由{how}。"
    ),
    "{built} by construction, the second part common to all units of a year: each "
    "slope{where} is identified by {how}.": (
        "{built}（按构造），其第二部分为同一年份各单位共有：{where}各斜率由{how}。"
    ),
    " in {columns}": "{columns}中的",
    "its first part ({units})": "其第一部分（{units}）",
    "the second part": "第二部分",
    "{unit} alone: the year effects absorb {time}": "{unit}单独识别（年份固定效应吸收了{time}）",
    "{unit} alone: the year effects absorb {time}, so {depends} move only the constant and "
    "the year effects": (
        "{unit}单独识别：年份固定效应吸收了{time}，因此{depends}只影响常数项与年份固定效应"
    ),
    "{unit} and {time} together (no year effects)": "{unit}与{time}共同识别（无年份固定效应）",
    "{unit} and {time} together (no year effects): {depends} move the slope too": (
        "{unit}与{time}共同识别（无年份固定效应）：{depends}也影响斜率"
    ),
    # resilience.tables.ABSORPTION_NOTE
    "Variance left by FE: the share of the regressor's sample variance left after the "
    "column's fixed effects (its residual on province and, with year FE, year dummies), the "
    "variation that identifies its slope; every regressor's in results.absorption.": (
        "固定效应后剩余方差占比：解释变量对该列固定效应（省份虚拟变量；含年份固定效应时另加"
        "年份虚拟变量）回归后的残差方差占其样本方差的比例，即识别其系数的变异；各解释变量的"
        "数值见 results.absorption。"
    ),
    # resilience.tables.ABSORPTION_LABEL and the wild bootstrap note (WILD_BOOTSTRAP_*)
    "Variance of {term} left by FE": "{term}：固定效应后剩余方差占比",
    "Wild bootstrap p: wild cluster restricted bootstrap (Cameron, Gelbach & Miller "
    "2008), null (coefficient = 0) imposed, clusters = provinces, symmetric p-value "
    "(the share of draws whose absolute t exceeds the model's, as Stata boottest), "
    "for the focal coefficient {terms}; B = {reps} draws per weight type (Rademacher: +1 or "
    "-1; Webb: six points, plus or minus sqrt(1/2), 1, sqrt(3/2)){seed}.": (
        "野聚类自助法p值：受约束的野聚类自助法（wild cluster restricted bootstrap，Cameron, "
        "Gelbach & Miller 2008），施加原假设（系数 = 0），按省份聚类，对称 p 值（|t| 超过原模型 "
        "|t| 的抽样比例，同 Stata boottest），检验核心解释变量{terms}；每种权重抽样 B = {reps} 次"
        "（Rademacher 权重：+1 或 -1；Webb 权重：±sqrt(1/2)、±1、±sqrt(3/2) 六点）{seed}。"
    ),
    ", seed {seeds}": "，随机种子 {seeds}",
    " Rademacher, B at least 2 to the power G: every sign vector of the G provinces "
    "enumerated (exact, no seed) in {columns}.": (
        "B 不小于 2 的 G 次方时，Rademacher 权重穷举 G 个省份的全部符号向量（精确，无随机种子）："
        "{columns}。"
    ),
    # how the report names a model and a group (resilience.report.model_label, flag_text)
    "{table}, {column}": "{table}，{column}",
    "{base}{mediators}: {role}": "{base}{mediators}：{role}",
    "complement group": "对照组",
    "interaction model": "交互项模型",
    "mediation step 3": "中介效应第三步",
    "central west": "中西部",
    "ftz province": "自贸区省份",
    "coastal": "沿海",
    "not {flag}": "非{flag}",
    "Supplementary models (mediation third step, heterogeneity complements and "
    "interactions)": "补充模型（中介效应第三步、异质性分析的对照组与交互项模型）",
    "What the fixed effects absorb in {tables} ({panel}): share of each regressor's variance "
    "left after the model's fixed effects (results.absorption.share_left; entity and year "
    "dummies by projection)": (
        "{tables}中固定效应吸收了什么（{panel}）：各解释变量的方差在模型固定效应之后剩余的比例"
        "（results.absorption.share_left；省份与年份虚拟变量按投影计算）"
    ),
    "the models": "各模型",
    "panel not recorded": "未记录面板",
    "{model} (× {flag} terms)": "{model}（× {flag} 交互项）",
    # the tests table of the report (resilience.report.TEST_LABELS)
    "Hausman χ², named regressors": "Hausman检验χ²（仅核心解释变量）",
    "Hausman χ², named regressors, sigmamore": "Hausman检验χ²（仅核心解释变量，sigmamore）",
    # the note under the Hausman rows (resilience.tables.HAUSMAN_NOTE, COMPARE_NOTES)
    "Hausman χ² (FE vs RE, conventional covariances): {convention}": (
        "Hausman检验χ²（固定效应 vs 随机效应，常规协方差）：{convention}"
    ),
    ". df (the rank of V_FE − V_RE), {dfs}": "。自由度（V_FE − V_RE 的秩）：{dfs}",
    " {mark} V_FE − V_RE not positive definite: Moore–Penrose inverse, q = its rank.": (
        " {mark} V_FE − V_RE 非正定：使用 Moore–Penrose 广义逆，q 取其秩。"
    ),
    " results.tests also holds the named-regressors variant (hausman_named).": (
        " results.tests 另存仅比较核心解释变量的检验（hausman_named）。"
    ),
    "Stata's default (hausman fe re): every coefficient both models share but the constant, "
    "the year dummies included": (
        "Stata 默认（hausman fe re）：比较两模型共有的全部系数（常数项除外，含年份虚拟变量）"
    ),
    "the named regressors only (not the year dummies)": "仅核心解释变量（不含年份虚拟变量）",
    "convention not recorded (results estimated before it was)": (
        "比较口径未记录（结果估计于记录该口径之前）"
    ),
    "Sobel test of the indirect effect via {what}": "中介效应 Sobel 检验：{what}",
    "Province-bootstrap test of the indirect effect via {what}": ("中介效应省份自助法检验：{what}"),
    "Permutation test of the group difference: {what}": "组间系数差异置换检验：{what}",
    "Wald test of the interaction: {what}": "交互项 Wald 检验：{what}",
    "No settings recorded yet (the index marts are not built).": (
        "尚未记录设置（指数数据表尚未构建）。"
    ),
    "two-way": "双向固定效应",
    "entity": "省份固定效应",
    "clustered": "省份聚类稳健标准误",
    "robust": "异方差稳健标准误",
    "unadjusted": "普通标准误",
    "kernel": "Driscoll-Kraay 标准误",
    "test": "检验",
    # covariance phrases of the standard note (resilience.tables.COV_NOTES)
    "standard errors clustered by province": "省份层面聚类",
    "heteroskedasticity-robust standard errors": "异方差稳健",
    "conventional standard errors": "普通标准误",
    "Driscoll-Kraay standard errors": "Driscoll-Kraay",
    # descriptive statistics (resilience.tables.build_descriptives)
    "Mean": "均值",
    "SD": "标准差",
    "Min": "最小值",
    "Max": "最大值",
    "all rows": "全部观测",
    "in_paper_sample": "论文样本",
}
ZH.update(
    {
        # the report's section headings and introductions (resilience.report.build_sections)
        "Overview": "概览",
        "Indicator systems and entropy weights": "指标体系与熵值法权重",
        "Weights by the entropy method over each index's declared sample "
        "(w_k = d_k / Σd, d_k = 1 − e_k). Bars are coloured by dimension.": (
            "按熵值法在各指数声明的样本上计算的权重（w_k = d_k / Σd，d_k = 1 − e_k）；"
            "条形按维度着色。"
        ),
        "Province ranking and heatmaps": "省份排名与热力图",
        "Ranking by the mean total score over the index's sample years; the "
        "heatmap shows every province-year (provinces ordered by mean score).": (
            "按指数样本年份内总得分的均值排名；热力图显示每个省份-年份（省份按平均得分排序）。"
        ),
        "Regional trends (east / central / west)": "区域趋势（东部 / 中部 / 西部）",
        "Unweighted mean of the province scores in each NBS region, by year.": (
            "国家统计局各区域内省份得分的简单平均，按年份。"
        ),
        "Export-resilience paths and the 2009 and 2020 shocks": (
            "出口韧性路径与 2009 年、2020 年冲击"
        ),
        "ExpRes_it = (export_it − export_i,2008) / export_i,2008 (Wang & Lu; base "
        "year a setting), over every year of the provincial accounts. Thin lines: "
        "provinces; thick lines: regional means.": (
            "ExpRes_it = (export_it − export_i,2008) / export_i,2008（Wang & Lu；基年可设置），"
            "覆盖省级账户的每一年。细线：省份；粗线：区域均值。"
        ),
        "Regression tables": "回归结果",
        "Fixed effects as Stata `xtreg y x i.year, fe`. Both R² conventions are named: "
        "Stata's within R² and the LSDV R² (all effects counted as fitted), which is the "
        "kind the papers report.": (
            "固定效应同 Stata `xtreg y x i.year, fe`。两种 R² 均注明：Stata 的组内 R² 与 "
            "LSDV R²（全部固定效应计为拟合部分，即论文所报告的类型）。"
        ),
        "Heterogeneity: coefficients by group": "异质性：分组系数",
        "Key regressor in each subsample and its complement, with 95% confidence "
        "intervals; the p-values test the difference between the two groups (permutation "
        "of the group label across provinces; Wald test of the interaction).": (
            "各子样本及其补集中核心解释变量的系数与 95% 置信区间；p 值检验两组之差"
            "（在省份间置换分组标签；交互项的 Wald 检验）。"
        ),
        "Sensitivity: specification curve across index variants": "敏感性：指数变体的设定曲线",
        "Each baseline re-estimated with every Monte Carlo variant of its index "
        "(resilience sensitivity): the standardised (beta) coefficients sorted, with 95% "
        "confidence intervals (Simonsohn, Simmons & Nelson 2020). Standardised, because the "
        "variants' scales differ (a z-score index is not in [0, 1]); the table gives the raw "
        "estimates too.": (
            "以指数的每个蒙特卡洛变体重新估计各基准回归（resilience sensitivity）：标准化（beta）"
            "系数排序，附 95% 置信区间（Simonsohn, Simmons & Nelson 2020）。因各变体的量纲不同"
            "（z 分数指数不在 [0, 1] 内）而标准化；表中亦列出原始系数。"
        ),
        "Data-quality diagnostics": "数据质量诊断",
        "OECD/JRC Handbook (2008) checks: interpolated cells, data availability per "
        "indicator and province (flagged below 65%), outliers (|skew| > 2 and excess "
        "kurtosis > 3.5), indicator pairs correlated above 0.9.": (
            "OECD/JRC 手册（2008）检查：插补的单元格、各指标与各省份的数据可得性（低于 65% "
            "标记）、异常值（|偏度| > 2 且超额峰度 > 3.5）、相关系数高于 0.9 的指标对。"
        ),
        "Run parameters and data fingerprint": "运行参数与数据指纹",
        "Settings recorded beside the results, the project's defaults and a digest "
        "of every raw and reference table, so a reader can tell two runs apart.": (
            "结果旁记录的设置、项目默认值以及每张原始表和参考表的摘要，便于读者区分两次运行。"
        ),
    }
)
"""English text -> Chinese text, for every fixed label of the tables and the report."""

ZH.update(
    {
        # the report's page, captions, axis labels, notes and table headers (resilience.report)
        "Resilience Warehouse report": "区域韧性数据仓库报告",
        "SYNTHETIC demo data — not official statistics": "合成演示数据——并非官方统计数据",
        "Regional resilience, entropy-weight indices and panel regressions · generated": (
            "区域韧性、熵值法指数与面板回归 · 生成于"
        ),
        "Every number below comes from the generator in python/resilience/demo.py.": (
            "以下所有数字均来自 python/resilience/demo.py 中的数据生成器。"
        ),
        "Resilience Warehouse · dbt + DuckDB": "区域韧性数据仓库 · dbt + DuckDB",
        "Warehouse {db} · generated {when} · resilience {version} · commit {commit}": (
            "数据仓库 {db} · 生成于 {when} · resilience {version} · 提交 {commit}"
        ),
        "{present} of {total} relations the report reads are present.": (
            "报告读取的 {total} 个数据表中已有 {present} 个。"
        ),
        " Not there yet: {missing}.": "尚缺：{missing}。",
        "Not built yet: {relation} is not in the warehouse (run `resilience build`).": (
            "尚未构建：数据仓库中没有 {relation}（请运行 `resilience build`）。"
        ),
        "Not built yet: neither {panel} nor {series} is in the warehouse.": (
            "尚未构建：数据仓库中既没有 {panel}，也没有 {series}。"
        ),
        "Not built yet: the index diagnostics marts are not in the warehouse.": (
            "尚未构建：数据仓库中没有指数诊断表。"
        ),
        "Not estimated yet: {coefficients} is not in the warehouse (run `resilience estimate`).": (
            "尚未估计：数据仓库中没有 {coefficients}（请运行 `resilience estimate`）。"
        ),
        "Not estimated yet: no heterogeneity models in {coefficients} "
        "(run `resilience estimate`).": (
            "尚未估计：{coefficients} 中没有异质性模型（请运行 `resilience estimate`）。"
        ),
        "No tests estimated yet ({tests} is absent or empty).": (
            "尚无检验结果（{tests} 不存在或为空）。"
        ),
        "The index units are not provinces (no region in the reference table).": (
            "指数的单位不是省份（参考表中没有其区域）。"
        ),
        "{stale} of {n} models were estimated from the marts of an earlier build, not from "
        "the marts beside them (build {build}): their results are older than the data; run "
        "`resilience estimate` again": (
            "{n} 个模型中有 {stale} 个是用较早一次构建的数据估计的，而非与之并存的数据"
            "（构建 {build}）：其结果早于数据；请重新运行 `resilience estimate`"
        ),
        # weights
        "resilience": "区域经济韧性指数",
        "dataflow": "数据要素流动环境指数",
        "resilience_pca": "区域经济韧性指数（主成分法）",
        "dataflow_pca": "数据要素流动环境指数（主成分法）",
        "resistance": "抵抗力",
        "recovery": "恢复力",
        "adaptability": "适应力",
        "innovation": "创新力",
        "communication": "通信环境",
        "internet": "互联网环境",
        "market": "市场环境",
        "published weight": "论文公布的权重",
        "entropy weight": "熵值法权重",
        "{index}: entropy weights ({n} indicators)": "{index}：熵值法权重（{n} 个指标）",
        "Entropy weights of the {index} index": "{index}的熵值法权重",
        "{index}: weights by indicator.": "{index}：各指标权重。",
        " Sample: {n} units, {first}–{last}.": "样本：{n} 个单位，{first}—{last} 年。",
        "dimension": "维度",
        "indicator": "指标",
        "id": "代码",
        "direction": "方向",
        "entropy": "熵值",
        "divergence": "差异系数",
        "weight": "权重",
        # ranking and regional
        "{index}: score by province and year": "{index}：各省份各年份得分",
        "score": "得分",
        "Heatmap of the {index} index (province × year)": "{index}热力图（省份 × 年份）",
        "{index}: province ranking (mean over {first}–{last})": (
            "{index}：省份排名（{first}—{last} 年均值）"
        ),
        "rank": "排名",
        "province": "省份",
        "region": "区域",
        "mean score": "平均得分",
        "score {year}": "{year} 年得分",
        "rank {year}": "{year} 年排名",
        "east": "东部",
        "central": "中部",
        "west": "西部",
        "Regional mean of each index by year": "各指数分区域年度均值",
        "index": "指数",
        "first year": "起始年份",
        "mean first year": "起始年份均值",
        "last year": "结束年份",
        "mean last year": "结束年份均值",
        "Regional means at the start and end of each sample": "各样本起止年份的区域均值",
        "year": "年份",
        # export paths
        "Export-resilience paths by province and region, shocks shaded": (
            "各省份与各区域的出口韧性路径（阴影为冲击年份）"
        ),
        "2009 global financial crisis": "2009 年全球金融危机",
        "2020 COVID-19": "2020 年新冠疫情",
        "{region} (mean)": "{region}（均值）",
        "export resilience (relative to base year)": "出口韧性（相对基年）",
        "shock": "冲击",
        "year before": "冲击前一年",
        "mean year before": "冲击前一年均值",
        "mean shock year": "冲击当年均值",
        "change": "变化",
        "Regional mean export resilience in the year before each shock and in the shock year": (
            "各次冲击前一年与冲击当年的区域出口韧性均值"
        ),
        # heterogeneity and tests
        "coefficient (95% CI)": "系数（95% 置信区间）",
        "Coefficient plot of the heterogeneity groups": "异质性分组系数图",
        "Heterogeneity estimates and group-difference tests": "异质性估计与组间差异检验",
        "comparison": "比较",
        "group": "组别",
        "model": "模型",
        "term": "变量",
        "n obs": "样本量",
        "estimate": "估计值",
        "std error": "标准误",
        "p value": "p 值",
        "ci lower": "置信区间下限",
        "ci upper": "置信区间上限",
        "permutation p": "置换检验 p 值",
        "interaction p": "交互项检验 p 值",
        "test name": "检验",
        "statistic": "统计量",
        "df": "自由度",
        "Hausman compares": "Hausman 检验比较的系数",
        "V FE − V RE PD": "V_FE − V_RE 是否正定",
        "effects": "固定效应",
        "shared (Stata default)": "全部共有系数（Stata 默认）",
        "named regressors": "仅核心解释变量",
        "not recorded": "未记录",
        "no (Moore–Penrose, q = rank)": "否（Moore–Penrose 广义逆，q = 秩）",
        "Tests: Hausman (FE vs RE; plain and sigmamore, each over the coefficients "
        "Stata's hausman fe re compares by default, all shared but the constant, and "
        "over the named regressors only), Sobel and bootstrap (mediation), "
        "permutation and interaction (group differences), wild cluster bootstrap; "
        "each test's id is in results.tests.test_name": (
            "检验：Hausman 检验（固定效应 vs 随机效应；普通与 sigmamore 两种，各自比较 Stata "
            "hausman fe re 默认比较的系数，即除常数项外的全部共有系数，以及仅比较核心解释变量）、"
            "Sobel 检验与自助法（中介效应）、置换检验与交互项检验（组间差异）、野聚类自助法；"
            "各检验的标识见 results.tests.test_name"
        ),
        # quality
        "Per indicator: availability, interpolation, shape": "各指标：可得性、插补与分布形态",
        "index name": "指数",
        "n cells": "单元格数",
        "n observed": "观测值数",
        "availability share": "可得比例",
        "n interpolated": "插补数",
        "interpolated share": "插补比例",
        "skewness": "偏度",
        "kurtosis excess": "超额峰度",
        "is low availability": "可得性偏低",
        "is outlier flagged": "异常值标记",
        "interpolated cells, % of the sample": "插补单元格占样本的百分比",
        "Share of interpolated cells per indicator": "各指标插补单元格占比",
        "Per province: the 15 with the most interpolated cells": "各省份：插补单元格最多的 15 个",
        "No indicator pair is correlated above 0.9.": "没有相关系数高于 0.9 的指标对。",
        "Indicator pairs correlated above 0.9": "相关系数高于 0.9 的指标对",
        "indicator a": "指标甲",
        "indicator b": "指标乙",
        "correlation": "相关系数",
        # parameters
        "setting": "设置",
        "value": "取值",
        "var": "变量",
        "table": "数据表",
        "rows": "行数",
        "md5": "MD5",
        "none applied": "未使用",
        "yes": "是",
        "no": "否",
        "— (not set)": "—（未设置）",
        "estimation samples (results.models.data_fingerprint)": (
            "估计样本（results.models.data_fingerprint）"
        ),
        "{n} distinct sha256 over {models} models": "{models} 个模型共 {n} 个不同的 sha256",
        "covariance (results.models)": "协方差（results.models）",
        "Settings recorded in the warehouse": "数据仓库中记录的设置",
        "Project defaults (dbt_project.yml vars; a build may override them with --vars)": (
            "项目默认值（dbt_project.yml 中的变量；构建时可用 --vars 覆盖）"
        ),
        "dbt_project.yml could not be read.": "无法读取 dbt_project.yml。",
        "Data fingerprint (MD5 over the reference tables and the input files' SHA-256): "
        "{digest}": "数据指纹（参考表与输入文件 SHA-256 的 MD5）：{digest}",
        "Inputs: reference tables (rows, MD5) and input files (SHA-256)": (
            "输入：参考表（行数、MD5）与输入文件（SHA-256）"
        ),
    }
)

NOTES: dict[str, dict[str, str]] = {
    "stars": {
        "en": "*, ** and *** denote significance at the 10%, 5% and 1% levels. {inner} in "
        "parentheses; {covs}.",
        "zh": "注：括号内为{inner}（{covs}）；*、**、*** 分别表示在 10%、5%、1% 的水平上显著。",
    },
    "inner_std_error": {"en": "Standard errors", "zh": "稳健标准误"},
    "inner_t_stat": {"en": "t statistics", "zh": "t值"},
    "r2": {
        "en": "Within R²: Stata xtreg, fe (year dummies count as regressors); LSDV R²: all "
        "fixed effects counted as fitted (Stata areg).",
        "zh": "组内R²：同 Stata xtreg, fe（年份虚拟变量计为解释变量）；LSDV R²：全部固定效应"
        "计为拟合部分（同 Stata areg）。",
    },
    "dropped": {
        "en": "{n} of {total} rows dropped for missing values ({columns})",
        "zh": "{total} 个观测中有 {n} 个因缺失值剔除（{columns}）",
    },
    "dropped_by_year": {"en": "; by year: {years}", "zh": "；按年份：{years}"},
    "column": {"en": "{column}: {note}.", "zh": "{column}：{note}。"},
    "descriptives": {
        "en": "SD: sample standard deviation (divisor n − 1, as Stata summarize); N counts "
        "the non-missing values. Sample: {panel}, {rule}: {n_provinces} provinces, "
        "{first}–{last}. Computed in the warehouse (marts.fct_descriptive_statistics).",
        "zh": "注：标准差为样本标准差（除数为 n − 1，同 Stata summarize）；样本量为非缺失值个数。"
        "样本：{panel}，{rule}：{n_provinces} 个省份，{first}—{last} 年。由数据仓库计算"
        "（marts.fct_descriptive_statistics）。",
    },
}
"""The standard notes, per language; ``{field}`` filled by :meth:`Translator.note`."""

_LATIN = re.compile(r"[A-Za-z]")


class LanguageWarning(UserWarning):
    """Texts of a table or the report that have no translation and were left in English."""


def check_lang(lang: str, where: str = "--lang") -> str:
    """Return ``lang`` if it is one of :data:`LANGS`, else raise ValueError naming ``where``."""
    if lang not in LANGS:
        raise ValueError(f"{where}: language {lang!r} is not one of {list(LANGS)}")
    return lang


class Translator:
    """Translate English texts into ``lang``: the spec's own texts, then :data:`ZH`.

    Parameters
    ----------
    lang : str
        ``en`` (every text returned as it is) or ``zh``.
    own : mapping, optional
        ``english -> translated`` texts of the spec (labels, title, headers, notes).
    """

    def __init__(self, lang: str = DEFAULT_LANG, own: Mapping[str, str] | None = None):
        self.lang = check_lang(lang)
        self.own = dict(own or {})
        self.missing: list[str] = []
        self.produced: set[str] = set()

    def __call__(self, text: str) -> str:
        """``text`` in the language; English (and remembered) if there is no translation.

        A text this translator produced (a translation, a filled :meth:`format`) is
        returned as it is, so a label built in the language may pass through it again.
        """
        if self.lang == DEFAULT_LANG or not text or text in self.produced:
            return text
        if text in self.own.values() or text in ZH.values():
            return text  # already in the language (a label stored translated)
        if text in self.own or text in ZH:
            out = self.own.get(text, ZH.get(text, text))
            self.produced.add(out)
            return out
        if _LATIN.search(text) and text not in self.missing:
            self.missing.append(text)
        return text

    def format(self, template: str, **fields: object) -> str:
        """Translate ``template`` (a ZH key with ``{field}`` places), then fill the fields."""
        out = self(template).format(**fields)
        if self.lang != DEFAULT_LANG:
            self.produced.add(out)
        return out

    def join(self, items: Iterable[str], last: str | None = None) -> str:
        """List ``items`` as the language does: ``a, b`` in English, ``a、b`` in Chinese.

        ``last="and"`` joins the last item with the conjunction (``a, b and c``, ``a、b和c``).
        """
        items = list(items)
        if self.lang == DEFAULT_LANG:
            comma, word = ", ", f" {last} " if last else ", "
        else:
            comma, word = "、", self(last) if last else "、"
        if len(items) < 2:
            return "".join(items)
        return comma.join(items[:-1]) + word + items[-1]

    def cell(self, text: str) -> str:
        """Translate a table cell: only the fixed words (Yes / No), never a number."""
        return ZH.get(text, text) if self.lang != DEFAULT_LANG else text

    def note(self, key: str, **fields: object) -> str:
        """Return the standard note ``key`` of :data:`NOTES` in the language, fields filled."""
        return NOTES[key][self.lang].format(**fields)

    def warn(self, where: str) -> None:
        """Warn once, listing every text of ``where`` that was left in English."""
        if self.missing:
            warnings.warn(
                f"{where}: no {self.lang} text for {self.missing}; English used. Give them "
                f"as {{en: ..., {self.lang}: ...}} in the spec (labels, title, columns, "
                "notes) or add fixed labels to resilience.i18n.ZH",
                LanguageWarning,
                stacklevel=3,
            )
