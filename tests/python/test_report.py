"""The HTML report: degrades on an empty warehouse, renders every section on a built one,
and a headless Chromium shows it (sections and tables in the DOM, a non-blank screenshot)."""

from __future__ import annotations

import re
import shutil
import subprocess

import duckdb
import pytest

from resilience.report import SECTION_IDS, SYNTHETIC_NOTE, write_report

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--disable-dev-shm-usage",
]


def section_html(page: str, section_id: str) -> str:
    match = re.search(rf'<section id="{section_id}">(.*?)</section>', page, re.S)
    assert match, f"section {section_id} missing"
    return match.group(1)


def test_empty_warehouse_gives_every_section_with_visible_notes(tmp_path):
    db = tmp_path / "empty.duckdb"
    duckdb.connect(str(db)).close()
    outcome = write_report(db, tmp_path / "index.html")
    page = outcome.path.read_text()
    for section_id in SECTION_IDS:
        section_html(page, section_id)
    assert "Not built yet" in section_html(page, "weights")
    assert "Not estimated yet" in section_html(page, "regressions")
    assert "Not estimated yet" in section_html(page, "heterogeneity")
    assert SYNTHETIC_NOTE not in page  # no demo seeds, no banner
    assert outcome.notes  # the CLI lists what is missing


@pytest.fixture(scope="module")
def report_with_results(built_warehouse, tmp_path_factory):
    """A copy of the built warehouse, estimated (Wang & Lu Tables 2-4), and its report.

    Table 4 carries the mediation and heterogeneity models and their tests, so every
    section of the report has something to show; the specification curve is run when the
    build has the index variants (``resilience sensitivity``).
    """
    from resilience import estimate, speccurve

    tmp = tmp_path_factory.mktemp("report")
    db = tmp / "warehouse.duckdb"
    shutil.copy(built_warehouse, db)
    estimate.run(db, tables=["wl_table2", "wl_table3", "wl_table4"], out_dir=tmp / "tables")
    speccurve.run(db)
    return write_report(db, tmp / "index.html")


@pytest.mark.slow
def test_built_warehouse_report_has_every_section_filled(report_with_results):
    page = report_with_results.path.read_text()
    assert SYNTHETIC_NOTE in page
    db = report_with_results.path.parent / "warehouse.duckdb"  # the fixture keeps both together
    for section_id in SECTION_IDS:  # every section filled: the build has the index variants
        body = section_html(page, section_id)
        if section_id != "overview":
            assert "<table" in body, f"section {section_id} has no table"
            assert 'class="missing"' not in body, f"section {section_id}: {body[:300]}"
    for section_id in (
        "weights",
        "ranking",
        "regional",
        "export-paths",
        "heterogeneity",
        "sensitivity",
        "specification-curve",
        "quality",
    ):
        assert "data:image/png;base64," in section_html(page, section_id)
    regressions = section_html(page, "regressions")
    # the publication tables' rows (resilience.tables.build_table), as in reports/tables
    assert (
        "<th>Data</th>" in regressions
        and "Within R² (Stata)" in regressions
        and "LSDV R²" in regressions
    )
    assert "(0." in regressions  # standard errors in parentheses
    # rows a model could not use are reported beside its table, never dropped silently
    with duckdb.connect(str(db), read_only=True) as con:
        (lag_dropped, lag_n) = con.execute(
            "select n_dropped, n_obs from results.models where model_id = 'wl_t3_lag1'"
        ).fetchone()
    assert lag_dropped == 30  # the first panel year has no lag
    assert (
        f"{lag_dropped} of {lag_n + lag_dropped} rows dropped for missing values "
        f"(lag1_Data: 30); by year: 2009 30"
    ) in regressions
    # self-contained: nothing is fetched from elsewhere
    assert not re.search(r'(src|href)="(https?:)?//', page)


@pytest.mark.slow
def test_browser_opens_report_sections_tables_and_screenshot(report_with_results, tmp_path):
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (apt-get install chromium; .ci/run installs it)")
    url = report_with_results.path.resolve().as_uri()
    profile = tmp_path / "profile"
    dom = subprocess.run(
        [CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--dump-dom", url],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert dom.returncode == 0, dom.stderr[-2000:]
    rendered = dom.stdout
    for section_id in SECTION_IDS:
        assert f'<section id="{section_id}">' in rendered, section_id
    assert rendered.count("<table") == report_with_results.n_tables
    assert rendered.count("<img") == report_with_results.n_figures
    assert 'id="synthetic-banner"' in rendered

    shot = tmp_path / "report.png"
    proc = subprocess.run(
        [
            CHROMIUM,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={profile}",
            f"--screenshot={shot}",
            "--window-size=1280,2400",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert proc.returncode == 0 and shot.exists(), proc.stderr[-2000:]
    from PIL import Image

    image = Image.open(shot).convert("RGB")
    assert image.size == (1280, 2400)
    grey = image.convert("L")
    low, high = grey.getextrema()
    assert high - low > 100, "screenshot is blank (one flat colour)"
    histogram = grey.histogram()
    non_white = 1 - histogram[-1] / sum(histogram) - sum(histogram[250:255]) / sum(histogram)
    assert non_white > 0.05, f"screenshot is almost blank ({non_white:.1%} non-white pixels)"
    assert len(image.getcolors(maxcolors=1_000_000) or []) > 200  # plots, not just text
    # the red synthetic banner is on screen
    import numpy as np

    top = np.asarray(image.crop((0, 0, 1280, 200)))
    red = ((top[..., 0] > 150) & (top[..., 1] < 40) & (top[..., 2] < 60)).sum()
    assert red > 1000


OVERFLOW_PROBE = """<script>
document.addEventListener("DOMContentLoaded", function () {
  var rows = [];
  document.querySelectorAll("table").forEach(function (table) {
    var scrolls = false;
    for (var e = table.parentElement; e; e = e.parentElement) {
      var o = getComputedStyle(e).overflowX;
      if (o === "auto" || o === "scroll") { scrolls = true; break; }
    }
    rows.push({caption: table.caption ? table.caption.textContent.slice(0, 80) : "",
               width: table.scrollWidth, room: table.parentElement.clientWidth,
               scrolls: scrolls});
  });
  var out = document.createElement("pre");
  out.id = "overflow-probe";
  out.textContent = JSON.stringify(rows);
  document.body.appendChild(out);
});
</script>"""
"""Measures every table in the browser: its width, its container's, whether it can scroll."""


@pytest.mark.slow
def test_browser_shows_every_table_whole(report_with_results, tmp_path):
    """At a 1280 px window no table is wider than its section (nothing cut off on the right),
    and every table sits in a horizontal scroll container for narrower windows."""
    import html
    import json

    if CHROMIUM is None:
        pytest.skip("chromium is not installed (apt-get install chromium; .ci/run installs it)")
    page = report_with_results.path.read_text(encoding="utf-8")
    probed = tmp_path / "probed.html"  # a copy: the report itself has no JavaScript
    probed.write_text(page.replace("</body>", OVERFLOW_PROBE + "</body>"), encoding="utf-8")
    dom = subprocess.run(
        [
            CHROMIUM,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={tmp_path / 'profile'}",
            "--window-size=1280,2400",
            "--virtual-time-budget=5000",
            "--dump-dom",
            probed.resolve().as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert dom.returncode == 0, dom.stderr[-2000:]
    match = re.search(r'<pre id="overflow-probe">(.*?)</pre>', dom.stdout, re.S)
    assert match, "the probe did not run"
    tables = json.loads(html.unescape(match.group(1)))
    assert len(tables) == report_with_results.n_tables
    cut_off = [t for t in tables if t["width"] > t["room"]]
    assert not cut_off, f"tables wider than their section: {cut_off}"
    assert all(t["scrolls"] for t in tables), [t for t in tables if not t["scrolls"]]


def visible_text(page: str) -> str:
    """The page's text as a reader sees it: no style, script or tags (so no data URIs)."""
    import html

    page = re.sub(r"<(style|script)\b.*?</\1>", " ", page, flags=re.S).replace("<wbr>", "")
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def section_tables(body: str) -> list[list[list[str]]]:
    """Each table of an HTML fragment as rows of cell texts (header row first)."""
    tables = []
    for table in re.findall(r"<table.*?</table>", body, re.S):
        rows = re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S)
        tables.append(
            [
                [visible_text(c).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r, re.S)]
                for r in rows
            ]  # fmt: skip
        )
    return tables


RAW_TEXT_PATTERNS = (
    (r"\w+_complement\b", "a model id (supplementary or heterogeneity table)"),
    (r"\w+_interaction\b", "a model id"),
    (r"\{\s*[\"']", "a JSON or Python dict"),
    (r"\bNone\b", "a Python None"),
    (r"\b(False|True)\b", "a Python boolean"),
)
"""What a reader must never see in a report: (regex, what it is)."""


def assert_none_visible(text: str, patterns) -> None:
    """Fail on the first pattern found in the visible text, quoting where it stands."""
    for pattern, what in patterns:
        found = re.search(pattern, text)
        assert not found, (
            f"{what} in the visible text: …{text[found.start() - 80 : found.end() + 40]}…"
        )


@pytest.mark.slow
def test_visible_text_has_no_raw_ids_json_or_python_literals(report_with_results):
    text = visible_text(report_with_results.path.read_text(encoding="utf-8"))
    assert_none_visible(text, RAW_TEXT_PATTERNS)
    # the supplementary models are headed by their column and role, as the spec names them
    assert "Wang & Lu Table 4, (3) Central-western: complement group" in text
    # the wild bootstrap note names the focal coefficient by its label, as the tables do
    assert re.search(r"focal coefficient Data[;,]", text)


@pytest.mark.slow
def test_shock_table_has_one_set_of_columns_and_no_blank_cells(report_with_results):
    page = report_with_results.path.read_text(encoding="utf-8")
    (shock,) = [t for t in section_tables(section_html(page, "export-paths")) if t[0][0] == "shock"]
    header, *rows = shock
    assert header == [
        "shock", "region", "year before", "mean year before", "mean shock year", "change"
    ]  # fmt: skip
    assert len(rows) == 6  # two shocks x three regions
    assert all(all(cell for cell in row) for row in rows), rows
    for row in rows:  # change = shock year - year before, at the printed precision
        assert abs(float(row[4]) - float(row[3]) - float(row[5])) < 2e-4


@pytest.mark.slow
def test_report_numbers_agree_with_the_markdown_tables(report_with_results):
    """A coefficient, its SE and R² read the same in the report and in reports/tables/*.md."""
    page = report_with_results.path.read_text(encoding="utf-8")
    md = (report_with_results.path.parent / "tables" / "wl_table2.md").read_text(encoding="utf-8")
    md_rows = [[c.strip() for c in line.strip("|").split("|")] for line in md.splitlines()
               if line.startswith("|")]  # fmt: skip
    data = next(i for i, r in enumerate(md_rows) if r[0] == "Data")
    estimate, se = md_rows[data][2], md_rows[data + 1][2]
    (table,) = [
        t for t in section_tables(section_html(page, "regressions"))
        if t[0][1:3] == ["(1) ExpRes", "(2) ExpRes"]
    ]  # fmt: skip
    # one renderer: the report's table is the publication table, row for row
    labels = [row[0] for row in table]
    assert table[labels.index("Data")][2] == estimate
    assert table[labels.index("Data") + 1][2] == se
    assert table[1:-1] == md_rows[2:]  # the last row is the footer of notes


def test_year_axes_have_whole_years_that_do_not_overlap():
    """Trend panels and export paths: ticks on whole years only, labels kept apart."""
    import matplotlib.pyplot as plt
    import numpy as np
    import pandas as pd

    from resilience.report import export_paths_figure, regional_figure

    years = np.arange(2003, 2024)
    spans = {"dataflow": (2009, 2023), "resilience": (2003, 2019)}  # the two papers' samples
    means = pd.DataFrame(
        [
            {"index_name": i, "region": r, "year": y, "score": 0.1 + 0.01 * (y - first)}
            for i, (first, last) in spans.items()
            for i in (i, f"{i}_pca")
            for r in ("east", "central", "west")
            for y in range(first, last + 1)
        ]
    )
    paths = pd.DataFrame(
        {"province_code": "11", "region": "east", "year": years, "exp_res": np.linspace(-1, 2, 21)}
    )
    for fig in (
        regional_figure(means),
        export_paths_figure(paths, paths[["region", "year", "exp_res"]], "exp_res"),
    ):
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        for ax in fig.axes:
            low, high = sorted(ax.get_xlim())
            ticks = [t for t in ax.xaxis.get_major_ticks() if low <= t.get_loc() <= high]
            labels = [t.label1 for t in ticks if t.label1.get_visible() and t.label1.get_text()]
            assert len(labels) >= 2
            for t in ticks:
                assert float(t.get_loc()).is_integer(), t.get_loc()
            assert all(re.fullmatch(r"\d{4}", lab.get_text()) for lab in labels), [
                lab.get_text() for lab in labels
            ]
            boxes = sorted((lab.get_window_extent(renderer) for lab in labels), key=lambda b: b.x0)
            for left, right in zip(boxes, boxes[1:], strict=False):
                assert left.x1 + 2 < right.x0, f"{ax.get_title()}: tick labels touch"
        plt.close(fig)


def test_defaults_are_said_in_words():
    from resilience.report import setting_text

    assert setting_text(None) == "— (not set)"
    assert [setting_text(True), setting_text(False)] == ["yes", "no"]
    assert setting_text({"number": "[0-9]+", "n": 2}) == "number: [0-9]+; n: 2"
    assert setting_text(["a", 1]) == "a, 1"
    assert setting_text(0.1) == "0.1"


def test_supplementary_models_are_named_by_column_and_role():
    import json

    import pandas as pd

    from resilience.report import model_label

    def spec(**kw):
        return json.dumps({"regressors": ["data_index"], "controls": ["edu"], **kw})

    models = pd.DataFrame(
        {
            "model_id": ["wl_t4_cw", "wl_t4_cw_complement", "wl_t2_c2", "wl_med_isu_step3", "x"],
            "table_id": ["wl_table4", None, "wl_table2", None, None],
            "column_label": ["(3) Central-western", None, "(2) ExpRes", None, None],
            "spec": [
                spec(),
                spec(model_id="wl_t4_cw", role="complement group", flag="is_central_west"),
                spec(),
                spec(
                    model_id="wl_t2_c2",
                    role="mediation step 3",
                    formula="exp_res ~ 1 + data_index + isu + edu + EntityEffects",
                ),
                spec(),
            ],
        }
    )
    labels = {"isu": "ISU"}
    tables = {"wl_table4": "Wang & Lu Table 4"}
    assert model_label(models, "wl_t4_cw_complement", labels) == (
        "(3) Central-western: complement group"
    )
    assert model_label(models, "wl_t4_cw_complement", labels, tables) == (
        "Wang & Lu Table 4, (3) Central-western: complement group"
    )
    assert model_label(models, "wl_med_isu_step3", labels) == "(2) ExpRes + ISU: mediation step 3"
    assert model_label(models, "x", labels) == "x"  # nothing to name it by: its id


def test_chen_table2_says_why_it_starts_at_column_2():
    """The paper's Table 2 is headed RES (2)-(4) after equations (2)-(4); (1) is no regression."""
    import pandas as pd

    from resilience.report import regression_tables
    from resilience.specs import load_specs

    (note,) = load_specs(None).tables["ch_table2"].notes
    assert "no column (1)" in note and "equation (1) is the perpetual-inventory R&D" in note
    frames = {
        "coefficients": pd.DataFrame(
            {
                "model_id": ["ch_t2_m2"],
                "term": ["lnfdi"],
                "estimate": [0.0493],
                "std_error": [0.0162],
                "t_stat": [3.048],
                "p_value": [0.004],
            }
        ),
        "models": pd.DataFrame(
            {
                "model_id": ["ch_t2_m2"],
                "table_id": ["ch_table2"],
                "column_label": ["RES (2)"],
                "outcome": ["res"],
                "spec": [
                    '{"formula": "res ~ 1 + lnfdi + EntityEffects + TimeEffects", '
                    '"regressors": ["lnfdi"], "controls": []}'
                ],
                "n_obs": [300],
                "n_dropped": [0],
                "r2_within": [0.5],
                "r2_lsdv": [0.9],
                "effects": ["two-way"],
                "cov_type": ["clustered"],
            }
        ),
    }
    # the publication renderer, as reports/tables/ch_table2.md: the t statistic below
    (table,) = regression_tables(frames, "en")
    assert note in table.notes
    assert table.header == ("RES (2)",)
    rows = [label for label, _ in table.rows]
    assert table.rows[rows.index("LNFDI")] == ("LNFDI", ("0.0493***",))
    assert table.rows[rows.index("LNFDI") + 1] == ("", ("(3.048)",))


def test_report_cli_exit_code_without_warehouse(tmp_path):
    from typer.testing import CliRunner

    from resilience.cli import app

    result = CliRunner().invoke(app, ["report", "--db", str(tmp_path / "nope.duckdb")])
    assert result.exit_code == 6
    assert "does not exist" in result.output


def test_report_cli_writes_file(tmp_path):
    from typer.testing import CliRunner

    from resilience.cli import app

    db = tmp_path / "empty.duckdb"
    duckdb.connect(str(db)).close()
    out = tmp_path / "r" / "index.html"
    result = CliRunner().invoke(app, ["report", "--db", str(db), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.exists()
    assert "note:" in result.output


def test_tests_table_names_both_hausman_conventions():
    """Both Hausman conventions are rows of the report's tests table, each said which."""
    import json

    import pandas as pd

    from resilience.report import hausman_columns

    def detail(compare, positive_definite):
        return json.dumps({"compare": compare, "positive_definite": positive_definite})

    tests = pd.DataFrame(
        {
            "model_id": ["m"] * 3,
            "test_name": ["hausman", "hausman_named", "sobel[isu]"],
            "statistic": [42.35, 42.35, 2.0],
            "detail": [detail("shared", False), detail("named", True), "{}"],
        }
    )
    shown = hausman_columns(tests, tests[["model_id", "test_name", "statistic"]])
    assert list(shown["Hausman compares"]) == ["shared (Stata default)", "named regressors", ""]
    assert list(shown["V_FE − V_RE PD"]) == ["no (Moore–Penrose, q = rank)", "yes", ""]
    plain = tests.iloc[[2]]
    assert list(hausman_columns(plain, plain).columns) == list(plain.columns)


def _weights_frame():
    import pandas as pd

    # one indicator with both labels, one whose system gives no Chinese label
    return pd.DataFrame(
        {
            "index_name": ["dataflow", "dataflow"],
            "dimension": ["communication", "communication"],
            "indicator": ["postal_business_volume", "postal_letters"],
            "label_en": ["Total postal business volume", "Number of postal letters"],
            "label_zh": ["邮政业务总量", None],
            "direction": ["+", "+"],
            "year": [None, None],
            "entropy": [0.9, 0.8],
            "divergence": [0.1, 0.2],
            "weight": [1 / 3, 2 / 3],
            "published_weight": [0.1525, 0.1385],
        }
    )


def test_weights_section_names_indicators_by_their_label_in_the_language():
    from resilience.i18n import Translator
    from resilience.report import section_weights

    (table,) = section_tables("".join(section_weights({"weights": _weights_frame()}).blocks))
    header, *rows = table
    column = header.index("indicator")
    assert [r[column] for r in rows] == ["Total postal business volume", "Number of postal letters"]
    assert [r[header.index("id")] for r in rows] == ["postal_business_volume", "postal_letters"]
    tr = Translator("zh")
    (table,) = section_tables("".join(section_weights({"weights": _weights_frame()}, tr).blocks))
    assert [r[column] for r in table[1:]] == ["邮政业务总量", "Number of postal letters"]
    # the indicator left in English is listed in the report's language warning
    assert "Number of postal letters" in tr.missing


def test_quality_section_names_indicators_by_their_label():
    import pandas as pd

    from resilience.i18n import Translator
    from resilience.report import section_quality

    frames = {
        "weights": _weights_frame(),
        "indicator_diagnostics": pd.DataFrame(
            {
                "index_name": ["dataflow"],
                "dimension": ["communication"],
                "indicator": ["postal_business_volume"],
                "interpolated_share": [0.0],
            }
        ),
        "correlations": pd.DataFrame(
            {
                "index_name": ["dataflow"],
                "indicator_a": ["postal_business_volume"],
                "indicator_b": ["postal_letters"],
                "correlation": [0.95],
                "is_highly_correlated": [True],
            }
        ),
    }
    body = "".join(section_quality(frames, Translator("zh")).blocks)
    per_indicator, pairs = section_tables(body)
    assert per_indicator[1][per_indicator[0].index("指标")] == "邮政业务总量"
    assert pairs[1][1:3] == ["邮政业务总量", "Number of postal letters"]


def test_absorption_rows_hand_worked_as_report_and_tables_share_them():
    """One function for both (resilience.tables.absorption_rows): a hand-worked row.

    Column 1 leaves 0.41234 of Data's variance (3 decimals: 0.412), column 2 lacks the term
    (blank); ``edu`` is in no column, so it gets no row.
    """
    from resilience.i18n import Translator
    from resilience.tables import absorption_rows

    rows = absorption_rows(
        [{"data_index": 0.41234}, {}], ["data_index", "edu"], {"data_index": "Data"}
    )
    assert rows == [("Variance of Data left by FE", ("0.412", ""))]
    zh = absorption_rows(
        [{"data_index": 0.41234}], ["data_index"], {"data_index": "Data"},
        Translator("zh", {"Data": "数据要素流动环境"}),
    )  # fmt: skip
    assert zh == [("数据要素流动环境：固定效应后剩余方差占比", ("0.412",))]


def test_wild_bootstrap_rows_hand_worked():
    """p = 0.0312 (Rademacher) of one column, B = 9999, seed 7: row 0.031, note names Data."""
    import json

    import pandas as pd

    from resilience.tables import wild_bootstrap_rows

    tests = pd.DataFrame(
        {
            "model_id": ["m1"],
            "test_name": ["wild_bootstrap_rademacher"],
            "table_id": ["t"],
            "p_value": [0.0312],
            "detail": [json.dumps({"term": "data_index", "reps_requested": 9999, "seed": 7})],
        }
    )
    rows, notes = wild_bootstrap_rows(tests, [("m1", "(1)")], "t", {"data_index": "Data"})
    assert rows == [("Wild bootstrap p (Rademacher)", ("0.031",))]
    assert "focal coefficient Data; B = 9999" in notes[0] and "seed 7." in notes[0]


def test_tests_are_named_by_label_not_id():
    from resilience.i18n import Translator
    from resilience.report import test_label
    from resilience.results import TestKind

    labels = {"isu": "ISU"}
    sobel = TestKind("sobel", mediator="isu")
    central_west = TestKind("permutation_difference", flag="is_central_west")
    assert test_label(sobel, labels) == "Sobel test of the indirect effect via ISU"
    assert test_label(central_west, labels) == (
        "Permutation test of the group difference: central west"
    )
    assert test_label(TestKind("hausman", "sigmamore"), labels) == "Hausman χ², sigmamore"
    zh = Translator("zh", {"ISU": "产业结构升级"})
    assert test_label(central_west, labels, zh) == "组间系数差异置换检验：中西部"
    assert test_label(sobel, labels, zh) == "中介效应 Sobel 检验：产业结构升级"
    assert not zh.missing


def test_dropped_note_names_columns_by_label():
    """227 of 450 rows lost to exp_res_hp (labelled ExpRes (HP)): 227 + 223 kept = 450."""
    from resilience.i18n import Translator
    from resilience.tables import dropped_note

    labels = {"exp_res_hp": "ExpRes (HP)"}
    text = dropped_note(227, 223, {"exp_res_hp": 227}, {2009: 30}, labels=labels)
    assert text == "227 of 450 rows dropped for missing values (ExpRes (HP): 227); by year: 2009 30"
    zh = dropped_note(
        227, 223, {"exp_res_hp": 227}, {}, Translator("zh", {"ExpRes (HP)": "出口韧性（HP滤波）"}),
        labels,
    )  # fmt: skip
    assert "出口韧性（HP滤波）: 227" in zh and "exp_res_hp" not in zh


def test_zh_report_of_an_empty_warehouse_is_all_chinese(tmp_path):
    """Every heading, introduction and 'not built yet' note has its zh text: no warning."""
    import warnings

    from resilience.i18n import LanguageWarning

    db = tmp_path / "empty.duckdb"
    duckdb.connect(str(db)).close()
    with warnings.catch_warnings():
        warnings.simplefilter("error", LanguageWarning)
        outcome = write_report(db, tmp_path / "zh.html", lang="zh")
    page = outcome.path.read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in page
    assert "尚未构建" in section_html(page, "weights")
    assert "Not built yet" not in visible_text(page)


@pytest.mark.slow
def test_zh_report_raises_no_language_warning_and_shows_no_ids(report_with_results, tmp_path):
    """The built report under --lang zh: every text translated, no raw ids, labels shown."""
    import warnings

    from resilience.i18n import LanguageWarning

    db = report_with_results.path.parent / "warehouse.duckdb"
    with warnings.catch_warnings():
        warnings.simplefilter("error", LanguageWarning)
        outcome = write_report(db, tmp_path / "zh.html", lang="zh")
    text = visible_text(outcome.path.read_text(encoding="utf-8"))
    assert_none_visible(
        text,
        RAW_TEXT_PATTERNS
        + (
            (r"permutation_difference\[|sobel\[|interaction_wald\[", "a raw test name"),
            (r"exp_res_hp:", "a column id in the dropped-rows note"),
        ),
    )
    assert "组间系数差异置换检验：中西部" in text  # the tests table names tests by label
    assert "对照组" in text  # a complement model named by its column and role
