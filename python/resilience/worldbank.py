r"""World Bank partner-economy inputs for the R&D capital stocks (REAL DATA, issue 13).

Turns three World Bank files into the warehouse's partner-macro contract
(``country_code, year, rd_expenditure_usd_mn, gdp_usd_mn, gfcf_usd_mn, cpi``, one row per
economy-year, the ``partner_macro`` input of ``docs/contracts.md``):

* ``API_GB.XPD.RSDV.GD.ZS_DS2_en_csv_v2_232.csv`` -- WDI GB.XPD.RSDV.GD.ZS, gross domestic
  expenditure on R&D (GERD) in % of GDP, the wide WDI layout (4 metadata lines, then
  ``Country Name, Country Code, Indicator Name, Indicator Code, 1960, ...``);
* ``gdp.csv`` -- GDP in current US dollars, long (``Country Name, Country Code, Year, Value``);
* ``cpi.csv`` -- long (``Country, Country Code, Year, CPI``). Its datapackage calls the column
  a CPI (2005 = 100); the values are WDI FP.CPI.TOTL.ZG, annual inflation in percent
  (negative in deflation years, no trend, nowhere near 100 in 2005). It is read as inflation.

Rules
-----
1. Nominal R&D. :math:`RD_{jt} = s_{jt} / 100 \cdot GDP_{jt} / 10^6` (USD million), with
   :math:`s_{jt}` the GERD share in percent; ``gdp_usd_mn`` :math:`= GDP_{jt} / 10^6`.
2. CPI by chaining. With :math:`\pi_{jt}` the inflation rate in percent and :math:`b` the
   first output year,

   .. math::

       CPI_{jb} = 100, \qquad CPI_{jt} = CPI_{j,t-1}\,(1 + \pi_{jt} / 100),\quad t > b.

   Only ratios :math:`CPI_{jt}/CPI_{jb}` enter the perpetual inventory, so the base value
   100 is a convention; :math:`\pi_{jb}` itself is not used. This treats the file's column
   as inflation -- an assumption stated in every output README.
3. A detector guards rule 2 both ways (per economy, over the output years):
   a series passed as a price index *looks like a rate* when it has a negative value, or
   when at least 80 % of its values lie in (-30, 30) without an upward trend (Spearman
   correlation with the year below 0.8) -- :class:`CpiLooksLikeRateError`; a series passed
   as inflation *looks like an index* when it has no negative value and a median of 30 or
   more -- :class:`InflationLooksLikeIndexError`.
4. Gaps of the GERD share. A year between two observed years of the same economy (an
   interior gap; some economies report every other year) is filled by linear
   interpolation in the year between the nearest observed years, which may lie outside
   the output window (Australia 2003 from 2002 and 2004). Every filled cell is listed in
   the notes with both anchors. Nothing else is filled: GDP and inflation must be
   observed in every output year, and a share before the first or after the last
   observation (an edge gap) is never invented.
5. Edge gaps. The perpetual inventory needs every economy from the base year to one common
   last year. A missing first year is an error (:class:`EdgeGapError`). At the end,
   ``edge_policy="trim"`` (the default) ends the output for *all* economies in the last
   year every one of them has; the dropped cells are listed in the ``missing`` table.
   ``edge_policy="fail"`` raises :class:`EdgeGapError` naming each economy, year and column.
6. ``gfcf_usd_mn`` is not in these files and is left empty: the warehouse setting
   ``spillover_denominator = 'gfcf'`` cannot be used with this data.

China (``CHN``) is not a partner (``seeds/reference/partner_countries.csv``); the command
line writes it to its own file (``china_macro.csv``, same columns), so a caller includes it
by reading both files or excludes it by reading ``partner_macro.csv`` only.
"""

from __future__ import annotations

import argparse
import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from resilience.errors import ResilienceError
from resilience.paths import PROJECT_ROOT

GERD_FILE = "API_GB.XPD.RSDV.GD.ZS_DS2_en_csv_v2_232.csv"
GDP_FILE = "gdp.csv"
CPI_FILE = "cpi.csv"
GERD_INDICATOR = "GB.XPD.RSDV.GD.ZS"
WDI_ID_COLUMNS = ("Country Name", "Country Code", "Indicator Name", "Indicator Code")
GDP_COLUMNS = ("Country Name", "Country Code", "Year", "Value")
CPI_COLUMNS = ("Country", "Country Code", "Year", "CPI")
CONTRACT_COLUMNS = (
    "country_code",
    "year",
    "rd_expenditure_usd_mn",
    "gdp_usd_mn",
    "gfcf_usd_mn",
    "cpi",
)
CHINA = "CHN"
FIRST_YEAR = 2003
LAST_YEAR = 2023
CPI_BASE_VALUE = 100.0
RATE_CEILING = 30.0
RATE_SHARE = 0.8
TREND_RHO = 0.8
SOURCE_DIR = PROJECT_ROOT / "examples" / "china_real" / "data" / "world_bank"
PARTNERS_FILE = PROJECT_ROOT / "seeds" / "reference" / "partner_countries.csv"


class WorldBankError(ResilienceError, ValueError):
    """Base class of the errors of this module: bad input, exit code 2 on the command line."""

    exit_code = 2


class WorldBankFileError(WorldBankError):
    """A file does not have the expected layout, or a cell is not a number.

    ``str(err)`` reads ``<file>, line <n>, column <c>: <problem>``.
    """

    def __init__(self, path: Path | str, line: int, column: str, problem: str):
        self.path, self.line, self.column = Path(path), line, column
        super().__init__(f"{Path(path).name}, line {line}, column {column!r}: {problem}")


class CpiLooksLikeRateError(WorldBankError):
    """A series passed as a price index looks like an inflation rate (rule 3)."""


class InflationLooksLikeIndexError(WorldBankError):
    """A series passed as an inflation rate looks like a price index (rule 3)."""


class SeriesGapError(WorldBankError):
    """An economy lacks a value that no rule may fill (an economy, a year, a file)."""


class EdgeGapError(WorldBankError):
    """A series does not cover the first year, or (``edge_policy='fail'``) the last year."""


# --------------------------------------------------------------------------------- readers


def _number(text: str, path: Path, line: int, column: str) -> float:
    """Parse one cell: an empty cell is missing (NaN), anything else must be a number."""
    text = text.strip()
    if text == "":
        return np.nan
    try:
        return float(text)
    except ValueError:
        raise WorldBankFileError(
            path, line, column, f"value {text!r} is not a number; leave the cell empty if missing"
        ) from None


def _year(text: str, path: Path, line: int, column: str) -> int:
    """Parse a four-digit year."""
    if not (text.strip().isdigit() and len(text.strip()) == 4):
        raise WorldBankFileError(path, line, column, f"{text!r} is not a four-digit year")
    return int(text)


def _frame(records: list[tuple], path: Path) -> pd.DataFrame:
    """Return the long table of a reader; a second row for one economy-year is an error."""
    out = pd.DataFrame(
        records, columns=["country_code", "country_name", "year", "value", "line", "column"]
    )
    twice = out[out.duplicated(["country_code", "year"], keep="first")]
    if len(twice):
        row = twice.iloc[0]
        raise WorldBankFileError(
            path,
            int(row.line),
            row.column,
            f"second row for {row.country_code} {row.year}; keep one row per economy-year",
        )
    return out


def read_wdi_wide(path: Path | str, indicator_code: str = GERD_INDICATOR) -> pd.DataFrame:
    """Read a World Development Indicators download in its wide CSV layout.

    Line 1 is ``"Data Source","World Development Indicators",``, line 3
    ``"Last Updated Date","<date>",``, line 5 the header ``Country Name, Country Code,
    Indicator Name, Indicator Code`` followed by one column per year (a trailing empty
    column, as the World Bank writes it, is ignored); one row per economy from line 6.

    Parameters
    ----------
    path : path-like
        The file (UTF-8, with or without a byte-order mark).
    indicator_code : str
        The indicator every row must carry in ``Indicator Code``.

    Returns
    -------
    pandas.DataFrame
        Long: ``country_code, country_name, year, value, line, column`` (``line`` the
        1-based line of the file, ``column`` the year header), empty cells as NaN;
        ``attrs["last_updated"]`` holds the file's date.

    Raises
    ------
    WorldBankFileError
        Wrong layout or a non-numeric cell, naming the file, line and column.
    """
    path = Path(path)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = [(reader_line, row) for reader_line, row in _numbered(csv.reader(handle))]
    meta = {line: row for line, row in rows if line < 5}
    for line, label in ((1, "Data Source"), (3, "Last Updated Date")):
        found = meta.get(line, [""])[0] if meta.get(line) else ""
        if found != label:
            raise WorldBankFileError(
                path,
                line,
                "A",
                f"expected {label!r} (the WDI wide layout has 4 metadata lines), found {found!r}",
            )
    header = next((row for line, row in rows if line == 5), [])
    if tuple(header[:4]) != WDI_ID_COLUMNS:
        raise WorldBankFileError(
            path, 5, "A-D", f"expected the header {list(WDI_ID_COLUMNS)}, found {header[:4]}"
        )
    while header and header[-1] == "":
        header = header[:-1]
    years = [_year(text, path, 5, text) for text in header[4:]]
    records = []
    for line, row in rows:
        if line <= 5 or not row:
            continue
        if len(row) < 4 + len(years):
            raise WorldBankFileError(
                path, line, header[-1], f"{len(row)} fields, expected {4 + len(years)}"
            )
        if row[3] != indicator_code:
            raise WorldBankFileError(
                path, line, "Indicator Code", f"expected {indicator_code!r}, found {row[3]!r}"
            )
        for year, text in zip(years, row[4 : 4 + len(years)], strict=True):
            value = _number(text, path, line, str(year))
            records.append((row[1], row[0], year, value, line, str(year)))
    out = _frame(records, path)
    out.attrs["last_updated"] = meta[3][1]
    return out


def _numbered(reader: Iterable[list[str]]) -> Iterable[tuple[int, list[str]]]:
    """Yield ``(line, row)`` with the 1-based line on which each CSV row ends."""
    for row in reader:
        yield reader.line_num, row


def read_long(path: Path | str, columns: Sequence[str]) -> pd.DataFrame:
    """Read a long ``name, code, year, value`` file (the datasets/gdp and datasets/cpi layout).

    Parameters
    ----------
    path : path-like
        The file.
    columns : sequence of str
        The four header names expected in line 1, in order: economy name, economy code,
        year, value (``GDP_COLUMNS`` or ``CPI_COLUMNS``).

    Returns
    -------
    pandas.DataFrame
        ``country_code, country_name, year, value, line, column`` as :func:`read_wdi_wide`.

    Raises
    ------
    WorldBankFileError
        A header column missing or misplaced, a row of the wrong length, a year or value
        that does not parse, or a second row for one economy-year.
    """
    path = Path(path)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, [])
        for position, name in enumerate(columns):
            if position >= len(header) or header[position] != name:
                raise WorldBankFileError(
                    path,
                    1,
                    name,
                    f"column missing or misplaced: expected header {list(columns)}, found {header}",
                )
        records = []
        for line, row in _numbered(reader):
            if len(row) != len(columns):
                raise WorldBankFileError(
                    path, line, columns[-1], f"{len(row)} fields, expected {len(columns)}"
                )
            year = _year(row[2], path, line, columns[2])
            value = _number(row[3], path, line, columns[3])
            records.append((row[1], row[0], year, value, line, columns[3]))
    return _frame(records, path)


def read_gerd(path: Path | str) -> pd.DataFrame:
    """Read the WDI GERD share file (% of GDP); see :func:`read_wdi_wide`."""
    return read_wdi_wide(path, GERD_INDICATOR)


def read_gdp(path: Path | str) -> pd.DataFrame:
    """Read datasets/gdp ``gdp.csv`` (current USD); see :func:`read_long`."""
    return read_long(path, GDP_COLUMNS)


def read_inflation(path: Path | str) -> pd.DataFrame:
    """Read datasets/cpi ``cpi.csv``, whose ``CPI`` column is inflation in percent."""
    return read_long(path, CPI_COLUMNS)


# ------------------------------------------------------------------------- rate vs. index


def _trend(values: pd.Series) -> float:
    """Spearman correlation of a year-indexed series with the year (NaN if constant)."""
    ranks = values.rank().to_numpy(float)
    years = pd.Series(values.index, dtype=float).rank().to_numpy(float)
    if len(values) < 3 or np.ptp(ranks) == 0:
        return np.nan
    return float(np.corrcoef(years, ranks)[0, 1])


def rate_evidence(values: pd.Series) -> str | None:
    """Return why a year-indexed series looks like a rate in percent, or None (rule 3)."""
    values = values.dropna()
    negative = values[values < 0]
    if len(negative):
        return (
            f"{len(negative)} negative value(s), first {negative.index[0]}: "
            f"{negative.iloc[0]:.4g}; a price index is positive"
        )
    share = float((values.abs() < RATE_CEILING).mean())
    rho = _trend(values)
    if share >= RATE_SHARE and not rho >= TREND_RHO:
        return (
            f"{share:.0%} of values under {RATE_CEILING:g} and no upward trend "
            f"(Spearman correlation with the year {rho:.2f} < {TREND_RHO:g})"
        )
    return None


def index_evidence(values: pd.Series) -> str | None:
    """Return why a year-indexed series looks like a price index, or None (rule 3)."""
    values = values.dropna()
    median = float(values.median())
    if (values >= 0).all() and median >= RATE_CEILING:
        return (
            f"no negative value and a median of {median:.4g} (>= {RATE_CEILING:g}); "
            "annual inflation in percent is rarely that high"
        )
    return None


def check_price_index(series: dict[str, pd.Series], source: str) -> None:
    """Raise :class:`CpiLooksLikeRateError` if any economy's "CPI" looks like a rate.

    Parameters
    ----------
    series : dict of str to pandas.Series
        Year-indexed values per economy code.
    source : str
        What the series is (file and column), for the message.
    """
    listed, n = _evidence(series, rate_evidence)
    if listed:
        raise CpiLooksLikeRateError(
            f"{source} was passed as a price index but looks like an inflation rate in "
            f"percent for {n} of {len(series)} economies ({listed}); pass it as "
            "inflation (the CPI is then built by chaining) or supply an index"
        )


def check_inflation_rate(series: dict[str, pd.Series], source: str) -> None:
    """Raise :class:`InflationLooksLikeIndexError` if any economy's inflation looks like an index.

    Parameters are those of :func:`check_price_index`.
    """
    listed, n = _evidence(series, index_evidence)
    if listed:
        raise InflationLooksLikeIndexError(
            f"{source} was passed as inflation in percent but looks like a price index for "
            f"{n} of {len(series)} economies ({listed}); pass it as the cpi "
            "column itself instead of chaining it"
        )


def _evidence(series: dict[str, pd.Series], detector) -> tuple[str, int]:
    """Return ("CODE: why; ...", count) of the economies ``detector`` finds evidence for."""
    found = {code: detector(s) for code, s in series.items()}
    found = {code: why for code, why in found.items() if why}
    return "; ".join(f"{code}: {why}" for code, why in found.items()), len(found)


def chain_cpi(inflation: pd.Series, first_year: int) -> pd.Series:
    """Return the price index chained from inflation, ``CPI = 100`` in ``first_year`` (rule 2).

    Parameters
    ----------
    inflation : pandas.Series
        Inflation in percent indexed by year; every year after ``first_year`` up to the
        series' last year must be present (``inflation[first_year]`` is not used).
    first_year : int
        The base year of the index.

    Returns
    -------
    pandas.Series
        ``CPI_t`` for ``first_year .. inflation.index.max()``.
    """
    years = range(first_year, int(inflation.index.max()) + 1)
    cpi, level = {}, CPI_BASE_VALUE
    for year in years:
        if year > first_year:
            level *= 1.0 + float(inflation[year]) / 100.0
        cpi[year] = level
    return pd.Series(cpi, name="cpi")


# ------------------------------------------------------------------------------- gaps


def interpolate_interior(share: pd.Series, years: Iterable[int]) -> tuple[pd.Series, list]:
    """Fill interior gaps of a year-indexed series by linear interpolation in the year (rule 4).

    Parameters
    ----------
    share : pandas.Series
        Observed values indexed by year (NaN or absent years are gaps).
    years : iterable of int
        The years wanted.

    Returns
    -------
    filled : pandas.Series
        The values for ``years``: observed, interpolated between the nearest observed
        years before and after, or NaN (edge gaps: before the first or after the last
        observation).
    fills : list of tuple
        ``(year, value, year_before, value_before, year_after, value_after)`` per filled year.
    """
    observed = share.dropna().sort_index()
    filled, fills = {}, []
    for year in years:
        if year in observed.index:
            filled[year] = float(observed[year])
            continue
        before, after = observed[observed.index < year], observed[observed.index > year]
        if before.empty or after.empty:
            filled[year] = np.nan
            continue
        y0, v0, y1, v1 = before.index[-1], before.iloc[-1], after.index[0], after.iloc[0]
        value = float(v0 + (v1 - v0) * (year - y0) / (y1 - y0))
        filled[year] = value
        fills.append((year, value, int(y0), float(v0), int(y1), float(v1)))
    return pd.Series(filled, dtype=float), fills


# ------------------------------------------------------------------------- conversion


@dataclass(frozen=True)
class Conversion:
    """The partner-macro table built from the World Bank files, with its notes.

    Attributes
    ----------
    macro : pandas.DataFrame
        The contract columns, one row per economy-year ``first_year .. last_year``.
    notes : pandas.DataFrame
        One row per derived cell: ``country_code, year, column, rule, is_interpolated,
        source_values``.
    missing : pandas.DataFrame
        Edge-gap cells left out of the output: ``country_code, year, column, reason``.
    first_year, last_year : int
        The years delivered (``last_year`` after trimming).
    requested_last_year : int
        The last year asked for.
    cpi_kind : str
        How the ``CPI`` column was read (``"inflation"``: chained; ``"index"``: as is).
    """

    macro: pd.DataFrame
    notes: pd.DataFrame
    missing: pd.DataFrame
    first_year: int
    last_year: int
    requested_last_year: int
    cpi_kind: str

    def economies(self, codes: Iterable[str]) -> pd.DataFrame:
        """Return the rows of ``macro`` for the given economy codes (e.g. without CHN)."""
        return self.macro[self.macro["country_code"].isin(list(codes))].reset_index(drop=True)


def _by_economy(table: pd.DataFrame, codes: Sequence[str], path: Path) -> dict[str, pd.DataFrame]:
    """Split a long table by economy; an economy absent from the file is an error."""
    absent = [code for code in codes if code not in set(table["country_code"])]
    if absent:
        raise SeriesGapError(f"{path.name}: no rows for economy {', '.join(absent)}")
    return {code: table[table["country_code"] == code].set_index("year") for code in codes}


def _complete_through(code: str, columns: dict[str, pd.Series], first_year: int) -> int:
    """Return the last year of the unbroken run from ``first_year`` of all ``columns``.

    A missing first year is an :class:`EdgeGapError`; a missing year followed by an
    observed one (an interior gap no rule may fill) is a :class:`SeriesGapError`.
    """
    last = None
    for name, values in columns.items():
        present = values.notna()
        if not present.get(first_year, False):
            raise EdgeGapError(
                f"economy {code}, year {first_year}: {name} missing in the first year "
                "(an edge gap is never invented; the perpetual inventory starts there)"
            )
        gaps = present.index[~present]
        after = present.index[present]
        if len(gaps) and gaps[0] < after[-1]:
            raise SeriesGapError(
                f"economy {code}, year {gaps[0]}: {name} missing between observed years "
                f"(only the GERD share may be interpolated)"
            )
        run_end = int(gaps[0]) - 1 if len(gaps) else int(present.index[-1])
        last = run_end if last is None else min(last, run_end)
    return last


def convert(
    source_dir: Path | str = SOURCE_DIR,
    economies: Sequence[str] | None = None,
    first_year: int = FIRST_YEAR,
    last_year: int = LAST_YEAR,
    edge_policy: str = "trim",
    cpi_kind: str = "inflation",
) -> Conversion:
    """Build the partner-macro contract from the three World Bank files (rules 1-6).

    Parameters
    ----------
    source_dir : path-like
        Folder holding ``GERD_FILE``, ``GDP_FILE`` and ``CPI_FILE``.
    economies : sequence of str, optional
        ISO3 codes; default the partners of ``seeds/reference/partner_countries.csv`` and CHN.
    first_year, last_year : int
        The years wanted (the warehouse's base year and the end of the panel).
    edge_policy : {"trim", "fail"}
        What to do when some economy's series ends before ``last_year`` (rule 5).
    cpi_kind : {"inflation", "index"}
        How to read the ``CPI`` column of ``cpi.csv``: as inflation in percent, chained
        into an index (rule 2; right for the shipped file), or as a price index used as
        it is. Either way the detector of rule 3 checks the claim first.

    Returns
    -------
    Conversion

    Raises
    ------
    WorldBankFileError, SeriesGapError, EdgeGapError
    InflationLooksLikeIndexError, CpiLooksLikeRateError
        The ``CPI`` column does not look like what ``cpi_kind`` says.
    """
    if edge_policy not in ("trim", "fail"):
        raise WorldBankError(f"edge_policy {edge_policy!r}: use 'trim' or 'fail'")
    if cpi_kind not in ("inflation", "index"):
        raise WorldBankError(f"cpi_kind {cpi_kind!r}: use 'inflation' or 'index'")
    source_dir = Path(source_dir)
    codes = list(economies) if economies is not None else default_economies()
    paths = {k: source_dir / f for k, f in (("gerd", GERD_FILE), ("gdp", GDP_FILE))}
    paths["inflation"] = source_dir / CPI_FILE
    tables = {
        "gerd": _by_economy(read_gerd(paths["gerd"]), codes, paths["gerd"]),
        "gdp": _by_economy(read_gdp(paths["gdp"]), codes, paths["gdp"]),
        "inflation": _by_economy(read_inflation(paths["inflation"]), codes, paths["inflation"]),
    }
    window = range(first_year, last_year + 1)
    check = check_inflation_rate if cpi_kind == "inflation" else check_price_index
    check(
        {c: tables["inflation"][c]["value"].reindex(window) for c in codes},
        f"{CPI_FILE} column 'CPI'",
    )
    shares, fills, ends = {}, {}, {}
    for code in codes:
        shares[code], fills[code] = interpolate_interior(tables["gerd"][code]["value"], window)
        ends[code] = _complete_through(
            code,
            {
                f"GERD share ({GERD_FILE})": shares[code],
                f"GDP ({GDP_FILE})": tables["gdp"][code]["value"].reindex(window),
                f"inflation ({CPI_FILE})": tables["inflation"][code]["value"].reindex(window),
            },
            first_year,
        )
    end = min(ends.values())
    missing = _missing_cells(codes, shares, tables, range(end + 1, last_year + 1))
    if edge_policy == "fail" and end < last_year:
        listed = "; ".join(
            f"economy {r.country_code}, year {r.year}: {r.column}" for r in missing.itertuples()
        )
        raise EdgeGapError(
            f"the series end before {last_year} (edge gaps are never invented): {listed}; "
            f"use edge_policy='trim' to end every economy in {end}"
        )
    years = range(first_year, end + 1)
    rows, notes = [], []
    for code in codes:
        gdp, inflation = tables["gdp"][code], tables["inflation"][code]
        cpi = (
            chain_cpi(inflation["value"].reindex(years), first_year)
            if cpi_kind == "inflation"
            else inflation["value"].reindex(years)
        )
        interpolated = {f[0]: f for f in fills[code]}
        gerd = tables["gerd"][code]
        for year in years:
            share = shares[code][year]
            rd = share / 100.0 * gdp.at[year, "value"] / 1e6
            rows.append((code, year, rd, gdp.at[year, "value"] / 1e6, np.nan, cpi[year]))
            notes.extend(
                _cell_notes(
                    code,
                    year,
                    share,
                    interpolated.get(year),
                    gerd,
                    gdp,
                    inflation,
                    cpi,
                    cpi_kind == "inflation",
                )
            )
    macro = pd.DataFrame(rows, columns=list(CONTRACT_COLUMNS))
    note_columns = ["country_code", "year", "column", "rule", "is_interpolated", "source_values"]
    return Conversion(
        macro,
        pd.DataFrame(notes, columns=note_columns),
        missing,
        first_year,
        end,
        last_year,
        cpi_kind,
    )


def _cite(table: pd.DataFrame, year: int, label: str, path_name: str) -> str:
    """Return ``label year = value (file line n, column c)`` for one source cell."""
    row = table.loc[year]
    return (
        f"{label} {year} = {float(row.value)!r} ({path_name} line {row.line}, column {row.column})"
    )


def _cell_notes(code, year, share, fill, gerd, gdp, inflation, cpi, chained) -> list[tuple]:
    """Return the notes rows of one economy-year (rules 1, 2 and 4)."""
    gdp_text = _cite(gdp, year, "GDP current USD", GDP_FILE)
    if fill is None:
        rd_rule = "rd = gerd_share / 100 * gdp_usd / 1e6"
        share_text = _cite(gerd, year, "GERD % of GDP", GERD_FILE)
    else:
        _, value, y0, _, y1, _ = fill
        rd_rule = (
            "rd = gerd_share / 100 * gdp_usd / 1e6; gerd_share interpolated linearly in year "
            f"between {y0} and {y1}"
        )
        share_text = (
            f"GERD % of GDP {year} missing, interpolated = {value!r} from "
            f"{_cite(gerd, y0, 'GERD % of GDP', GERD_FILE)} and "
            f"{_cite(gerd, y1, 'GERD % of GDP', GERD_FILE)}"
        )
    notes = [
        (
            code,
            year,
            "rd_expenditure_usd_mn",
            rd_rule,
            fill is not None,
            f"{share_text}; {gdp_text}",
        ),
        (code, year, "gdp_usd_mn", "gdp_usd_mn = gdp_usd / 1e6", False, gdp_text),
    ]
    if not chained:
        cpi_rule = "cpi = the CPI column read as a price index"
        cpi_text = _cite(inflation, year, "price index (column CPI)", CPI_FILE)
    elif year == cpi.index[0]:
        cpi_rule, cpi_text = f"cpi = {CPI_BASE_VALUE:g} in the first year (base)", "none"
    else:
        cpi_rule = "cpi = cpi[year-1] * (1 + inflation / 100), inflation from the CPI column"
        cpi_text = (
            f"cpi {year - 1} = {float(cpi[year - 1])!r}; "
            f"{_cite(inflation, year, 'inflation % (column CPI)', CPI_FILE)}"
        )
    notes.append((code, year, "cpi", cpi_rule, False, cpi_text))
    return notes


def _missing_cells(codes, shares, tables, years) -> pd.DataFrame:
    """List the source cells missing in the trimmed years (why the output ends early)."""
    rows = []
    for code in codes:
        for year in years:
            if np.isnan(shares[code].get(year, np.nan)):
                rows.append((code, year, "rd_expenditure_usd_mn", f"GERD share not in {GERD_FILE}"))
            if np.isnan(tables["gdp"][code]["value"].get(year, np.nan)):
                rows.append((code, year, "gdp_usd_mn", f"GDP not in {GDP_FILE}"))
            if np.isnan(tables["inflation"][code]["value"].get(year, np.nan)):
                rows.append((code, year, "cpi", f"inflation not in {CPI_FILE}"))
    return pd.DataFrame(rows, columns=["country_code", "year", "column", "reason"])


def default_economies() -> list[str]:
    """Return the partner codes of ``seeds/reference/partner_countries.csv`` and CHN."""
    partners = pd.read_csv(PARTNERS_FILE, dtype=str)["country_code"].tolist()
    return [*partners, CHINA]


# ----------------------------------------------------------------------------- output


def cpi_evidence(source_dir: Path | str, codes: Sequence[str], years: Iterable[int]) -> str:
    """Return one line of evidence that the ``CPI`` column of ``cpi.csv`` is a rate."""
    table = read_inflation(Path(source_dir) / CPI_FILE)
    years = list(years)
    window = table[table["country_code"].isin(codes) & table["year"].isin(years)]["value"]
    whole = table["value"].dropna()
    return (
        f"{int((whole < 0).sum())} of {len(whole)} values in the whole file are negative; "
        f"for these {len(codes)} economies {years[0]}-{years[-1]}: "
        f"{int((window < 0).sum())} negative, median {window.median():.2f}, "
        f"range {window.min():.2f} to {window.max():.2f}; "
        f"every value in 2005 (the datapackage's base year 2005 = 100) lies in "
        f"{whole[table['year'] == 2005].min():.2f} to {whole[table['year'] == 2005].max():.2f}"
    )


def write_outputs(conversion: Conversion, out_dir: Path | str, source_dir: Path | str) -> None:
    """Write ``partner_macro.csv``, ``china_macro.csv``, the notes, the missing cells, README.

    Parameters
    ----------
    conversion : Conversion
        The result of :func:`convert`.
    out_dir : path-like
        The folder to write (created if needed).
    source_dir : path-like
        The folder the World Bank files were read from (cited in the README).
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    macro = conversion.macro
    codes = list(dict.fromkeys(macro["country_code"]))
    partners = [c for c in codes if c != CHINA]
    conversion.economies(partners).to_csv(out / "partner_macro.csv", index=False)
    if CHINA in codes:
        conversion.economies([CHINA]).to_csv(out / "china_macro.csv", index=False)
    conversion.notes.to_csv(out / "partner_macro_notes.csv", index=False)
    conversion.missing.to_csv(out / "partner_macro_missing.csv", index=False)
    (out / "README.md").write_text(_readme(conversion, source_dir, codes), encoding="utf-8")


def _readme(conversion: Conversion, source_dir: Path | str, codes: list[str]) -> str:
    """Return the provenance README of the output folder."""
    notes = conversion.notes
    filled = notes[notes["is_interpolated"]].groupby("country_code")["year"].apply(list)
    filled_text = "; ".join(f"{c} {', '.join(map(str, ys))}" for c, ys in filled.items())
    gaps = conversion.missing.groupby(["country_code", "column"])["year"].apply(list)
    gap_text = "; ".join(f"{c} {col} {', '.join(map(str, ys))}" for (c, col), ys in gaps.items())
    years = range(conversion.first_year, conversion.last_year + 1)
    n_partners = len([c for c in codes if c != CHINA])
    span = f"{conversion.first_year}-{conversion.last_year}"
    return f"""# Partner macro from World Bank files -- REAL DATA

REAL DATA: World Bank World Development Indicators (CC BY 4.0), via datasets/gdp and
datasets/cpi (ODC-PDDL-1.0); source files in `{source_dir}` (see PROVENANCE.md there).
Written by `python -m resilience.worldbank` (rules in `python/resilience/worldbank.py`).

* `partner_macro.csv`: the partner-macro contract ({", ".join(CONTRACT_COLUMNS)}) for
  {n_partners} partner economies, {span}.
* `china_macro.csv`: the same for CHN (not a partner; read it too to include China).
* `partner_macro_notes.csv`: every derived cell, its rule and its source cells (file,
  line, column); `is_interpolated` flags the GERD shares filled by linear interpolation.
* `partner_macro_missing.csv`: source cells missing after the last delivered year.

Rules. rd_expenditure_usd_mn = GERD share (% of GDP) / 100 x GDP (current USD) / 1e6;
gdp_usd_mn = GDP / 1e6; {_cpi_text(conversion, source_dir, codes, years)}

gfcf_usd_mn is EMPTY: gross fixed capital formation is not in these files, so
spillover_denominator = 'gfcf' cannot be used with this data (use 'gdp').

Years: asked {conversion.first_year}-{conversion.requested_last_year}, delivered
{conversion.first_year}-{conversion.last_year} for every economy ({len(codes)} economies x
{len(years)} years = {len(conversion.macro)} rows); the output ends in the last year every
economy has (edge gaps are never invented). Missing after {conversion.last_year}:
{gap_text or "none"}.

Interpolated GERD shares ({int(notes["is_interpolated"].sum())} cells): {filled_text or "none"}.
"""


def _cpi_text(conversion: Conversion, source_dir, codes: list[str], years: range) -> str:
    """Return the README's sentence on how the cpi column was made, with the evidence."""
    if conversion.cpi_kind == "index":
        return "cpi = the `CPI` column of cpi.csv, read as a price index (cpi_kind='index')."
    return f"""cpi = 100 in {conversion.first_year}, then
cpi_t = cpi_t-1 x (1 + inflation_t / 100).

ASSUMPTION: the `CPI` column of cpi.csv is treated as annual inflation in percent (WDI
FP.CPI.TOTL.ZG), not as the index its datapackage names, because
{cpi_evidence(source_dir, codes, years)}."""


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``python -m resilience.worldbank --out DIR [--source DIR] ...``."""
    parser = argparse.ArgumentParser(prog="python -m resilience.worldbank", description=__doc__)
    parser.add_argument("--out", required=True, type=Path, help="output folder")
    parser.add_argument("--source", type=Path, default=SOURCE_DIR, help="World Bank files")
    parser.add_argument("--first-year", type=int, default=FIRST_YEAR)
    parser.add_argument("--last-year", type=int, default=LAST_YEAR)
    parser.add_argument("--edge-policy", choices=("trim", "fail"), default="trim")
    args = parser.parse_args(argv)
    try:
        conversion = convert(
            args.source,
            first_year=args.first_year,
            last_year=args.last_year,
            edge_policy=args.edge_policy,
        )
    except WorldBankError as err:
        parser.exit(err.exit_code, f"error: {err}\n")
    write_outputs(conversion, args.out, args.source)
    print(
        f"wrote {args.out}: {conversion.macro['country_code'].nunique()} economies x "
        f"{conversion.last_year - conversion.first_year + 1} years "
        f"({conversion.first_year}-{conversion.last_year}), "
        f"{int(conversion.notes['is_interpolated'].sum())} interpolated GERD shares"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
