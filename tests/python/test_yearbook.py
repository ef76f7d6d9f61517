"""Yearbook importer: the shipped S&T yearbook editions, the tidy cross-check, broken inputs.

Expected counts come from outside the code under test: the tidy extraction of
huhuaping/techme (values per province and year), a deliberately naive reader below (every
non-empty cell of every sheet), and labels listed here by hand from the raw files.
"""

from __future__ import annotations

import io
import re

import msoffcrypto
import openpyxl
import pandas as pd
import pytest
from python_calamine import CalamineWorkbook
from typer.testing import CliRunner

from resilience.cli import app
from resilience.paths import PROJECT_ROOT
from resilience.yearbook import (
    TABLES,
    YearbookImportError,
    compare_with_tidy,
    import_yearbook,
    import_yearbook_file,
)

YEARBOOK = PROJECT_ROOT / "examples" / "china_real" / "data" / "yearbook"
YEARS = range(2010, 2024)
EDITIONS = [(t, y) for t in TABLES for y in YEARS]


def naive_nonempty_cells(path):
    """Every non-empty cell of every sheet: (sheet, 1-based row, 0-based col) -> text."""
    office = msoffcrypto.OfficeFile(path.open("rb"))
    office.load_key(password="VelvetSweatshop")
    plain = io.BytesIO()
    office.decrypt(plain)
    book = CalamineWorkbook.from_filelike(io.BytesIO(plain.getvalue()))
    cells = {}
    for name in book.sheet_names:
        for i, row in enumerate(book.get_sheet_by_name(name).to_python(skip_empty_area=False)):
            for j, cell in enumerate(row):
                if str(cell).strip():
                    cells[(name, i + 1, j)] = str(cell).strip()
    return cells


def letter(j):
    return chr(65 + j)


@pytest.fixture(scope="module")
def imports():
    return {(r.table, r.year): r for r in import_yearbook([YEARBOOK])}


@pytest.fixture(scope="module")
def tidy():
    return {t: pd.read_csv(YEARBOOK / "reference_tidy" / f"{t}.csv", dtype=str) for t in TABLES}


# Hand-listed from a print of every raw sheet (decrypted, cell by cell):
# regional subtotal rows, Hong Kong / Macao / Taiwan rows, misspelt labels, text cells.
SUBTOTALS_3 = {"东部地区", "中部地区", "西部地区"}
SUBTOTALS_4 = SUBTOTALS_3 | {"东北地区"}


def expected_subtotals(table, year):
    if year <= 2011:
        return SUBTOTALS_3
    if table.startswith("patent") and year >= 2017:
        return set()
    return SUBTOTALS_4


def expected_outside(table, year):
    return {"香港", "澳门", "台湾"} if table.startswith("patent") else set()


MISSPELT = {
    ("patent_applications", 2014): {(25, "A", "江两")},
    ("patent_applications", 2018): {(17, "B", "Jiangu")},
    ("patent_grants", 2012): {
        (14, "B", "Hcbci"),
        (15, "A", "山两"),
        (27, "B", "Hcnan"),
        (37, "A", "两藏"),
    },
    ("rd_personnel_fte", 2013): {(17, "A", "内蒙占")},
}
NOT_A_NUMBER = {("rd_expenditure_by_source", 2012): {(12, "E", "368633!")}}


def test_every_shipped_edition_is_imported(imports):
    assert sorted(imports) == sorted(EDITIONS)


@pytest.mark.parametrize("table, year", EDITIONS)
def test_every_nonempty_cell_is_imported_once_or_reported(imports, table, year):
    result = imports[(table, year)]
    naive = naive_nonempty_cells(YEARBOOK / table / f"{year}.xls")
    reported = {(c.sheet, c.row, c.column): c.text for c in result.reported}
    assert len(reported) == len(result.reported)  # no cell reported twice
    imported = {
        (result.sheet, int(cell.split()[1]), cell.split()[3].rstrip(":"))
        for key, cell in result.cells.items()
        if not pd.isna(
            result.long.query("unit_id == @key[0] and indicator == @key[1]").value.item()
        )
    }
    assert not imported & set(reported)
    naive_keys = {(s, r, letter(c)) for s, r, c in naive}
    assert imported | set(reported) == naive_keys
    assert {k: v for k, v in reported.items()} == {
        (s, r, letter(c)): v for (s, r, c), v in naive.items() if (s, r, letter(c)) in reported
    }


@pytest.mark.parametrize("table, year", EDITIONS)
def test_imported_values_match_the_tidy_count_and_31_provinces(imports, tidy, table, year):
    result = imports[(table, year)]
    rows = tidy[table][tidy[table].year == str(year)]
    provinces = rows[~rows.province.str.replace(" ", "").eq("全国")]
    imported = result.long.dropna(subset=["value"])
    assert len(imported) == len(provinces)
    assert result.long.unit_id.nunique() == 31
    not_imported = len(NOT_A_NUMBER.get((table, year), ()))
    assert len(result.long) == 31 * len(TABLES[table].indicators) - not_imported
    assert set(result.long.unit) == {TABLES[table].unit}
    assert result.year == year


@pytest.mark.parametrize("table, year", EDITIONS)
def test_reported_rows_are_the_hand_listed_ones(imports, table, year):
    result = imports[(table, year)]

    def labels(reason):
        return {
            re.sub(r"\s", "", c.text)
            for c in result.reported
            if c.reason == reason and c.column == "A"
        }

    assert labels("national total") == {"全国"}
    assert labels("regional subtotal") == expected_subtotals(table, year)
    assert labels("Hong Kong, Macao or Taiwan") == expected_outside(table, year)
    misspelt = {
        (c.row, c.column, c.text) for c in result.reported if c.reason.startswith("row label mis")
    }
    assert misspelt == MISSPELT.get((table, year), set())
    not_number = {
        (c.row, c.column, c.text) for c in result.reported if c.reason.startswith("not a number")
    }
    assert not_number == NOT_A_NUMBER.get((table, year), set())
    assert [c.text for c in result.reported if c.reason == "other sheet"] == [
        "http://www.cnki.net/"
    ]
    assert sum(c.reason == "unit" for c in result.reported) == 1


def documented_differences():
    text = (PROJECT_ROOT / "examples" / "china_real" / "import_vs_tidy.md").read_text()
    table, found = None, set()
    for line in text.splitlines():
        if line.startswith("## "):
            table = line[3:].strip()
        m = re.match(r"^\| (\d{6}) \| (\d{4}) \| (\w+) \| ([\d.]+) \| ([\d.]+) \|", line)
        if m:
            found.add((table, m[1], int(m[2]), m[3], float(m[4]), float(m[5])))
    return found


def test_differences_with_tidy_are_exactly_the_documented_ones(imports, tidy):
    found, names = set(), set()
    for table in TABLES:
        diffs, name_errors = compare_with_tidy(list(imports.values()), tidy[table], table)
        found |= {(table, d.province, d.year, d.indicator, d.ours, d.theirs) for d in diffs}
        names |= {(table, n, y, c) for n, y, c in name_errors}
    assert found == documented_differences()
    assert len(found) == 143 + 136
    # every one a 2010 value with one decimal that the tidy side rounded to an integer
    assert {d[2] for d in found} == {2010}
    assert all(abs(ours - theirs) <= 0.5 and theirs == int(theirs) for *_, ours, theirs in found)
    assert names == {
        ("rd_personnel_fte", "内蒙占", 2013, "150000"),
        ("patent_grants", "山两", 2012, "140000"),
        ("patent_grants", "两藏", 2012, "540000"),
        ("patent_applications", "江两", 2014, "360000"),
    }


def test_a_raw_value_as_stored(imports):
    # rd_personnel_fte/2010.xls row 16 (北京) column C holds the number 193718.4
    long = imports[("rd_personnel_fte", 2010)].long
    assert long.query(
        "unit_id == '110000' and indicator == 'rd_personnel_fte_total'"
    ).value.item() == pytest.approx(193718.4)
    # 2023 row 37 (西藏 / Xizang), abroad funds: an empty cell is a missing value
    exp = imports[("rd_expenditure_by_source", 2023)].long
    assert (
        exp.query("unit_id == '540000' and indicator == 'rd_expenditure_abroad'").value.isna().all()
    )


# ---------------------------------------------------------------- own .xlsx files -----

HEADER = [
    ["1-4 各地区研究与试验发展(R&D)人员全时当量(2020年)"],
    ["Full-time Equivalent of R&D Personnel by Region (2020)"],
    ["单位:人年"],
    ["(man-year)"],
    ["地 区", "Region", "R&D人员\n全时当量\nTotal"],
    [None, None, None, "#研究人员\nResearchers", "基础研究\nBasic\nResearch",
     "应用研究\nApplied\nResearch", "试验发展\nExperimental\nDevelopment"],
]  # fmt: skip
BODY = [
    ["全 国", "National Total", 10, 5, 1, 2, 7],
    [],
    ["北    京", "Beijing", "100", 50, 10, 20, 70],
    ["内 蒙 古", "Inner Mongolia", 30.5, None, "…", 3, 4],
    ["注：测试数据。"],
]


def write_xlsx(path, rows):
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_xlsx_file(tmp_path):
    result = import_yearbook_file(write_xlsx(tmp_path / "fte_2020.xlsx", HEADER + BODY))
    assert (result.table, result.year, result.unit) == ("rd_personnel_fte", 2020, "man-year")
    got = result.long.set_index(["unit_id", "indicator"]).value
    assert got[("110000", "rd_personnel_fte_total")] == 100
    assert got[("110000", "rd_personnel_fte_experimental_development")] == 70
    assert got[("150000", "rd_personnel_fte_total")] == 30.5
    assert got.isna().sum() == 2  # an empty cell and "…"
    assert len(got) == 10
    reasons = {(c.row, c.column): c.reason for c in result.reported}
    assert reasons[(7, "A")] == reasons[(7, "G")] == "national total"
    assert reasons[(11, "A")] == "note"
    assert reasons[(5, "C")] == reasons[(6, "D")] == "header"
    assert len(result.reported) == 4 + 7 + 7 + 4 + 1  # titles+units, header, total, labels, note


def test_encrypted_xlsx(tmp_path):
    plain = write_xlsx(tmp_path / "plain.xlsx", HEADER + BODY)
    secret = tmp_path / "2020.xlsx"
    with plain.open("rb") as src, secret.open("wb") as dst:
        office = msoffcrypto.OfficeFile(src)
        office.encrypt("s3cret", dst)
    before = sorted(p.name for p in tmp_path.iterdir())
    assert import_yearbook_file(secret, password="s3cret").n_imported == 10
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # nothing decrypted on disk
    with pytest.raises(YearbookImportError) as err:
        import_yearbook_file(secret)
    assert str(err.value) == (
        f"{secret}: the workbook is encrypted and Excel's default key (VelvetSweatshop) "
        "does not open it; pass the right one with --password"
    )


def broken(tmp_path, name, rows):
    path = write_xlsx(tmp_path / name, rows)
    with pytest.raises(YearbookImportError) as err:
        import_yearbook_file(path)
    return str(err.value), path


def test_unknown_row_label(tmp_path):
    body = [*BODY[:3], ["火星", "Mars", 1, 1, 1, 1, 1]]
    message, path = broken(tmp_path, "2020.xlsx", HEADER + body)
    assert message == (
        f"{path}: sheet 'Sheet', row 10, column A: unknown row label '火星' / 'Mars': neither "
        "is one of the 31 provinces, the national total, a regional subtotal, Hong Kong, "
        "Macao, Taiwan or a note"
    )


def test_unmappable_column(tmp_path):
    header = [*HEADER[:5], [*HEADER[5], "#女性\nWomen"]]
    message, path = broken(tmp_path, "2020.xlsx", header + BODY)
    assert message == (
        f"{path}: sheet 'Sheet', row 6, column H: header '#女性 Women' maps to no indicator of "
        "table rd_personnel_fte (expected one of rd_personnel_fte_total, "
        "rd_personnel_fte_researchers, rd_personnel_fte_basic_research, "
        "rd_personnel_fte_applied_research, rd_personnel_fte_experimental_development)"
    )


def test_unit_mismatch(tmp_path):
    header = [HEADER[0], HEADER[1], ["单位:万元"], HEADER[3], *HEADER[4:]]
    message, path = broken(tmp_path, "2020.xlsx", header + BODY)
    assert message == (
        f"{path}: sheet 'Sheet', row 3, column A: unit '万元' (10,000 yuan) does not match "
        "table rd_personnel_fte, whose unit is man-year"
    )


def test_year_mismatch_with_file_name(tmp_path):
    message, path = broken(tmp_path, "2019.xlsx", HEADER + BODY)
    assert message == (
        f"{path}: sheet 'Sheet', row 1, column A: the title says 2020 but the file name says "
        "2019; rename the file or check that it is the right edition"
    )


def test_wrong_password_and_corrupt_file(tmp_path):
    shipped = YEARBOOK / "patent_grants" / "2010.xls"
    with pytest.raises(YearbookImportError) as err:
        import_yearbook_file(shipped, password="wrong")
    assert str(err.value) == (
        f"{shipped}: the workbook is encrypted and the password given does not open it; "
        "pass the right one with --password"
    )
    corrupt = tmp_path / "2010.xls"
    corrupt.write_bytes(b"this is not a workbook")
    with pytest.raises(YearbookImportError, match=r"2010\.xls: not a readable \.xls / \.xlsx"):
        import_yearbook_file(corrupt)


# ---------------------------------------------------------------- command line --------


@pytest.mark.slow
def test_cli_on_a_folder(tmp_path, imports):
    out, report = tmp_path / "values.csv", tmp_path / "cells.csv"
    folder = YEARBOOK / "patent_grants"
    result = CliRunner().invoke(
        app, ["import", str(folder), "--out", str(out), "--report", str(report)]
    )
    assert result.exit_code == 0, result.output
    values = pd.read_csv(out, dtype={"unit_id": str})
    assert list(values.columns) == ["unit_id", "year", "indicator", "value", "unit"]
    assert len(values) == 14 * 31 * 4
    assert set(values.unit) == {"piece"}
    cells = pd.read_csv(report)
    assert len(cells) == sum(len(imports[("patent_grants", y)].reported) for y in YEARS)


def test_cli_bad_input_exit_2(tmp_path):
    path = write_xlsx(tmp_path / "2019.xlsx", HEADER + BODY)
    result = CliRunner().invoke(app, ["import", str(path), "--out", str(tmp_path / "v.csv")])
    assert result.exit_code == 2
    assert result.output.strip().splitlines()[-1].startswith(f"error: {path}: sheet 'Sheet', row 1")
