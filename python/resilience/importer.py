"""Import provincial tables in the NBS / yearbook wide layout into the warehouse's raw long layout.

The NBS data portal (data.stats.gov.cn, "分省年度数据") and the statistical yearbooks
export one indicator per table: regions as rows, years as columns, a few metadata lines
above the header (``数据库：分省年度数据``, ``指标：…``, ``时间：…``) and notes below it
(``注：…``, ``数据来源：国家统计局``)::

    数据库：分省年度数据
    指标：地区生产总值(亿元)
    地区,2023年,2022年,2021年
    北京市,43760.7,41610.9,40269.6
    内蒙古,…,23158.6,21166.0
    数据来源：国家统计局

:func:`import_wide_table` turns that into the long layout every index model reads
(``docs/contracts.md``; ``var('indicator_values_path')``)::

    unit_id,year,indicator,value
    110000,2021,gdp,40269.6

Rules (each one is a documented choice, tested in ``tests/python/test_importer.py``):

* **Header row**: the first row whose cells after the first are all years (``2023``,
  ``2023年``, ``2023 年``); everything above it is metadata. ``指标：…`` / ``Indicator:``
  in the metadata names the indicator when ``indicator`` is not given.
* **Rows below the header** are read to the end of the file, each on its own: an empty
  row is skipped (a blank line never ends the table: provinces below it are imported); a
  row whose first cell starts with ``注``, ``数据来源``, ``Note`` or ``Source`` is a note.
* **Every non-empty cell is imported exactly once or reported**: metadata above the
  header, the header, row labels, notes and the national total are listed in
  :attr:`ImportResult.reported` (row, column, reason; the shape of the yearbook reader's
  report, :class:`ReportedCell`); a value is imported under the year of its column. A
  row with more cells than the header (an unquoted ``1,234.5`` splits one cell in two and
  moves every later cell one column right) or a value under a header cell without a year
  is an error naming row and column, never a shifted or dropped value.
* **Province names**: matched against ``seeds/reference/provinces.csv``. Chinese names
  match with or without the suffix 省 / 市 / 自治区 / 壮族自治区 / 回族自治区 /
  维吾尔自治区, ignoring spaces (yearbooks pad two-character names: ``北　京``); English
  names match case-insensitively, also in pinyin (``Xizang``, ``Nei Mongol``,
  ``Neimenggu``). A national-total row (全国, National, China, Total) is not imported:
  its cells are reported (``national total``). Any other unknown name is an error that
  lists every unknown name, never a silent drop.
* **Missing markers**: ``…``, ``...``, ``—``, ``——``, ``–``, ``-``, ``--``, ``NA``,
  ``N/A`` and the empty cell become a missing value (an empty cell in the long file),
  which the index models fill by interpolation and flag.
* **Thousands separators**: ``1,234`` is rejected by default, because in a yearbook
  exported with a decimal comma it means 1.234. Pass ``thousands=","`` (CLI:
  ``--thousands ,``) to read it as 1234. Any other text that is not a number is an error
  naming the file, province, year and cell.
* **Numbers** are plain decimals (``12``, ``-3.5``, ``1.2e3``, full-width digits after
  NFKC): ``inf``, ``Infinity``, ``1.2e400`` (beyond a double) and ``1_000`` are errors,
  never an infinity or 1000.
"""

from __future__ import annotations

import csv
import io
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from resilience.errors import storage_faults
from resilience.paths import PROVINCES_CSV, write_atomically

MISSING_MARKERS = frozenset(
    {"", "…", "……", "...", "..", "—", "——", "–", "-", "--", "na", "n/a", "nan", "null"}
)
"""Cell texts (after trimming, lower-cased) that mean 'no value' in NBS and yearbook tables."""

CHINESE_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "省", "市")
"""Suffixes stripped from Chinese names before matching, longest first."""

NATIONAL_TOTAL_NAMES = frozenset(
    {"全国", "全国合计", "合计", "national", "china", "total", "nationwide"}
)
"""Row labels of the national total, skipped (and reported) rather than rejected."""

ENGLISH_ALIASES = {
    "xizang": "540000",
    "tibet autonomous region": "540000",
    "nei mongol": "150000",
    "neimenggu": "150000",
    "inner mongolia autonomous region": "150000",
    "guangxi zhuang autonomous region": "450000",
    "ningxia hui autonomous region": "640000",
    "xinjiang uygur autonomous region": "650000",
    "xinjiang uyghur autonomous region": "650000",
}
"""English and pinyin spellings found in NBS English exports besides the seed's names."""

FOOTER_PREFIXES = ("注", "数据来源", "资料来源", "note", "source", "notes")
NUMBER = re.compile(r"^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$")
"""A plain decimal number (ASCII digits; full-width ones are NFKC-normalised first)."""
THOUSANDS_GROUPS = r"^[+-]?[0-9]{{1,3}}({sep}[0-9]{{3}})+(\.[0-9]+)?$"
"""A number grouped by a thousands separator ``sep`` (``1,234,567.5``)."""

# Reasons a cell is reported instead of imported (the report's ``reason`` column); the
# yearbook reader (:mod:`resilience.yearbook`) adds its own to these.
R_ABOVE = "text above the header"
R_HEADER = "header"
R_LABEL = "row label"
R_NATIONAL = "national total"
R_NOTE = "note"
METADATA_INDICATOR = re.compile(r"^\s*(指标|indicator)\s*[:：]\s*(?P<name>.+?)\s*$", re.I)
YEAR_CELL = re.compile(r"^\s*(?P<year>(19|20)\d{2})\s*(年)?\s*$")


class TableImportError(ValueError):
    """A table that cannot be imported; the message names the file and what is wrong."""


@dataclass(frozen=True)
class ReportedCell:
    """One non-empty cell that was not imported, with where it is and why."""

    file: str
    sheet: str
    row: int
    column: str
    reason: str
    text: str


def column_letter(index: int) -> str:
    """Return the Excel column letter of a 0-based column index (0 -> A, 26 -> AA)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


class CellCounts:
    """The counts of an import with a ``long`` frame and a ``reported`` cell list.

    Shared by the wide-table import (:class:`ImportResult`) and the yearbook import
    (``resilience.yearbook.YearbookImport``): every non-empty cell is in one of the two.
    """

    long: pd.DataFrame
    reported: list[ReportedCell]

    @property
    def n_imported(self) -> int:
        """Cells imported (one per province and year or indicator), missing values included."""
        return len(self.long)

    @property
    def n_missing(self) -> int:
        """Imported cells that are empty or a missing marker."""
        return int(self.long["value"].isna().sum())

    @property
    def reported_by_reason(self) -> Counter:
        """Number of reported cells by reason."""
        return Counter(cell.reason for cell in self.reported)


@dataclass
class ImportResult(CellCounts):
    """What one import produced: the long table plus every cell not imported, for the CLI.

    Every non-empty cell of the file is either one row of ``long`` (a value, or a missing
    marker as NaN) or one entry of ``reported``.
    """

    source: Path
    indicator: str
    long: pd.DataFrame
    reported: list[ReportedCell] = field(default_factory=list)

    @property
    def n_provinces(self) -> int:
        """Number of distinct provinces imported."""
        return int(self.long["unit_id"].nunique())

    @property
    def years(self) -> tuple[int, int]:
        """First and last year of the table."""
        return int(self.long["year"].min()), int(self.long["year"].max())


def _normalise_text(text: str) -> str:
    """NFKC-normalise (full-width to half-width), drop every kind of space, strip."""
    text = unicodedata.normalize("NFKC", str(text))
    return re.sub(r"\s+", "", text).strip()


def strip_chinese_suffix(name: str) -> str:
    """Return a Chinese province name without its administrative suffix (省, 市, 自治区, ...).

    >>> strip_chinese_suffix("广西壮族自治区")
    '广西'
    >>> strip_chinese_suffix("北京")
    '北京'
    """
    for suffix in CHINESE_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def province_lookup(provinces_csv: Path = PROVINCES_CSV) -> dict[str, str]:
    """Return the name -> province_code table used for matching (keys already normalised).

    Keys: the Chinese name in full and without its suffix; the English name and the
    aliases in :data:`ENGLISH_ALIASES`, lower-cased without spaces (:func:`match_province`
    removes every space from a label before looking it up).
    """
    table = pd.read_csv(provinces_csv, dtype=str)
    lookup: dict[str, str] = {}
    for row in table.itertuples(index=False):
        code = row.province_code
        zh = _normalise_text(row.province_name_zh)
        en = _normalise_text(row.province_name_en).lower()
        lookup[zh] = code
        lookup[strip_chinese_suffix(zh)] = code
        lookup[en] = code
    for alias, code in ENGLISH_ALIASES.items():
        lookup[_normalise_text(alias).lower()] = code
    return lookup


def match_province(name: str, lookup: dict[str, str]) -> str | None:
    """Return the province code for a row label, or None when the name is unknown."""
    key = _normalise_text(name)
    if not key:
        return None
    for candidate in (key, strip_chinese_suffix(key), key.lower()):
        if candidate in lookup:
            return lookup[candidate]
    return None


def parse_cell(text: str, thousands: str | None = None) -> float | None:
    """Parse one cell: a float, None for a missing marker; raise ValueError for anything else.

    Only a plain decimal (:data:`NUMBER`) is a number: ``float()`` alone would also take
    ``inf``, ``Infinity`` and ``1_000``, and turn ``1.2e400`` into an infinity. With
    ``thousands`` the separator must group by three digits (``1,234.5``; ``1,23`` is an
    error). The ValueError's message says what is wrong with the cell.
    """
    cell = unicodedata.normalize("NFKC", str(text)).strip()
    if cell.lower() in MISSING_MARKERS:
        return None
    if thousands and thousands in cell:
        if not re.fullmatch(THOUSANDS_GROUPS.format(sep=re.escape(thousands)), cell):
            raise ValueError(f"{text!r} is not a number grouped by {thousands!r} in threes")
        cell = cell.replace(thousands, "")
    if not NUMBER.fullmatch(cell):
        raise ValueError(f"{text!r} is not a number")
    value = float(cell)
    if not math.isfinite(value):
        raise ValueError(f"{text!r} is beyond the range of a double (~1.8e308)")
    return value


def _read_rows(path: Path, encoding: str | None) -> list[list[str]]:
    """Read a CSV / TSV (UTF-8, UTF-8 with BOM or GB18030) or an Excel sheet as rows of text."""
    suffix = path.suffix.lower()
    if suffix in {".xlsx", ".xls"}:
        try:
            frame = pd.read_excel(path, header=None, dtype=str)
        except ImportError as exc:  # openpyxl / xlrd not installed
            raise TableImportError(
                f"{path}: reading {suffix} needs openpyxl (xlsx) or xlrd (xls); "
                "install it or save the sheet as CSV"
            ) from exc
        return [
            ["" if pd.isna(v) else str(v) for v in row] for row in frame.itertuples(index=False)
        ]
    raw = path.read_bytes()
    encodings = [encoding] if encoding else ["utf-8-sig", "gb18030"]
    for enc in encodings:
        try:
            text = raw.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise TableImportError(f"{path}: not readable as {' or '.join(encodings)}; pass --encoding")
    delimiter = "\t" if suffix == ".tsv" or text.count("\t") > text.count(",") else ","
    return [row for row in csv.reader(io.StringIO(text), delimiter=delimiter)]


def _find_header(rows: list[list[str]], path: Path) -> tuple[int, list[int | None]]:
    """Return the header row index and the year of every column (None for the label column)."""
    for i, row in enumerate(rows):
        cells = [c for c in row[1:] if str(c).strip()]
        if cells and all(YEAR_CELL.match(str(c)) for c in cells):
            years = [None] + [
                int(YEAR_CELL.match(str(c)).group("year")) if str(c).strip() else None
                for c in row[1:]
            ]
            duplicated = sorted({y for y in years if y is not None and years.count(y) > 1})
            if duplicated:
                raise TableImportError(
                    f"{path}: year column(s) {duplicated} appear twice in the header"
                )
            return i, years
    raise TableImportError(
        f"{path}: no header row found (expected a row like '地区,2023年,2022年' or "
        "'Region,2023,2022': a label cell followed by year cells)"
    )


def import_wide_table(
    path: str | Path,
    indicator: str | None = None,
    thousands: str | None = None,
    encoding: str | None = None,
    provinces_csv: Path = PROVINCES_CSV,
) -> ImportResult:
    """Read one NBS / yearbook wide table and return it in the warehouse's long layout.

    Parameters
    ----------
    path
        CSV, TSV or Excel file: regions as rows, years as columns (see the module docstring).
    indicator
        Indicator id written to the ``indicator`` column (it must match the indicator
        system, e.g. ``gdp_per_capita``). Default: the ``指标：`` line of the file, else the
        file name without extension.
    thousands
        Thousands separator to remove before parsing (``","``); None (default) rejects
        ``1,234`` as ambiguous.
    encoding
        Text encoding; default tries UTF-8 (with or without BOM), then GB18030.
    provinces_csv
        The province reference table (``seeds/reference/provinces.csv``).

    Returns
    -------
    ImportResult
        ``long`` has columns ``unit_id, year, indicator, value`` (value NaN = missing),
        sorted by unit and year.

    Raises
    ------
    TableImportError
        Unknown province names (all listed), unparseable cells (all listed with province,
        year, row and column), a row with values beyond the header's years (all listed), a
        duplicated province, or no header row.
    """
    path = Path(path)
    if not path.exists():
        raise TableImportError(f"{path}: file not found")
    rows = _read_rows(path, encoding)
    header_at, years = _find_header(rows, path)
    reported: list[ReportedCell] = []

    def report_row(i: int, reason: str) -> None:
        for j, cell in enumerate(rows[i]):
            if str(cell).strip():
                reported.append(
                    ReportedCell(str(path), "", i + 1, column_letter(j), reason, str(cell))
                )

    metadata_indicator = None
    for i, row in enumerate(rows[:header_at]):
        match = METADATA_INDICATOR.match(",".join(c for c in row if c))
        if match:
            metadata_indicator = match.group("name")
        report_row(i, R_ABOVE)
    report_row(header_at, R_HEADER)
    indicator_id = indicator or metadata_indicator or path.stem
    lookup = province_lookup(provinces_csv)

    records: list[tuple[str, int, float | None]] = []
    unknown: list[str] = []
    bad_cells: list[str] = []
    misplaced: list[str] = []
    seen: dict[str, str] = {}
    for i in range(header_at + 1, len(rows)):
        row = rows[i]
        label = str(row[0]).strip() if row else ""
        if not any(str(c).strip() for c in row):
            continue  # an empty line: skipped, never the end of the table
        if not label:
            bad_cells.append(f"row {i + 1}: values but no region name: {row[:4]}…")
            continue
        key = _normalise_text(label).lower()
        if key.startswith(FOOTER_PREFIXES):
            report_row(i, R_NOTE)
            continue
        code = match_province(label, lookup)
        if code is None:
            if key in NATIONAL_TOTAL_NAMES:
                report_row(i, R_NATIONAL)
            else:
                unknown.append(label)
            continue
        if code in seen:
            raise TableImportError(
                f"{path}: province {code} appears twice (rows '{seen[code]}' and '{label}')"
            )
        seen[code] = label
        stray = [
            j
            for j, cell in enumerate(row)
            if j > 0 and str(cell).strip() and (j >= len(years) or years[j] is None)
        ]
        if stray:
            where = ", ".join(f"{column_letter(j)} {row[j]!r}" for j in stray[:5])
            misplaced.append(
                f"row {i + 1} ({label}): {len(stray)} value(s) in a column without a year in "
                f"the header ({where})"
            )
            continue
        reported.append(ReportedCell(str(path), "", i + 1, "A", R_LABEL, label))
        for j, year in enumerate(years):
            if year is None:
                continue
            cell = row[j] if j < len(row) else ""
            try:
                value = parse_cell(cell, thousands)
            except ValueError as exc:
                hint = (
                    " (thousands separator? pass --thousands ,)"
                    if not thousands
                    and re.fullmatch(THOUSANDS_GROUPS.format(sep=","), str(cell).strip())
                    else ""
                )
                bad_cells.append(f"{label} {year} (row {i + 1}, column {column_letter(j)}): "
                                 f"{exc}{hint}")  # fmt: skip
                continue
            records.append((code, year, value))

    if unknown:
        raise TableImportError(
            f"{path}: unknown province name(s): {', '.join(repr(u) for u in unknown)}. "
            f"Known names are the Chinese or English names in {provinces_csv.name} "
            "(with or without 省/市/自治区)."
        )
    if misplaced:
        raise TableImportError(
            f"{path}: {len(misplaced)} row(s) have more cells than the header has years: "
            f"{'; '.join(misplaced[:10])}{' …' if len(misplaced) > 10 else ''}. An unquoted "
            "number with a thousands separator (1,234.5) splits into two cells and moves every "
            'later cell one column right: quote it ("1,234.5") or remove the separator; '
            "or add the missing year to the header"
        )
    if bad_cells:
        raise TableImportError(
            f"{path}: indicator '{indicator_id}': {len(bad_cells)} cell(s) are neither numbers "
            f"nor missing markers: {'; '.join(bad_cells[:20])}"
            + (" …" if len(bad_cells) > 20 else "")
        )
    if not records:
        raise TableImportError(f"{path}: no province rows found below the header")

    long = pd.DataFrame(records, columns=["unit_id", "year", "value"])
    long.insert(2, "indicator", indicator_id)
    long = long.sort_values(["unit_id", "year"]).reset_index(drop=True)
    return ImportResult(source=path, indicator=indicator_id, long=long, reported=reported)


def write_long(results: Iterable[ImportResult], out_path: str | Path, append: bool = False) -> Path:
    """Write imported tables to one long CSV (``unit_id,year,indicator,value``).

    With ``append`` the rows are added to an existing file; a (unit_id, year, indicator)
    key that is already there is an error naming it (re-importing an indicator twice is
    almost always a mistake). Missing values are written as empty cells.
    """
    out_path = Path(out_path)
    frames = [r.long for r in results]
    if append and out_path.exists():
        frames.insert(0, pd.read_csv(out_path, dtype={"unit_id": str}))
    combined = pd.concat(frames, ignore_index=True)
    dup = combined.duplicated(["unit_id", "year", "indicator"], keep=False)
    if dup.any():
        first = combined.loc[dup].iloc[0]
        raise TableImportError(
            f"{out_path}: {int(dup.sum())} duplicated unit-year-indicator rows, e.g. "
            f"province {first.unit_id}, year {first.year}, indicator '{first.indicator}'"
        )
    text = combined.sort_values(["indicator", "unit_id", "year"]).to_csv(index=False, na_rep="")
    with storage_faults("cannot write the imported values; nothing was written", out_path):
        return write_atomically(out_path, text)
