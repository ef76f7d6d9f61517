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
from collections.abc import Mapping

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
    # resilience.tables.ABSORPTION_NOTE
    "Variance left by FE: the share of the regressor's sample variance left after the "
    "column's fixed effects (its residual on province and, with year FE, year dummies), the "
    "variation that identifies its slope; every regressor's in results.absorption.": (
        "固定效应后剩余方差占比：解释变量的样本方差在该列固定效应（省份及年份虚拟变量）之后剩余的比例，"
        "即识别其系数的变异；各解释变量的数值见 results.absorption。"
    ),
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
    # regression tables of the report (resilience.report.regression_tables)
    "Outcome": "被解释变量",
    "R² within (Stata xtreg)": "组内R²（Stata xtreg）",
    "R² LSDV": "LSDV R²",
    "Effects": "固定效应",
    "Covariance": "标准误",
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
        "(resilience sensitivity): the coefficients sorted, with 95% confidence intervals "
        "(Simonsohn, Simmons & Nelson 2020).": (
            "以指数的每个蒙特卡洛变体重新估计各基准回归（resilience sensitivity）：系数排序，"
            "附 95% 置信区间（Simonsohn, Simmons & Nelson 2020）。"
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

    def __call__(self, text: str) -> str:
        """``text`` in the language; English (and remembered) if there is no translation."""
        if self.lang == DEFAULT_LANG or not text:
            return text
        if text in self.own:
            return self.own[text]
        if text in ZH:
            return ZH[text]
        if _LATIN.search(text) and text not in self.missing:
            self.missing.append(text)
        return text

    def format(self, template: str, **fields: object) -> str:
        """Translate ``template`` (a ZH key with ``{field}`` places), then fill the fields."""
        return self(template).format(**fields)

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
