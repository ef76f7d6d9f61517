"""Importer: NBS / yearbook wide tables -> the warehouse's long layout."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from resilience.importer import (
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
    assert result.skipped_rows == ["全国 (national total)"]


def test_thousands_separator_rejected_by_default_and_accepted_on_request(tmp_path):
    text = 'Region,2020\nBeijing,"1,234"\n'
    path = write(tmp_path, text)
    with pytest.raises(TableImportError, match=r"Beijing 2020: '1,234'.*--thousands"):
        import_wide_table(path, indicator="x")
    long = import_wide_table(path, indicator="x", thousands=",").long
    assert long.value.item() == 1234


def test_text_cells_are_errors_naming_province_and_year(tmp_path):
    text = "地区,2020,2021\n北京,1,abc\n天津,2,3\n"
    with pytest.raises(TableImportError, match=r"北京 2021: 'abc'"):
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
