"""Tables and report in Chinese (``--lang zh``): spec labels per language, fixed rows and
notes from resilience.i18n, English kept (and warned about) where a text has no zh."""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
import warnings

import pytest
from docx import Document
from docx.oxml.ns import qn
from typer.testing import CliRunner

from resilience import dgp
from resilience.cli import app
from resilience.estimate import fit_model, stored_fits
from resilience.i18n import ZH, LanguageWarning, Translator
from resilience.specs import SpecError, load_specs
from resilience.tables import build_table, to_docx, to_html, to_latex, to_markdown

STANDARD_ZH_NOTE = "*、**、*** 分别表示在 10%、5%、1% 的水平上显著。"


@pytest.fixture(scope="module")
def fits():
    specs = load_specs()
    panel = dgp.simulate_dataflow_panel(hp_missing=3)
    spec = specs.tables["wl_table2"]
    return specs, spec, {c.model: fit_model(panel, specs.models[c.model]) for c in spec.columns}


def test_zh_table_has_chinese_labels_rows_and_the_standard_note(fits):
    specs, spec, results = fits
    with warnings.catch_warnings():
        warnings.simplefilter("error", LanguageWarning)  # every text of wl_table2 has zh
        table = build_table(spec, stored_fits(results, specs), lang="zh")
    assert table.title == "表2 基准回归结果"
    assert table.header == ("(1) 出口韧性", "(2) 出口韧性")
    labels = [label for label, _ in table.rows]
    for text in ("被解释变量", "数据要素流动环境", "教育水平", "常数项", "样本量", "组内R²（Stata）",
                 "省份固定效应", "年份固定效应"):  # fmt: skip
        assert text in labels
    assert dict(table.rows)["被解释变量"] == ("出口韧性", "出口韧性")
    assert dict(table.rows)["省份固定效应"] == ("是", "是")
    assert table.notes[0] == "注：括号内为稳健标准误（省份层面聚类）；" + STANDARD_ZH_NOTE
    for text in (to_markdown(table), to_latex(table), to_html(table)):
        assert "数据要素流动环境" in text and "注：括号内为稳健标准误" in text


def test_en_is_unchanged_by_the_translations(fits):
    specs, spec, results = fits
    table = build_table(spec, stored_fits(results, specs))
    assert table == build_table(spec, stored_fits(results, specs), lang="en")
    assert table.title == "Wang & Lu Table 2: Baseline regression results"
    assert [label for label, _ in table.rows][:2] == ["Dependent variable", "Data"]
    assert table.notes[0].startswith("*, ** and *** denote significance at the 10%, 5%")


def test_t_statistics_note_in_chinese():
    specs = load_specs()
    panel = dgp.simulate_spillover_panel(seed=1)
    spec = specs.tables["ch_table_robust"]
    results = {c.model: fit_model(panel, specs.models[c.model]) for c in spec.columns}
    table = build_table(spec, stored_fits(results, specs), lang="zh")
    assert table.notes[0] == "注：括号内为t值（省份层面聚类）；" + STANDARD_ZH_NOTE
    assert "外商直接投资技术溢出" in dict(table.rows)


def test_missing_zh_falls_back_to_english_and_is_listed_in_a_warning(fits):
    specs, spec, results = fits
    own = {k: v for k, v in spec.texts["zh"].items() if k not in ("edu", "(2) ExpRes")}
    bare = dataclasses.replace(spec, texts={"zh": own})
    with pytest.warns(LanguageWarning, match=r"table 'wl_table2': no zh text for "
                      r"\['\(2\) ExpRes', 'edu'\]; English used") as caught:  # fmt: skip
        table = build_table(bare, stored_fits(results, specs), lang="zh")
    assert len(caught) == 1
    assert table.header == ("(1) 出口韧性", "(2) ExpRes")
    assert "edu" in dict(table.rows) and "教育水平" not in dict(table.rows)


def test_fixed_labels_are_one_dictionary():
    assert ZH["N"] == "样本量" and ZH["Yes"] == "是" and ZH["Province FE"] == "省份固定效应"
    assert len(set(ZH)) == len(ZH)


SPEC = """
{top}
models:
  m1: {{panel: marts.p, outcome: y, regressors: [x]}}
tables:
  t1:
    title: {title}
    columns: [{{model: m1, label: {label}}}]
    labels: {{x: {x}, y: Y}}
"""


def write_spec(tmp_path, top="", title="T", label="(1)", x="X"):
    path = tmp_path / "spec.yaml"
    path.write_text(SPEC.format(top=top, title=title, label=label, x=x), encoding="utf-8")
    return path


def test_spec_accepts_strings_and_mappings_per_language(tmp_path):
    path = write_spec(tmp_path, top="lang: zh", title="{en: T, zh: 表}", x="{en: X, zh: 甲}")
    table = load_specs(path).tables["t1"]
    assert (table.title, table.labels, table.lang) == ("T", {"x": "X", "y": "Y"}, "zh")
    assert table.texts == {"zh": {"T": "表", "X": "甲"}}
    assert load_specs(write_spec(tmp_path)).tables["t1"].lang is None


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"top": "lang: fr"}, "top level, key 'lang': 'fr' is not one of \\['en', 'zh'\\]"),
        ({"x": "{en: X, fr: Y}"}, "table 't1', key 'labels.x': language 'fr' is not one of"),
        ({"x": "{zh: 甲}"}, "table 't1', key 'labels.x': .* has no 'en' text"),
        ({"title": "{en: T, zh: [a]}"}, "table 't1', key 'title': each language's text"),
        ({"label": "{zh: 一}"}, "table 't1', key 'columns\\[1\\].label': .* no 'en' text"),
    ],
)
def test_spec_validation_of_the_language_keys(tmp_path, kwargs, message):
    path = write_spec(tmp_path, **kwargs)
    with pytest.raises(SpecError, match=message) as info:
        load_specs(path)
    assert str(path) in str(info.value)


def test_spec_level_lang_is_the_default_and_lang_overrides_it(fits):
    specs, spec, results = fits
    zh_default = dataclasses.replace(spec, lang="zh")
    assert build_table(zh_default, stored_fits(results, specs)).title == "表2 基准回归结果"
    assert build_table(zh_default, stored_fits(results, specs), lang="en").title == spec.title


def test_word_uses_simsun_for_the_chinese_text(fits, tmp_path):
    specs, spec, results = fits
    table = build_table(spec, stored_fits(results, specs), lang="zh")
    document = Document(str(to_docx([table], tmp_path / "zh.docx")))
    fonts = document.styles["Normal"].element.rPr.rFonts
    assert fonts.get(qn("w:eastAsia")) == "SimSun"
    cells = [c.text for row in document.tables[0].rows for c in row.cells]
    assert "数据要素流动环境" in cells and "样本量" in cells


XELATEX = shutil.which("xelatex")


@pytest.mark.skipif(XELATEX is None, reason="xelatex is not installed (apt-get install "
                    "texlive-xetex texlive-lang-chinese)")  # fmt: skip
def test_zh_tex_compiles_with_xelatex_and_ctex(fits, tmp_path):
    specs, spec, results = fits
    (tmp_path / "wl_table2.tex").write_text(
        to_latex(build_table(spec, stored_fits(results, specs), lang="zh")), encoding="utf-8"
    )
    (tmp_path / "paper.tex").write_text(
        "\\documentclass{article}\n\\usepackage{ctex}\n"
        "\\usepackage{booktabs,threeparttable,graphicx,pdflscape}\n"
        "\\begin{document}\n\\input{wl_table2.tex}\n\\end{document}\n",
        encoding="utf-8",
    )
    proc = subprocess.run(
        [XELATEX, "-interaction=nonstopmode", "-halt-on-error", "paper.tex"],
        cwd=tmp_path, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout[-3000:]
    log = (tmp_path / "paper.log").read_text(encoding="utf-8", errors="replace")
    assert "Missing character" not in log


runner = CliRunner()


def test_cli_estimate_and_report_lang_zh(built_warehouse, tmp_path):
    db = tmp_path / "warehouse.duckdb"
    db.write_bytes(built_warehouse.read_bytes())
    out = tmp_path / "tables"
    args = ["--db", str(db), "--tables", "wl_table2,wl_descriptives", "--out-dir", str(out)]
    result = runner.invoke(app, ["estimate", *args, "--lang", "zh"])
    assert result.exit_code == 0, result.output
    md = (out / "wl_table2.md").read_text(encoding="utf-8")
    assert "### 表2 基准回归结果" in md and "| 样本量 | 450 | 450 |" in md
    assert STANDARD_ZH_NOTE in md
    descriptives = (out / "wl_descriptives.md").read_text(encoding="utf-8")
    assert "| | 样本量 | 均值 | 标准差 | 最小值 | 最大值 |" in descriptives
    assert "注：标准差为样本标准差（除数为 n − 1" in descriptives
    report = tmp_path / "index.html"
    result = runner.invoke(app, ["report", "--db", str(db), "--out", str(report), "--lang", "zh"])
    assert result.exit_code == 0, result.output
    page = report.read_text(encoding="utf-8")
    assert "描述性统计" in page and "数据要素流动环境" in page and "被解释变量" in page
    assert STANDARD_ZH_NOTE in page
    # every section heading in Chinese, none left in English (no warning lists them)
    headings = re.findall(r"<h2[^>]*>([^<]*)</h2>", page)
    assert "回归结果" in headings and "数据质量诊断" in headings and "概览" in headings
    assert not [h for h in headings if re.search(r"[A-Za-z]{3}", h)], headings
    assert "report section headings" not in result.output


def test_cli_refuses_an_unknown_lang(tmp_path):
    for command in ("estimate", "report"):
        result = runner.invoke(app, [command, "--db", str(tmp_path / "x.duckdb"), "--lang", "fr"])
        assert result.exit_code == 2, result.output
        assert "--lang 'fr': not a language of the tables; give one of ['en', 'zh']" in (
            result.output
        )


@pytest.mark.parametrize(
    ("lang", "items", "last", "expected"),
    [
        ("en", ["a", "b", "c"], None, "a, b, c"),
        ("en", ["a", "b", "c"], "and", "a, b and c"),
        ("zh", ["甲", "乙", "丙"], None, "甲、乙、丙"),
        ("zh", ["甲", "乙", "丙"], "and", "甲、乙和丙"),
        ("zh", ["甲"], "and", "甲"),
        ("en", [], None, ""),
    ],
)
def test_lists_are_joined_as_the_language_writes_them(lang, items, last, expected):
    assert Translator(lang).join(items, last=last) == expected
