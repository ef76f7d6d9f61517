"""World Bank partner macro (resilience.worldbank): readers, rules, gaps, errors, REAL DATA.

Expected values are read by hand from the shipped raw files
(examples/china_real/data/world_bank/, see PROVENANCE.md there) or worked by hand in the
comments; none comes from the code under test. The perpetual-inventory oracle used for
the real data, resilience.oracles.perpetual_inventory, is pinned on hand-worked cases in
test_oracles.py.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from resilience import worldbank as wb

SHIPPED = wb.SOURCE_DIR
PARTNERS = pd.read_csv(wb.PARTNERS_FILE, dtype=str)["country_code"].tolist()


# ----------------------------------------------------------------- tiny hand-made files


def write_wdi(path: Path, rows: dict[str, list[str]], years: list[int]) -> None:
    """A WDI wide file as the World Bank writes it: BOM, 4 metadata lines, trailing commas."""
    head = ",".join(f'"{c}"' for c in (*wb.WDI_ID_COLUMNS, *map(str, years)))
    lines = [
        '\ufeff"Data Source","World Development Indicators",',
        "",
        '"Last Updated Date","2026-07-13",',
        "",
        head + ",",
    ]
    for code, values in rows.items():
        cells = [f"Economy {code}", code, "R&D (% of GDP)", wb.GERD_INDICATOR, *values]
        lines.append(",".join(f'"{c}"' for c in cells) + ",")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_long(path: Path, columns, rows: list[tuple[str, int, str]]) -> None:
    body = [f"Economy {code},{code},{year},{value}" for code, year, value in rows]
    path.write_text("\n".join([",".join(columns), *body]) + "\n", encoding="utf-8")


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    """Two economies, 2003-2006. AAA: GERD share 1.0, -, -, 1.6 (an interior gap of two
    years: hand interpolation 1.2 in 2004, 1.4 in 2005). BBB: share 2.0, 2.0, 2.0, - (an edge
    gap in 2006). GDP 1e9 USD every year; inflation 3 (unused), 10, -5, 2.
    """
    years = [2003, 2004, 2005, 2006]
    write_wdi(
        tmp_path / wb.GERD_FILE,
        {"AAA": ["1.0", "", "", "1.6"], "BBB": ["2.0", "2.0", "2.0", ""]},
        years,
    )
    codes = ("AAA", "BBB")
    write_long(
        tmp_path / wb.GDP_FILE, wb.GDP_COLUMNS, [(c, y, "1e9") for c in codes for y in years]
    )
    inflation = {2003: "3", 2004: "10", 2005: "-5", 2006: "2"}
    write_long(
        tmp_path / wb.CPI_FILE, wb.CPI_COLUMNS, [(c, y, inflation[y]) for c in codes for y in years]
    )
    return tmp_path


def tiny_convert(source: Path, **kwargs) -> wb.Conversion:
    return wb.convert(source, ["AAA", "BBB"], first_year=2003, last_year=2006, **kwargs)


# ---------------------------------------------------------------- readers on REAL DATA


def test_shipped_files_are_the_snapshot_bytes():
    import hashlib

    sums = {
        wb.GERD_FILE: "7a48885291793c52c7547e0d7c90387b26a2e2757f8f380ed1c45b889821c934",
        wb.GDP_FILE: "f0a8408195646dbb1a9d7fc4424e2d302ee5380d0ec8834793f12ca25cbd7e2c",
        wb.CPI_FILE: "182baa44c536079bea07bb8700c37c85441c3d7d5f8e6dd68fb92fcb4a7815e8",
    }
    for name, expected in sums.items():
        assert hashlib.sha256((SHIPPED / name).read_bytes()).hexdigest() == expected, name
        assert expected in (SHIPPED / "PROVENANCE.md").read_text()


def test_read_gerd_known_values():
    gerd = wb.read_gerd(SHIPPED / wb.GERD_FILE).set_index(["country_code", "year"])
    # line 256 of the raw file, columns "2003" and "2019": "2.55014", "3.14297"
    assert gerd.loc[("USA", 2003), "value"] == 2.55014
    assert gerd.loc[("USA", 2019), "value"] == 3.14297
    assert gerd.loc[("USA", 2003), "line"] == 256
    assert np.isnan(gerd.loc[("AUS", 2003), "value"])  # Australia reports every other year
    assert gerd.attrs["last_updated"] == "2026-07-13"


def test_read_gdp_and_inflation_known_values():
    gdp = wb.read_gdp(SHIPPED / wb.GDP_FILE).set_index(["country_code", "year"])
    # gdp.csv line 2362: China,CHN,2020,14687744162801.033
    assert gdp.loc[("CHN", 2020), "value"] == 14687744162801.033
    assert gdp.loc[("CHN", 2020), "line"] == 2362
    inflation = wb.read_inflation(SHIPPED / wb.CPI_FILE).set_index(["country_code", "year"])
    # cpi.csv line 5200: Japan,JPN,2009,-1.35283672951719 (deflation: an inflation rate)
    assert inflation.loc[("JPN", 2009), "value"] == -1.35283672951719


# ----------------------------------------------------------------------- CPI chaining


def test_chain_cpi_hand_worked():
    # pi = 3 (base year, unused), 10, -5: CPI 100, 100 * 1.10 = 110, 110 * 0.95 = 104.5
    cpi = wb.chain_cpi(pd.Series({2003: 3.0, 2004: 10.0, 2005: -5.0}), 2003)
    assert cpi.index.tolist() == [2003, 2004, 2005]
    assert_allclose(cpi.to_numpy(), [100.0, 110.0, 104.5], rtol=1e-12)


# ------------------------------------------------------------------ detector, both ways


def test_rate_passed_as_index_is_refused():
    rate = pd.Series({2003: 1.0, 2004: -0.5, 2005: 2.0})
    with pytest.raises(wb.CpiLooksLikeRateError) as err:
        wb.check_price_index({"XXX": rate}, "t.csv column 'CPI'")
    assert str(err.value) == (
        "t.csv column 'CPI' was passed as a price index but looks like an inflation rate in "
        "percent for 1 of 1 economies (XXX: 1 negative value(s), first 2004: -0.5; a price "
        "index is positive); pass it as inflation (the CPI is then built by chaining) or "
        "supply an index"
    )


def test_positive_rate_without_trend_passed_as_index_is_refused():
    # all under 30, ranks 2, 3, 1, 4 against years 1..4: Spearman 0.4 < 0.8
    rate = pd.Series({2003: 2.0, 2004: 3.0, 2005: 1.0, 2006: 4.0})
    assert wb.rate_evidence(rate) == (
        "100% of values under 30 and no upward trend (Spearman correlation with the year "
        "0.40 < 0.8)"
    )
    index = pd.Series({2003: 100.0, 2004: 102.0, 2005: 101.0, 2006: 104.0})
    assert wb.rate_evidence(index) is None


def test_index_passed_as_inflation_is_refused():
    index = pd.Series({2003: 100.0, 2004: 102.0, 2005: 104.0})
    with pytest.raises(wb.InflationLooksLikeIndexError) as err:
        wb.check_inflation_rate({"XXX": index}, "t.csv column 'CPI'")
    assert str(err.value) == (
        "t.csv column 'CPI' was passed as inflation in percent but looks like a price index "
        "for 1 of 1 economies (XXX: no negative value and a median of 102 (>= 30); annual "
        "inflation in percent is rarely that high); pass it as the cpi column itself instead "
        "of chaining it"
    )
    assert wb.index_evidence(pd.Series({2003: 2.0, 2004: 8.0, 2005: -0.4})) is None


def test_shipped_cpi_column_is_refused_as_an_index():
    with pytest.raises(wb.CpiLooksLikeRateError, match=r"for 22 of 22 economies \(USA: "):
        wb.convert(SHIPPED, cpi_kind="index")


# ------------------------------------------------------------------------- gaps


def test_interior_gap_interpolated_and_flagged(tiny):
    conv = tiny_convert(tiny)
    aaa = conv.macro[conv.macro.country_code == "AAA"].set_index("year")
    # share 1.0, 1.2, 1.4 x GDP 1e9 / 100 / 1e6 = 10, 12, 14 USD mn (2006 trimmed, see below)
    assert_allclose(aaa["rd_expenditure_usd_mn"].to_numpy(), [10.0, 12.0, 14.0], rtol=1e-12)
    assert_allclose(aaa["cpi"].to_numpy(), [100.0, 110.0, 104.5], rtol=1e-12)
    flagged = conv.notes[conv.notes.is_interpolated]
    assert flagged[["country_code", "year", "column"]].values.tolist() == [
        ["AAA", 2004, "rd_expenditure_usd_mn"],
        ["AAA", 2005, "rd_expenditure_usd_mn"],
    ]
    assert "between 2003 and 2006" in flagged.iloc[0]["rule"]
    assert "line 6, column 2003" in flagged.iloc[0]["source_values"]


def test_edge_gap_trims_every_economy(tiny):
    conv = tiny_convert(tiny)
    assert (conv.first_year, conv.last_year, conv.requested_last_year) == (2003, 2005, 2006)
    assert conv.macro.groupby("country_code")["year"].max().to_dict() == {"AAA": 2005, "BBB": 2005}
    assert conv.missing.values.tolist() == [
        ["BBB", 2006, "rd_expenditure_usd_mn", f"GERD share not in {wb.GERD_FILE}"]
    ]


def test_edge_gap_fails_when_asked(tiny):
    with pytest.raises(wb.EdgeGapError) as err:
        tiny_convert(tiny, edge_policy="fail")
    assert str(err.value) == (
        "the series end before 2006 (edge gaps are never invented): economy BBB, year 2006: "
        "rd_expenditure_usd_mn; use edge_policy='trim' to end every economy in 2005"
    )


def test_missing_base_year_is_never_invented(tiny):
    write_wdi(
        tiny / wb.GERD_FILE,
        {"AAA": ["", "1.2", "1.4", "1.6"], "BBB": ["2.0", "2.0", "2.0", "2.0"]},
        [2003, 2004, 2005, 2006],
    )
    with pytest.raises(wb.EdgeGapError) as err:
        tiny_convert(tiny)
    assert str(err.value) == (
        f"economy AAA, year 2003: GERD share ({wb.GERD_FILE}) missing in the first year "
        "(an edge gap is never invented; the perpetual inventory starts there)"
    )


def test_interior_gap_of_gdp_is_an_error(tiny):
    rows = [(c, y, "1e9") for c in ("AAA", "BBB") for y in (2003, 2004, 2005, 2006)]
    rows = [r for r in rows if r[:2] != ("BBB", 2004)]
    write_long(tiny / wb.GDP_FILE, wb.GDP_COLUMNS, rows)
    with pytest.raises(wb.SeriesGapError) as err:
        tiny_convert(tiny)
    assert str(err.value) == (
        f"economy BBB, year 2004: GDP ({wb.GDP_FILE}) missing between observed years "
        "(only the GERD share may be interpolated)"
    )


# ------------------------------------------------------------------------ broken inputs


def test_missing_column_names_file_line_column(tiny):
    text = (tiny / wb.GDP_FILE).read_text().replace(",Value", ",GDP", 1)
    (tiny / wb.GDP_FILE).write_text(text)
    with pytest.raises(wb.WorldBankFileError) as err:
        wb.read_gdp(tiny / wb.GDP_FILE)
    assert str(err.value) == (
        "gdp.csv, line 1, column 'Value': column missing or misplaced: expected header "
        "['Country Name', 'Country Code', 'Year', 'Value'], found "
        "['Country Name', 'Country Code', 'Year', 'GDP']"
    )


def test_non_numeric_value_names_file_line_column(tiny):
    write_wdi(tiny / wb.GERD_FILE, {"AAA": ["1.0", "n/a", "", "1.6"]}, [2003, 2004, 2005, 2006])
    with pytest.raises(wb.WorldBankFileError) as err:
        wb.read_gerd(tiny / wb.GERD_FILE)
    assert str(err.value) == (
        f"{wb.GERD_FILE}, line 6, column '2004': value 'n/a' is not a number; leave the cell "
        "empty if missing"
    )
    write_long(tiny / wb.CPI_FILE, wb.CPI_COLUMNS, [("AAA", 2003, "1.5"), ("AAA", 2004, "1,7")])
    with pytest.raises(wb.WorldBankFileError, match=r"^cpi.csv, line 3, column 'CPI': 5 fields"):
        wb.read_inflation(tiny / wb.CPI_FILE)


def test_wrong_layout_names_the_line(tiny):
    # a long file handed to the wide reader
    with pytest.raises(wb.WorldBankFileError) as err:
        wb.read_gerd(tiny / wb.GDP_FILE)
    assert str(err.value) == (
        "gdp.csv, line 1, column 'A': expected 'Data Source' (the WDI wide layout has 4 "
        "metadata lines), found 'Country Name'"
    )


# ---------------------------------------------------------- the full conversion (REAL)


@pytest.fixture(scope="module")
def real() -> wb.Conversion:
    return wb.convert(SHIPPED)


def test_full_conversion_shape(real):
    macro = real.macro
    assert list(macro.columns) == list(wb.CONTRACT_COLUMNS)
    assert sorted(macro.country_code.unique()) == sorted([*PARTNERS, "CHN"])
    assert len(PARTNERS) == 21
    # Australia's last GERD share is 2021 and Singapore's 2022 (read off the raw file)
    assert (real.first_year, real.last_year) == (2003, 2021)
    assert len(macro) == 22 * 19
    assert macro.groupby("country_code").year.apply(list).map(list(range(2003, 2022)).__eq__).all()
    required = ["country_code", "year", "rd_expenditure_usd_mn", "gdp_usd_mn", "cpi"]
    assert macro[required].notna().all().all()
    assert macro["gfcf_usd_mn"].isna().all()
    assert (macro[["rd_expenditure_usd_mn", "gdp_usd_mn", "cpi"]] > 0).all().all()
    assert real.missing[["country_code", "year"]].values.tolist() == [
        ["AUS", 2022],
        ["AUS", 2023],
        ["SGP", 2023],
    ]


def test_full_conversion_hand_checked_cells(real):
    m = real.macro.set_index(["country_code", "year"])
    # USA 2003: 2.55014 % x 11456450000000.0 USD (gdp.csv line 13385) / 1e6
    assert_allclose(m.loc[("USA", 2003), "rd_expenditure_usd_mn"], 2.55014 / 100 * 11456450.0)
    # CHE 2004 CPI: 100 x (1 + 0.802908730955227 / 100) (cpi.csv line 1496)
    assert_allclose(m.loc[("CHE", 2004), "cpi"], 100.802908730955227, rtol=1e-12)
    # AUS 2003 interpolated from 1.74654 (2002) and 1.84802 (2004) -> 1.79728
    assert_allclose(m.loc[("AUS", 2003), "rd_expenditure_usd_mn"], 1.79728 / 100 * 467739.079790332)


def test_interpolated_cells_per_economy(real):
    flagged = real.notes[real.notes.is_interpolated]
    per_economy = flagged.groupby("country_code").year.apply(list).to_dict()
    # the missing cells of the raw file's rows 2003-2021, read by hand
    assert per_economy == {
        "AUS": [2003, 2005, 2007, 2009, 2012, 2014, 2016, 2018, 2020],
        "CHE": [2003, 2005, 2006, 2007, 2009, 2010, 2011, 2013, 2014, 2016, 2018, 2020],
        "NZL": [2004, 2006, 2008, 2010, 2012, 2014, 2016, 2018, 2020],
    }
    assert (flagged.column == "rd_expenditure_usd_mn").all()
    assert len(real.notes) == 22 * 19 * 3


def test_main_writes_partners_china_notes_readme(tmp_path):
    assert wb.main(["--out", str(tmp_path)]) == 0
    partners = pd.read_csv(tmp_path / "partner_macro.csv")
    china = pd.read_csv(tmp_path / "china_macro.csv")
    assert list(partners.columns) == list(wb.CONTRACT_COLUMNS) == list(china.columns)
    assert sorted(partners.country_code.unique()) == sorted(PARTNERS)
    assert china.country_code.unique().tolist() == ["CHN"] and len(china) == 19
    readme = (tmp_path / "README.md").read_text()
    assert "REAL DATA" in readme and "ASSUMPTION" in readme and "gfcf_usd_mn is EMPTY" in readme
    assert len(pd.read_csv(tmp_path / "partner_macro_notes.csv")) == 22 * 19 * 3
