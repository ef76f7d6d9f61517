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
* **Footer**: rows after the data whose first cell starts with ``注``, ``数据来源``,
  ``Note``, ``Source`` or is empty end the table.
* **Province names**: matched against ``seeds/reference/provinces.csv``. Chinese names
  match with or without the suffix 省 / 市 / 自治区 / 壮族自治区 / 回族自治区 /
  维吾尔自治区, ignoring spaces (yearbooks pad two-character names: ``北　京``); English
  names match case-insensitively, also in pinyin (``Xizang``, ``Nei Mongol``,
  ``Neimenggu``). A national-total row (全国, National, China, Total) is skipped and
  reported in :attr:`ImportResult.skipped_rows`. Any other unknown name is an error that
  lists every unknown name, never a silent drop.
* **Missing markers**: ``…``, ``...``, ``—``, ``——``, ``–``, ``-``, ``--``, ``NA``,
  ``N/A`` and the empty cell become a missing value (an empty cell in the long file),
  which the index models fill by interpolation and flag.
* **Thousands separators**: ``1,234`` is rejected by default, because in a yearbook
  exported with a decimal comma it means 1.234. Pass ``thousands=","`` (CLI:
  ``--thousands ,``) to read it as 1234. Any other text that is not a number is an error
  naming the file, province, year and cell.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from resilience.paths import PROJECT_ROOT

PROVINCES_CSV = PROJECT_ROOT / "seeds" / "reference" / "provinces.csv"

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
METADATA_INDICATOR = re.compile(r"^\s*(指标|indicator)\s*[:：]\s*(?P<name>.+?)\s*$", re.I)
YEAR_CELL = re.compile(r"^\s*(?P<year>(19|20)\d{2})\s*(年)?\s*$")


class TableImportError(ValueError):
    """A table that cannot be imported; the message names the file and what is wrong."""


@dataclass
class ImportResult:
    """What one import produced: the long table plus what was skipped, for the CLI to show."""

    source: Path
    indicator: str
    long: pd.DataFrame
    skipped_rows: list[str] = field(default_factory=list)
    n_missing: int = 0

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
    """Parse one cell: a float, None for a missing marker; raise ValueError for anything else."""
    cell = unicodedata.normalize("NFKC", str(text)).strip()
    if cell.lower() in MISSING_MARKERS:
        return None
    if thousands:
        cell = cell.replace(thousands, "")
    return float(cell)  # raises ValueError on "1,234" without thousands, "n.a.", "12a"


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
        Unknown province names (all listed), unparseable cells (all listed with province
        and year), a duplicated province, or no header row.
    """
    path = Path(path)
    if not path.exists():
        raise TableImportError(f"{path}: file not found")
    rows = _read_rows(path, encoding)
    header_at, years = _find_header(rows, path)

    metadata_indicator = None
    for row in rows[:header_at]:
        match = METADATA_INDICATOR.match(",".join(c for c in row if c))
        if match:
            metadata_indicator = match.group("name")
    indicator_id = indicator or metadata_indicator or path.stem
    lookup = province_lookup(provinces_csv)

    records: list[tuple[str, int, float | None]] = []
    unknown: list[str] = []
    bad_cells: list[str] = []
    skipped: list[str] = []
    seen: dict[str, str] = {}
    for row in rows[header_at + 1 :]:
        label = str(row[0]).strip() if row else ""
        if not label or _normalise_text(label).lower().startswith(FOOTER_PREFIXES):
            if any(str(c).strip() for c in row[1:]) and not label:
                bad_cells.append(f"a row with values but no region name: {row[:4]}…")
                continue
            break
        code = match_province(label, lookup)
        if code is None:
            if _normalise_text(label).lower() in NATIONAL_TOTAL_NAMES:
                skipped.append(f"{label} (national total)")
            else:
                unknown.append(label)
            continue
        if code in seen:
            raise TableImportError(
                f"{path}: province {code} appears twice (rows '{seen[code]}' and '{label}')"
            )
        seen[code] = label
        for j, year in enumerate(years):
            if year is None:
                continue
            cell = row[j] if j < len(row) else ""
            try:
                value = parse_cell(cell, thousands)
            except ValueError:
                hint = (
                    " (thousands separator? pass --thousands ,)"
                    if re.fullmatch(r"-?\d{1,3}(,\d{3})+(\.\d+)?", str(cell).strip())
                    else ""
                )
                bad_cells.append(f"{label} {year}: {cell!r}{hint}")
                continue
            records.append((code, year, value))

    if unknown:
        raise TableImportError(
            f"{path}: unknown province name(s): {', '.join(repr(u) for u in unknown)}. "
            f"Known names are the Chinese or English names in {provinces_csv.name} "
            "(with or without 省/市/自治区)."
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
    return ImportResult(
        source=path,
        indicator=indicator_id,
        long=long,
        skipped_rows=skipped,
        n_missing=int(long["value"].isna().sum()),
    )


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
    out_path.parent.mkdir(parents=True, exist_ok=True)
    combined.sort_values(["indicator", "unit_id", "year"]).to_csv(out_path, index=False, na_rep="")
    return out_path
