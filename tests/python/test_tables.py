import json

import pandas as pd
import pytest
from docx import Document
from rich.console import Console

from resilience import dgp
from resilience.estimate import fit_model, stored_fits
from resilience.specs import load_specs
from resilience.tables import (
    build_table,
    number,
    print_table,
    stars,
    to_html,
    to_latex,
    to_markdown,
    write_tables,
)


@pytest.fixture(scope="module")
def table3():
    specs = load_specs()
    panel = dgp.simulate_dataflow_panel(hp_missing=3)
    spec = specs.tables["wl_table3"]
    fits = {c.model: fit_model(panel, specs.models[c.model]) for c in spec.columns}
    return build_table(spec, stored_fits(fits, specs)), fits


def test_stars_thresholds():
    assert [stars(p) for p in (0.009, 0.01, 0.049, 0.05, 0.099, 0.1)] == [
        "***",
        "**",
        "**",
        "*",
        "*",
        "",
    ]


def test_number_format():
    assert number(4.9619) == "4.962" and number(0.09594) == "0.0959" and number(-23.65) == "-23.650"


def test_cells_match_results(table3):
    table, fits = table3
    rows = dict((label, cells) for label, cells in table.rows if label)
    fit = fits["wl_t3_excl"]
    col = table.header.index("(4) Exclusion")
    assert rows["Data"][col] == number(fit.params["data_index"]) + stars(fit.pvalues["data_index"])
    assert rows["N"] == ("450", "420", "390", "405", "447")
    assert rows["Within R² (Stata)"][col] == f"{fit.r2_within:.3f}"
    assert rows["Control variables"] == ("Yes",) * 5
    assert "edu" not in rows  # controls hidden in Table 3
    se_row = table.rows[[label for label, _ in table.rows].index("Data") + 1]
    assert se_row[1][col] == f"({number(fit.std_errors['data_index'])})"


def test_dropped_rows_are_in_the_notes(table3):
    """Count, column and years of the rows lost, counted here from the panel itself."""
    table, _ = table3
    panel = dgp.simulate_dataflow_panel(hp_missing=3)
    lost = panel[panel["in_paper_sample"] & panel["exp_res_hp"].isna()]
    years = ", ".join(f"{y} {n}" for y, n in lost["year"].value_counts().sort_index().items())
    expected = (
        f"(5) Reconstruction (HP): 3 of 450 rows dropped for missing values (ExpRes (HP): 3); "
        f"by year: {years}."
    )
    assert len(lost) == 3 and expected in table.notes
    # a column that lost nothing has no such note
    assert not any(n.startswith("(4) Exclusion:") for n in table.notes)


def test_renderers(table3):
    table, _ = table3
    md, tex, html = to_markdown(table), to_latex(table), to_html(table)
    assert "| lag1_Data |" in md and md.count("\n|") >= len(table.rows) + 1
    assert r"\toprule" in tex and "$^{***}$" in tex and r"\label{tab:wl_table3}" in tex
    assert "<caption>" in html and "<td>405</td>" in html


def test_word_file_opens_and_holds_the_tables(table3, tmp_path):
    table, _ = table3
    files = write_tables([table, table], tmp_path)
    assert {f.suffix for f in files} == {".md", ".tex", ".html", ".docx"}
    document = Document(str(tmp_path / "tables.docx"))
    assert len(document.tables) == 2
    grid = document.tables[0]
    assert " ".join(grid.cell(0, 1).text.split()) == "(1) Reconstruction"  # may be set in two lines
    assert len(grid.rows) == len(table.rows) + 1
    cells = [[c.text for c in row.cells] for row in grid.rows]
    assert ["N", "450", "420", "390", "405", "447"] in cells


def test_terminal_print(table3):
    table, _ = table3
    console = Console(record=True, width=200)
    print_table(table, console)
    text = console.export_text()
    assert "Wang & Lu Table 3" in text and "lag2_Data" in text


def test_terminal_print_never_cuts_a_cell_on_a_narrow_console(table3):
    """80 columns (a pipe, CI): every cell is printed whole, with its stars."""
    table, _ = table3
    console = Console(record=True, width=80)
    print_table(table, console)
    text = console.export_text()
    assert "…" not in text
    for _, cells in table.rows:
        for cell in cells:
            assert cell in text, cell


def test_t_stat_parentheses():
    specs = load_specs()
    panel = dgp.simulate_spillover_panel()
    spec = specs.tables["ch_table2"]
    fits = {c.model: fit_model(panel, specs.models[c.model]) for c in spec.columns}
    table = build_table(spec, stored_fits(fits, specs))
    labels = [label for label, _ in table.rows]
    assert labels[1:7:2] == ["LNFDI", "LNOFDI", "LNIM"]  # regressors before controls
    t = fits["ch_t2_m2"].tstats["lnfdi"]
    assert table.rows[2][1][0] == f"({number(t)})"
    assert any("t statistics in parentheses" in n for n in table.notes)
    assert isinstance(pd.DataFrame(table.rows), pd.DataFrame)


def test_hausman_rows_from_results_tests():
    """Chen's tables carry the Hausman statistics of each column; H < 0 says so."""
    specs = load_specs()
    panel = dgp.simulate_spillover_panel(seed=1)
    spec = specs.tables["ch_table2"]
    fits = {c.model: fit_model(panel, specs.models[c.model]) for c in spec.columns}
    first, second, third = (c.model for c in spec.columns)
    tests = pd.DataFrame(
        {
            "model_id": [first, first, second, third],
            "test_name": ["hausman", "hausman_sigmamore", "hausman", "hausman"],
            "statistic": [42.354, 70.21, -3.0, 4.0],
            "p_value": [1e-8, 1e-12, float("nan"), 0.4],
        }
    )
    rows = dict(build_table(spec, stored_fits(fits, specs), tests).rows)
    assert rows["Hausman χ² (FE vs RE)"] == ("42.35***", "H < 0", "4.00")
    assert rows["Hausman χ², sigmamore"] == ("70.21***", "", "")
    assert "Hausman χ² (FE vs RE)" not in dict(build_table(spec, stored_fits(fits, specs)).rows)


def test_hausman_rows_mark_not_positive_definite_and_name_the_convention():
    """The default (Stata) row is printed with † when V_FE - V_RE was not PD, and a note
    names the convention, each column's df and the mark, in every rendering."""
    specs = load_specs()
    panel = dgp.simulate_spillover_panel(seed=1)
    spec = specs.tables["ch_table2"]
    fits = {c.model: fit_model(panel, specs.models[c.model]) for c in spec.columns}
    first, second, _ = (c.model for c in spec.columns)

    def detail(compare, pd_):
        return json.dumps({"compare": compare, "positive_definite": pd_})

    tests = pd.DataFrame(
        {
            "model_id": [first, first, second],
            "test_name": ["hausman", "hausman_named", "hausman"],
            "statistic": [42.354, 42.354, 3.0],
            "df": [21, 5, 21],
            "p_value": [0.004, 5e-8, 0.9],
            "detail": [detail("shared", False), detail("named", True), detail("shared", True)],
        }
    )
    table = build_table(spec, stored_fits(fits, specs), tests)
    rows = dict(table.rows)
    assert rows["Hausman χ² (FE vs RE)"] == ("42.35***†", "3.00", "")
    (note,) = [n for n in table.notes if n.startswith("Hausman")]
    assert "Stata's default" in note and "year dummies included" in note
    labels = [c.label for c in spec.columns]
    assert f"{labels[0]} 21, {labels[1]} 21" in note
    assert "† V_FE − V_RE not positive definite: Moore–Penrose inverse, q = its rank" in note
    assert "hausman_named" in note
    latex = to_latex(table)
    assert r"42.35$^{***}$$^{\dagger}$" in latex and "†" not in latex
    assert "42.35***†" in to_markdown(table) and "42.35***†" in to_html(table)
