"""Importer: NBS / yearbook wide tables -> the warehouse's long layout."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from resilience.importer import (
    ReportedCell,
    TableImportError,
    import_wide_table,
    match_province,
    parse_cell,
    province_lookup,
    strip_chinese_suffix,
    write_long,
)

NBS_EXPORT = """数据库：分省年度数据
指标：地区生产总值(亿元)
时间：最近3年
地区,2023年,2022年,2021年
北京市,43760.7,41610.9,40269.6
天津市,16737.3,16311.3,15685.1
内蒙古自治区,24627,…,21166
广西壮族自治区,27202.4,—,24740.9
新疆维吾尔自治区,19125.9,17741.3,
注：2023年为初步核算数。
数据来源：国家统计局
"""


def write(tmp_path, text, name="gdp.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return path


@pytest.fixture(scope="module")
def lookup():
    return province_lookup()


def test_nbs_export_reads_metadata_header_and_footer(tmp_path):
    result = import_wide_table(write(tmp_path, NBS_EXPORT), indicator="gdp_cny_100mn")
    long = result.long
    assert list(long.columns) == ["unit_id", "year", "indicator", "value"]
    assert len(long) == 5 * 3
    assert result.n_provinces == 5
    assert result.years == (2021, 2023)
    assert set(long.indicator) == {"gdp_cny_100mn"}
    beijing_2021 = long.query("unit_id == '110000' and year == 2021").value.item()
    assert beijing_2021 == pytest.approx(40269.6)


def test_missing_markers_become_missing_values(tmp_path):
    long = import_wide_table(write(tmp_path, NBS_EXPORT), indicator="gdp").long
    missing = long[long.value.isna()][["unit_id", "year"]].values.tolist()
    # "…" (Inner Mongolia 2022), "—" (Guangxi 2022), "" (Xinjiang 2021)
    assert sorted(missing) == [["150000", 2022], ["450000", 2022], ["650000", 2021]]


@pytest.mark.parametrize("marker", ["…", "...", "—", "——", "-", "", "  ", "NA", "n/a", "－"])
def test_each_missing_marker(marker):
    assert parse_cell(marker) is None


def test_indicator_defaults_to_metadata_line(tmp_path):
    result = import_wide_table(write(tmp_path, NBS_EXPORT))
    assert result.indicator == "地区生产总值(亿元)"


def test_indicator_defaults_to_file_stem_without_metadata(tmp_path):
    text = "Region,2020,2021\nBeijing,1,2\n"
    assert import_wide_table(write(tmp_path, text, "patents.csv")).indicator == "patents"


@pytest.mark.parametrize(
    "name, code",
    [
        ("北京市", "110000"),
        ("北京", "110000"),
        ("北　京", "110000"),  # yearbook padding with a full-width space
        ("内蒙古", "150000"),
        ("内蒙古自治区", "150000"),
        ("广西", "450000"),
        ("广西壮族自治区", "450000"),
        ("宁夏回族自治区", "640000"),
        ("宁夏", "640000"),
        ("新疆维吾尔自治区", "650000"),
        ("新疆", "650000"),
        ("西藏", "540000"),
        ("黑龙江省", "230000"),
        ("黑龙江", "230000"),
        ("重庆", "500000"),
        ("Beijing", "110000"),
        ("BEIJING", "110000"),
        ("inner mongolia", "150000"),
        ("Inner Mongolia", "150000"),
        ("Shaanxi", "610000"),
        ("Shanxi", "140000"),
        ("Xizang", "540000"),
        ("Tibet", "540000"),
    ],
)
def test_province_names_match(lookup, name, code):
    assert match_province(name, lookup) == code


def test_strip_suffix_keeps_bare_names():
    assert strip_chinese_suffix("广西壮族自治区") == "广西"
    assert strip_chinese_suffix("上海") == "上海"


def test_english_export_with_years_without_suffix(tmp_path):
    text = "Region,2019,2020\nbeijing,1.5,2.5\nGUANGDONG,3,4\nInner Mongolia,..., 6\n"
    long = import_wide_table(write(tmp_path, text), indicator="x").long
    assert set(long.unit_id) == {"110000", "440000", "150000"}
    assert math.isnan(long.query("unit_id == '150000' and year == 2019").value.item())


def test_unknown_names_are_rejected_and_listed(tmp_path):
    text = "地区,2020,2021\n北京,1,2\n香港,3,4\nAtlantis,5,6\n上海,7,8\n"
    with pytest.raises(TableImportError) as err:
        import_wide_table(write(tmp_path, text), indicator="x")
    message = str(err.value)
    assert "unknown province name(s)" in message
    assert "'香港'" in message and "'Atlantis'" in message
    assert "北京" not in message.split("unknown")[1].split("Known")[0]


def test_national_total_row_is_skipped_and_reported(tmp_path):
    text = "地区,2020,2021\n全国,100,200\n北京,1,2\n"
    result = import_wide_table(write(tmp_path, text), indicator="x")
    assert result.n_provinces == 1
    national = [(c.row, c.column, c.text) for c in result.reported if c.reason == "national total"]
    assert national == [(2, "A", "全国"), (2, "B", "100"), (2, "C", "200")]


def test_thousands_separator_rejected_by_default_and_accepted_on_request(tmp_path):
    text = 'Region,2020\nBeijing,"1,234"\n'
    path = write(tmp_path, text)
    with pytest.raises(
        TableImportError, match=r"Beijing 2020 \(row 2, column B\): '1,234'.*--thousands"
    ):
        import_wide_table(path, indicator="x")
    long = import_wide_table(path, indicator="x", thousands=",").long
    assert long.value.item() == 1234


def test_text_cells_are_errors_naming_province_and_year(tmp_path):
    text = "地区,2020,2021\n北京,1,abc\n天津,2,3\n"
    with pytest.raises(TableImportError, match=r"北京 2021 \(row 2, column C\): 'abc'"):
        import_wide_table(write(tmp_path, text), indicator="x")


def test_duplicated_province_is_an_error(tmp_path):
    text = "地区,2020\n北京,1\n北京市,2\n"
    with pytest.raises(TableImportError, match="110000 appears twice"):
        import_wide_table(write(tmp_path, text), indicator="x")


def test_no_header_is_an_error(tmp_path):
    with pytest.raises(TableImportError, match="no header row"):
        import_wide_table(write(tmp_path, "a,b\n1,2\n"), indicator="x")


def test_gb18030_encoded_file(tmp_path):
    path = write(tmp_path, NBS_EXPORT, encoding="gb18030")
    assert import_wide_table(path, indicator="x").n_provinces == 5


def test_write_long_and_append_rejects_duplicates(tmp_path):
    first = import_wide_table(write(tmp_path, NBS_EXPORT), indicator="gdp")
    second = import_wide_table(
        write(tmp_path, "Region,2020\nBeijing,7\n", "p.csv"), indicator="pat"
    )
    out = tmp_path / "values.csv"
    write_long([first], out)
    write_long([second], out, append=True)
    back = pd.read_csv(out, dtype={"unit_id": str})
    assert list(back.columns) == ["unit_id", "year", "indicator", "value"]
    assert len(back) == 16
    assert back.value.isna().sum() == 3  # missing cells written as empty, read back as NaN
    with pytest.raises(TableImportError, match="duplicated unit-year-indicator"):
        write_long([second], out, append=True)


# ---- issue 14: every non-empty cell imported exactly once or reported -------------------


def test_every_non_empty_cell_is_imported_or_reported_and_counted(tmp_path):
    # NBS_EXPORT by hand: 3 metadata lines (1 cell each), a header of 4 cells, 5 labels,
    # 15 value cells (one of them empty: Xinjiang 2021) and 2 note lines.
    result = import_wide_table(write(tmp_path, NBS_EXPORT), indicator="gdp")
    assert result.n_imported == 15
    assert result.n_missing == 3
    assert dict(result.reported_by_reason) == {
        "text above the header": 3,
        "header": 4,
        "row label": 5,
        "note": 2,
    }
    assert result.reported[0] == ReportedCell(
        str(tmp_path / "gdp.csv"), "", 1, "A", "text above the header", "数据库：分省年度数据"
    )


@pytest.mark.parametrize(
    "text",
    [
        "地区,2020,2021\n北京,1,2\n\n天津,3,4\n上海,5,6\n",  # blank line
        "地区,2020,2021\n北京,1,2\n,,\n天津,3,4\n上海,5,6\n",  # a row of empty cells
        "地区,2020,2021\n\n\n北京,1,2\n天津,3,4\n\n上海,5,6\n\n",  # several
        "地区,2020,2021\n北京,1,2\n注：初步数\n天津,3,4\n上海,5,6\n",  # a note between
    ],
    ids=["blank-line", "empty-cells-row", "several-blank-lines", "note-between-rows"],
)
def test_a_blank_line_or_note_inside_the_table_does_not_end_it(tmp_path, text):
    long = import_wide_table(write(tmp_path, text), indicator="x").long
    got = {(u, y): v for u, y, v in long[["unit_id", "year", "value"]].itertuples(index=False)}
    assert got == {
        ("110000", 2020): 1, ("110000", 2021): 2,
        ("120000", 2020): 3, ("120000", 2021): 4,
        ("310000", 2020): 5, ("310000", 2021): 6,
    }  # fmt: skip


@pytest.mark.parametrize(
    "row, columns",
    [
        ("北京,1,234.5,2,3", "E '3'"),  # unquoted thousands in the first year
        ("北京,1,234.5,1,234.5,3", "E '234.5', F '3'"),  # two of them: two cells spill
        ("北京,1,1,234.5,3", "E '3'"),  # ... in the middle
        ("北京,1,2,1,234.5", "E '234.5'"),  # ... in the last year: the tail spills over
        ("北京,1,2,3,4", "E '4'"),  # a cell beyond the header
    ],
)
def test_a_row_longer_than_the_header_is_an_error_naming_row_and_columns(tmp_path, row, columns):
    text = f"地区,2020,2021,2022\n天津,7,8,9\n{row}\n"
    with pytest.raises(TableImportError) as err:
        import_wide_table(write(tmp_path, text), indicator="x")
    message = str(err.value)
    n = columns.count("'") // 2
    assert f"row 3 (北京): {n} value(s) in a column without a year in the header ({columns})" in (
        message
    )
    assert "quote it" in message


def test_a_value_under_an_empty_header_cell_is_an_error(tmp_path):
    text = "地区,2020,,2022\n北京,1,99,3\n天津,4,,6\n"
    with pytest.raises(TableImportError, match=r"row 2 \(北京\): 1 value\(s\).*\(C '99'\)"):
        import_wide_table(write(tmp_path, text), indicator="x")
    # the same table without the stray cell imports (the empty column is just unused)
    fixed = "地区,2020,,2022\n北京,1,,3\n天津,4,,6\n"
    assert import_wide_table(write(tmp_path, fixed), indicator="x").n_imported == 4


@pytest.mark.parametrize(
    "cell, reason",
    [
        ("1.2e400", "beyond the range of a double"),
        ("-1e309", "beyond the range of a double"),
        ("inf", "is not a number"),
        ("Infinity", "is not a number"),
        ("-inf", "is not a number"),
        ("1_000", "is not a number"),
        ("0x10", "is not a number"),
        ("١٢", "is not a number"),  # Arabic-Indic digits: float() would read 12
    ],
)
def test_numbers_float_would_accept_are_errors(tmp_path, cell, reason):
    with pytest.raises(ValueError, match=reason):
        parse_cell(cell)
    text = f"Region,2020,2021\nBeijing,{cell},1\n"
    with pytest.raises(TableImportError, match=rf"Beijing 2020 \(row 2, column B\): .*{reason}"):
        import_wide_table(write(tmp_path, text), indicator="x")


@pytest.mark.parametrize(
    "cell, value",
    [("12", 12.0), ("-3.5", -3.5), (".5", 0.5), ("1.2e3", 1200.0), ("１２", 12.0), ("+7", 7.0)],
)
def test_plain_numbers_parse(cell, value):
    assert parse_cell(cell) == value


@pytest.mark.parametrize("cell", ["1,23", "12,34,567", "1,2345"])
def test_thousands_separator_must_group_by_three(cell):
    with pytest.raises(ValueError, match="grouped by ',' in threes"):
        parse_cell(cell, thousands=",")
    assert parse_cell("1,234,567.5", thousands=",") == 1234567.5
