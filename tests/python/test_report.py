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
    section of the report has something to show.
    """
    from resilience import estimate

    tmp = tmp_path_factory.mktemp("report")
    db = tmp / "warehouse.duckdb"
    shutil.copy(built_warehouse, db)
    estimate.run(db, tables=["wl_table2", "wl_table3", "wl_table4"], out_dir=tmp / "tables")
    return write_report(db, tmp / "index.html")


@pytest.mark.slow
def test_built_warehouse_report_has_every_section_filled(report_with_results):
    page = report_with_results.path.read_text()
    assert SYNTHETIC_NOTE in page
    for section_id in SECTION_IDS:
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
        "quality",
    ):
        assert "data:image/png;base64," in section_html(page, section_id)
    regressions = section_html(page, "regressions")
    assert "data_index" in regressions and "R² within" in regressions and "R² LSDV" in regressions
    assert "(0." in regressions  # standard errors in parentheses
    # rows a model could not use are reported beside its table, never dropped silently
    db = report_with_results.path.parent / "warehouse.duckdb"  # the fixture keeps both together
    with duckdb.connect(str(db), read_only=True) as con:
        (lag_dropped, lag_n) = con.execute(
            "select n_dropped, n_obs from results.models where model_id = 'wl_t3_lag1'"
        ).fetchone()
    assert lag_dropped == 30  # the first panel year has no lag
    assert (
        f"{lag_dropped} of {lag_n + lag_dropped} rows dropped for missing values "
        f"(lag1_data_index: 30); by year: 2009 30"
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
