"""Import cross-section tables of the China Statistical Yearbook on Science and Technology.

The yearbook's regional tables (one edition = one data year) arrive as Excel sheets laid
out for print, e.g. table 1-4 of the 2011 edition (data year 2010)::

    1-4  各地区研究与试验发展(R&D)人员全时当量(2010年)        <- title (the data year)
    Full-time Equivalent of R&D Personnel by Region (2010)     <- English title
    单位：人年 | (man-year)                                    <- unit (own row or beside)
    地    区 | Region | R&D人员 / 全时当量 / Total | #研究人员 … <- header block, several rows
    全    国 | National Total | 2553828.8 | …                  <- national total (reported)
    东部地区 | Eastern Region | …                             <- regional subtotal (reported)
    北    京 | Beijing | 193718.4 | 107217.5 | …              <- a province row (imported)

:func:`import_yearbook_file` turns one such sheet into the warehouse's long layout plus a
``unit`` column (``docs/contracts.md``)::

    unit_id,year,indicator,value,unit
    110000,2010,rd_personnel_fte_total,193718.4,man-year

Rules (each tested in ``tests/python/test_yearbook.py``):

* **Reading**: ``.xls`` and ``.xlsx`` through python-calamine. A file in an OLE container
  that is encrypted (the yearbook's disc applies Excel's default key ``VelvetSweatshop``) is
  decrypted in memory with msoffcrypto-tool; no decrypted copy is written anywhere. A
  wrong password or a file that is not a workbook is an error naming the file.
* **Table**: the sheet holding a Chinese title that names one of :data:`TABLES`
  (``人员全时当量`` -> ``rd_personnel_fte``, ``资金来源 … 经费`` -> ``rd_expenditure_by_source``,
  ``专利 … 授权`` -> ``patent_grants``, ``专利申请受理数`` / ``专利申请数`` ->
  ``patent_applications``). Every non-empty cell of the workbook's other sheets is reported
  (reason ``other sheet``).
* **Year**: the four-digit year in brackets in the Chinese and the English title
  (``(2010年)``, ``(2010)``); both, and a year in the file name (``2010.xls``), must agree.
  An edition line ``中国科技统计年鉴—2014`` must be the data year + 1.
* **Unit**: ``单位：人年`` and the English ``(man-year)`` map to one canonical unit
  (:data:`UNITS`: ``man-year``, ``10,000 yuan``, ``piece``); each must equal the table's
  expected unit, else an error names the cell.
* **Title block**: every row above the header block (its cells only in the two label
  columns): title, English title, unit, edition and section lines; reported by kind.
* **Header block**: from the first row with text beyond the label columns to the row
  before the first data row; the label columns are the ones headed ``地区`` / ``Region``.
  The text of a value column is all its header cells joined, with spaces, line breaks and
  footnote marks ``#`` removed; it maps to exactly one indicator of the table by the
  Chinese keywords in :data:`TABLES` (never by position). A column that maps to none or to
  two indicators, and an indicator without a column, is an error.
* **Rows**: the Chinese label (spaces inside ignored: ``北    京``) and the English label
  are matched with :func:`resilience.importer.match_province`. When only one of the two
  is a province name the row is that province and the other label is reported as
  misspelt (the yearbook prints ``内蒙占`` for 内蒙古, ``Hcbci`` for Hebei); when both
  are and they differ, or neither is and the row is not one of the rows below, it is an
  error. The national total (全国), the regional subtotals (东部 / 中部 / 西部 / 东北地区),
  Hong Kong, Macao and Taiwan and note lines (注 / Note / 资料来源) are reported whole.
* **Cells**: a province row x indicator column cell is imported once: a number, or text
  holding a number, or empty / a missing marker (``…``, ``—``) as a missing value. Text
  that is neither (the 2012 edition prints ``368633!`` for Beijing's enterprise funds) is
  not imported, never guessed: it is reported (``not a number``) and the CLI warns about
  it. A non-empty cell in a column without a header is an error naming the file, sheet,
  row and column.

So every non-empty cell of the workbook is either imported exactly once or listed in
:attr:`YearbookImport.reported` with its sheet row, column and reason: nothing is dropped
or shifted silently. :func:`compare_with_tidy` checks an import against an independent
tidy extraction (province, year, breakdown, value) and lists every difference.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from resilience.importer import (
    R_ABOVE,
    R_HEADER,
    R_LABEL,
    R_NATIONAL,
    R_NOTE,
    CellCounts,
    ReportedCell,
    TableImportError,
    _normalise_text,
    column_letter,
    match_province,
    parse_cell,
    province_lookup,
)
from resilience.paths import PROJECT_ROOT

DEFAULT_PASSWORD = "VelvetSweatshop"
"""The read password Excel applies without asking ("default encryption")."""

SPREADSHEET_SUFFIXES = (".xls", ".xlsx")
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True)
class TableSpec:
    """One yearbook table: how its title reads, its unit and its value columns.

    ``indicators`` maps each indicator id to the Chinese keywords (any one suffices) that
    identify its column in the normalised header text.
    """

    table: str
    unit: str
    indicators: dict[str, tuple[str, ...]]
    breakdown_zh: dict[str, str]
    """Indicator id -> the breakdown label of the tidy extraction (``chn_block4``)."""

    def matches_title(self, title: str) -> bool:
        """Whether a normalised Chinese title names this table."""
        return all(re.search(p, title) for p in TITLE_PATTERNS[self.table])


TITLE_PATTERNS = {
    "rd_personnel_fte": (r"人员全时当量",),
    "rd_expenditure_by_source": (r"资金来源", r"经费"),
    "patent_grants": (r"专利", r"授权"),
    "patent_applications": (r"专利申请(受理)?数",),
}
"""Keywords that must all occur in the Chinese title (grants are tested before applications)."""


def _patent_spec(table: str) -> TableSpec:
    return TableSpec(
        table=table,
        unit="piece",
        indicators={
            f"{table}_total": ("合计",),
            f"{table}_invention": ("发明",),
            f"{table}_utility_model": ("实用新型",),
            f"{table}_design": ("外观设计",),
        },
        breakdown_zh={
            f"{table}_total": "合计",
            f"{table}_invention": "发明",
            f"{table}_utility_model": "实用新型",
            f"{table}_design": "外观设计",
        },
    )


TABLES: dict[str, TableSpec] = {
    "rd_personnel_fte": TableSpec(
        table="rd_personnel_fte",
        unit="man-year",
        indicators={
            "rd_personnel_fte_total": ("全时当量",),
            "rd_personnel_fte_researchers": ("研究人员",),
            "rd_personnel_fte_basic_research": ("基础研究",),
            "rd_personnel_fte_applied_research": ("应用研究",),
            "rd_personnel_fte_experimental_development": ("试验发展",),
        },
        breakdown_zh={
            "rd_personnel_fte_total": "合计",
            "rd_personnel_fte_researchers": "研究人员",
            "rd_personnel_fte_basic_research": "基础研究",
            "rd_personnel_fte_applied_research": "应用研究",
            "rd_personnel_fte_experimental_development": "试验发展",
        },
    ),
    "rd_expenditure_by_source": TableSpec(
        table="rd_expenditure_by_source",
        unit="10,000 yuan",
        indicators={
            "rd_expenditure_total": ("内部支出",),
            "rd_expenditure_government": ("政府资金",),
            "rd_expenditure_enterprises": ("企业资金",),
            # 国外资金 (foreign funds) until the 2022 data year, 境外资金 from 2023
            "rd_expenditure_abroad": ("国外资金", "境外资金"),
            "rd_expenditure_other": ("其他资金",),
        },
        breakdown_zh={
            "rd_expenditure_total": "合计",
            "rd_expenditure_government": "政府资金",
            "rd_expenditure_enterprises": "企业资金",
            "rd_expenditure_abroad": "国外资金",
            "rd_expenditure_other": "其他资金",
        },
    ),
    "patent_grants": _patent_spec("patent_grants"),
    "patent_applications": _patent_spec("patent_applications"),
}
"""The four regional tables, in the order their titles are tested."""

UNITS = {
    "人年": "man-year",
    "man-year": "man-year",
    "万元": "10,000 yuan",
    "10000yuan": "10,000 yuan",
    "件": "piece",
    "piece": "piece",
}
"""Unit text (normalised: no spaces, lower case, no brackets) -> canonical unit."""

NATIONAL_LABELS = frozenset({"全国", "nationaltotal", "nationaltota1"})
SUBTOTAL_LABELS = frozenset(
    {"东部地区", "中部地区", "西部地区", "东北地区"}
    | {"easternregion", "middleregion", "westernregion", "northeastregion"}
)
OUTSIDE_LABELS = frozenset({"香港", "澳门", "台湾", "hongkong", "macao", "macau", "taiwan"})
LABEL_HEADERS = frozenset({"地区", "region"})
NOTE_PREFIXES = ("注", "note", "资料来源", "数据来源", "source")

TITLE_YEAR = re.compile(r"[(（]\s*((?:19|20)\d{2})\s*年?\s*[)）]")
EDITION = re.compile(r"中国科技统计年鉴\D*((?:19|20)\d{2})")
SECTION = re.compile(r"^[一二三四五六七八九十]+[、.]")
UNIT_ZH = re.compile(r"单位\s*[:：]\s*(?P<unit>.+)$")
UNIT_EN = re.compile(r"^[(（](?P<unit>[^()（）]+)[)）]$")
FILE_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
CJK = re.compile(r"[\u4e00-\u9fff]")

# Reasons a cell is reported instead of imported (the report's ``reason`` column), besides
# the importer's (R_ABOVE, R_HEADER, R_LABEL, R_NATIONAL, R_NOTE).
R_OTHER_SHEET = "other sheet"
R_TITLE = "title"
R_TITLE_EN = "title (English)"
R_EDITION = "edition line"
R_SECTION = "section title"
R_UNIT = "unit"
R_UNIT_EN = "unit (English)"
R_MISSPELT = "row label misspelt (province taken from the other language)"
R_SUBTOTAL = "regional subtotal"
R_OUTSIDE = "Hong Kong, Macao or Taiwan"
R_NOT_A_NUMBER = "not a number (value not imported)"


class YearbookImportError(TableImportError):
    """A yearbook sheet that cannot be imported; the message names file, row and column."""


@dataclass
class YearbookImport(CellCounts):
    """One imported yearbook sheet: the long values and every cell not imported.

    ``long`` has columns ``unit_id, year, indicator, value, unit`` (value NaN = missing);
    ``labels`` maps each imported province code to its sheet row and its two labels,
    ``cells`` each imported value to its raw cell.
    """

    source: Path
    sheet: str
    table: str
    year: int
    unit: str
    long: pd.DataFrame
    reported: list[ReportedCell] = field(default_factory=list)
    labels: dict[str, tuple[int, str, str]] = field(default_factory=dict)
    cells: dict[tuple[str, str], str] = field(default_factory=dict)
    """(province code, indicator) -> where its value sits: ``row R column C: <raw cell>``."""

    def summary(self) -> dict:
        """Return one summary row: file, table, year, unit, cells imported and reported."""
        return {
            "file": str(self.source),
            "table": self.table,
            "year": self.year,
            "unit": self.unit,
            "imported": self.n_imported,
            "missing": self.n_missing,
            "reported": len(self.reported),
            **{f"reported: {k}": v for k, v in sorted(self.reported_by_reason.items())},
        }


# ---------------------------------------------------------------- reading -------------


def _decrypted(path: Path, data: bytes, password: str | None) -> bytes:
    """Return the workbook bytes, decrypted in memory when the OLE file is encrypted."""
    if not data.startswith(OLE_MAGIC):
        return data
    import msoffcrypto
    from msoffcrypto.exceptions import InvalidKeyError

    try:
        office = msoffcrypto.OfficeFile(io.BytesIO(data))
        if not office.is_encrypted():
            return data
        office.load_key(password=password or DEFAULT_PASSWORD)
        plain = io.BytesIO()
        office.decrypt(plain)
    except InvalidKeyError:
        which = "the password given" if password else f"Excel's default key ({DEFAULT_PASSWORD})"
        raise YearbookImportError(
            f"{path}: the workbook is encrypted and {which} does not open it; "
            "pass the right one with --password"
        ) from None
    except Exception as exc:  # noqa: BLE001 - msoffcrypto raises several error types
        raise YearbookImportError(
            f"{path}: cannot decrypt the workbook ({_one_line(exc)})"
        ) from None
    return plain.getvalue()


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text or type(exc).__name__


def read_workbook(path: str | Path, password: str | None = None) -> dict[str, list[list]]:
    """Read every sheet of an .xls / .xlsx file as rows of cell values from cell A1.

    Parameters
    ----------
    path
        The workbook; encrypted files are decrypted in memory (never on disk).
    password
        Read password; default Excel's default key :data:`DEFAULT_PASSWORD`.

    Returns
    -------
    dict
        Sheet name -> rows (lists of str / float / int; ``""`` for an empty cell).

    Raises
    ------
    YearbookImportError
        File missing, wrong password, or not a readable workbook.
    """
    from python_calamine import CalamineWorkbook

    path = Path(path)
    if not path.is_file():
        raise YearbookImportError(f"{path}: file not found")
    data = _decrypted(path, path.read_bytes(), password)
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        return {
            name: book.get_sheet_by_name(name).to_python(skip_empty_area=False)
            for name in book.sheet_names
        }
    except Exception as exc:  # noqa: BLE001 - calamine raises several error types
        raise YearbookImportError(
            f"{path}: not a readable .xls / .xlsx workbook ({_one_line(exc)})"
        ) from None


def _text(cell) -> str:
    """Return a cell as trimmed text ('' for empty); floats keep their repr."""
    if cell is None:
        return ""
    return str(cell).strip()


def _key(text: str) -> str:
    """Normalise a label or header: NFKC, no whitespace, no footnote mark '#', lower case."""
    return _normalise_text(text).replace("#", "").lower()


# ---------------------------------------------------------------- one sheet -----------


@dataclass
class _Sheet:
    """A sheet being parsed: its rows, and the report it accumulates."""

    path: Path
    name: str
    rows: list[list]
    reported: list[ReportedCell] = field(default_factory=list)

    def where(self, row: int, col: int) -> str:
        return f"{self.path}: sheet '{self.name}', row {row + 1}, column {column_letter(col)}"

    def fail(self, row: int, col: int, message: str) -> YearbookImportError:
        return YearbookImportError(f"{self.where(row, col)}: {message}")

    def report(self, row: int, col: int, reason: str) -> None:
        self.reported.append(
            ReportedCell(
                str(self.path), self.name, row + 1, column_letter(col), reason, self.text(row, col)
            )
        )

    def report_row(self, row: int, reason: str) -> None:
        for col, _ in self.cells(row):
            self.report(row, col, reason)

    def text(self, row: int, col: int) -> str:
        cells = self.rows[row]
        return _text(cells[col]) if col < len(cells) else ""

    def cells(self, row: int) -> list[tuple[int, str]]:
        return [(j, _text(c)) for j, c in enumerate(self.rows[row]) if _text(c)]


def _find_table(sheet_rows: dict[str, list[list]]) -> tuple[str, str, int] | None:
    """Return (sheet, table, title row) of the first Chinese title naming a known table."""
    for name, rows in sheet_rows.items():
        for i, row in enumerate(rows):
            for cell in row:
                text = _key(_text(cell))
                if not CJK.search(text) or not TITLE_YEAR.search(text) or "单位" in text:
                    continue
                for spec in TABLES.values():
                    if spec.matches_title(text):
                        return name, spec.table, i
    return None


def _unit_of(text: str) -> str | None:
    return UNITS.get(_key(text).strip("()（）"))


def _title_block(sheet: _Sheet, header_at: int, spec: TableSpec) -> tuple[list, str]:
    """Report the rows above the header; return the years found in titles and the unit."""
    years: list[tuple[int, int, int]] = []  # (year, row, col)
    editions: list[tuple[int, int, int]] = []
    units: list[tuple[str, int, int, str]] = []  # (unit text, row, col, reason)
    for i in range(header_at):
        for j, text in sheet.cells(i):
            key = _normalise_text(text)
            if m := UNIT_ZH.search(key):
                units.append((m.group("unit"), i, j, R_UNIT))
                reason = R_UNIT
            elif (m := UNIT_EN.match(key)) and _unit_of(m.group("unit")) is not None:
                units.append((m.group("unit"), i, j, R_UNIT_EN))
                reason = R_UNIT_EN
            elif m := EDITION.search(key):
                editions.append((int(m.group(1)), i, j))
                reason = R_EDITION
            elif SECTION.match(key):
                reason = R_SECTION
            elif m := TITLE_YEAR.search(key):
                years.append((int(m.group(1)), i, j))
                reason = R_TITLE if CJK.search(key) else R_TITLE_EN
            else:
                reason = R_ABOVE
            sheet.report(i, j, reason)
    if not any(r == R_UNIT for *_, r in units):
        raise sheet.fail(0, 0, f"no unit line ('单位：…') above the header of table {spec.table}")
    unit = None
    for text, i, j, _ in units:
        found = _unit_of(text)
        if found != spec.unit:
            raise sheet.fail(
                i,
                j,
                f"unit '{text}' ({found or 'not a known unit'}) does not match table "
                f"{spec.table}, whose unit is {spec.unit}",
            )
        unit = found
    for edition, i, j in editions:
        if years and edition != years[0][0] + 1:
            raise sheet.fail(
                i,
                j,
                f"edition {edition} does not hold data year {years[0][0]} "
                "(an edition holds the previous year's data)",
            )
    return years, unit


def _check_year(sheet: _Sheet, years: list[tuple[int, int, int]]) -> int:
    """Return the data year: every title year and the file name's year must agree."""
    stem_years = FILE_YEAR.findall(sheet.path.stem)
    if not years and len(stem_years) != 1:
        raise sheet.fail(0, 0, "no data year in the title ('(2010年)') nor in the file name")
    for year, i, j in years[1:]:
        if year != years[0][0]:
            raise sheet.fail(i, j, f"title year {year} disagrees with {years[0][0]}")
    if years and len(stem_years) == 1 and int(stem_years[0]) != years[0][0]:
        year, i, j = years[0]
        raise sheet.fail(
            i,
            j,
            f"the title says {year} but the file name says {stem_years[0]}; "
            "rename the file or check that it is the right edition",
        )
    return years[0][0] if years else int(stem_years[0])


def _label_kind(zh: str, en: str) -> str | None:
    """Return the reason of a reported row from its labels, or None for a region row."""
    keys = {_key(zh), _key(en)} - {""}
    if keys & NATIONAL_LABELS:
        return R_NATIONAL
    if keys & SUBTOTAL_LABELS:
        return R_SUBTOTAL
    if keys & OUTSIDE_LABELS:
        return R_OUTSIDE
    if any(k.startswith(NOTE_PREFIXES) for k in keys):
        return R_NOTE
    return None


def _is_data_label(zh: str, en: str, lookup: dict[str, str]) -> bool:
    if _label_kind(zh, en) in (R_NATIONAL, R_SUBTOTAL, R_OUTSIDE):
        return True
    return match_province(zh, lookup) is not None or match_province(en, lookup) is not None


def _header_columns(
    sheet: _Sheet, start: int, end: int, spec: TableSpec
) -> tuple[int, int, dict[int, str]]:
    """Return the label columns (Chinese, English) and value column -> indicator id."""
    texts: dict[int, list[str]] = {}
    first_cell: dict[int, int] = {}
    for i in range(start, end):
        for j, text in sheet.cells(i):
            texts.setdefault(j, []).append(text)
            first_cell.setdefault(j, i)
            sheet.report(i, j, R_HEADER)
    label_cols = sorted(j for j, t in texts.items() if _key("".join(t)) in LABEL_HEADERS)
    if len(label_cols) != 2:
        raise sheet.fail(
            start,
            0,
            f"header block (rows {start + 1}-{end}) should head two label columns "
            f"'地区' and 'Region'; found {len(label_cols)}",
        )
    columns: dict[int, str] = {}
    for j in sorted(set(texts) - set(label_cols)):
        header = _key("".join(texts[j]))
        hits = [ind for ind, words in spec.indicators.items() if any(w in header for w in words)]
        if len(hits) != 1:
            raise sheet.fail(
                first_cell[j],
                j,
                f"header '{' '.join(' '.join(t.split()) for t in texts[j])}' maps to "
                f"{'no indicator' if not hits else 'several indicators: ' + ', '.join(hits)} "
                f"of table {spec.table} (expected one of {', '.join(spec.indicators)})",
            )
        columns[j] = hits[0]
    missing = [ind for ind in spec.indicators if ind not in columns.values()]
    doubled = [ind for ind, n in Counter(columns.values()).items() if n > 1]
    if missing or doubled:
        raise sheet.fail(
            start,
            0,
            f"header block (rows {start + 1}-{end}): "
            + (f"no column for {', '.join(missing)}" if missing else "")
            + ("; " if missing and doubled else "")
            + (f"two columns for {', '.join(doubled)}" if doubled else ""),
        )
    return label_cols[0], label_cols[1], columns


class _NotANumber(Exception):
    """A value cell whose text is neither a number nor a missing marker."""


def _parse_value(cell) -> float | None:
    """Return a value cell as a float (None = missing); raise _NotANumber for other text."""
    if isinstance(cell, bool):
        raise _NotANumber
    if isinstance(cell, int | float):
        return float(cell)
    try:
        return parse_cell(_text(cell))
    except ValueError:
        raise _NotANumber from None


def import_yearbook_sheet(
    path: Path,
    sheets: dict[str, list[list]],
    table: str | None = None,
    lookup: dict[str, str] | None = None,
) -> YearbookImport:
    """Import the yearbook table of an already read workbook (see the module docstring).

    Parameters
    ----------
    path
        The file the sheets came from (named in the report and in errors).
    sheets
        Sheet name -> rows, as returned by :func:`read_workbook`.
    table
        Expected table id (a key of :data:`TABLES`); default: detected from the title.
    lookup
        Province lookup (:func:`resilience.importer.province_lookup`).

    Returns
    -------
    YearbookImport
        The long values and every cell reported instead of imported.

    Raises
    ------
    YearbookImportError
        Any violation of the module's rules, naming file, sheet, row and column.
    """
    lookup = lookup or province_lookup()
    found = _find_table(sheets)
    if found is None:
        raise YearbookImportError(
            f"{path}: no title naming a known yearbook table "
            f"({', '.join(TABLES)}) in sheet(s) {', '.join(sheets)}"
        )
    sheet_name, table_id, title_at = found
    if table and table != table_id:
        raise YearbookImportError(
            f"{path}: the title names table {table_id}, not the expected {table}"
        )
    spec = TABLES[table_id]
    sheet = _Sheet(path, sheet_name, sheets[sheet_name])
    for other, rows in sheets.items():
        if other != sheet_name:
            oth = _Sheet(path, other, rows)
            for i in range(len(rows)):
                oth.report_row(i, R_OTHER_SHEET)
            sheet.reported.extend(oth.reported)

    rows = sheet.rows
    width = max((len(r) for r in rows), default=0)
    header_at = next(
        (i for i in range(title_at, len(rows)) if any(j >= 2 for j, _ in sheet.cells(i))), None
    )
    if header_at is None:
        raise sheet.fail(title_at, 0, "no header row below the title")
    first_data = next(
        (
            i
            for i in range(header_at, len(rows))
            if _is_data_label(sheet.text(i, 0), sheet.text(i, 1), lookup)
        ),
        None,
    )
    if first_data is None:
        raise sheet.fail(header_at, 0, "no region rows (全国, a province) below the header")
    years, unit = _title_block(sheet, header_at, spec)
    year = _check_year(sheet, years)
    zh_col, en_col, columns = _header_columns(sheet, header_at, first_data, spec)

    records: list[tuple[str, int, str, float | None, str]] = []
    labels: dict[str, tuple[int, str, str]] = {}
    raw: dict[tuple[str, str], str] = {}
    for i in range(first_data, len(rows)):
        cells = sheet.cells(i)
        if not cells:
            continue
        zh, en = sheet.text(i, zh_col), sheet.text(i, en_col)
        kind = _label_kind(zh, en)
        if kind is not None:
            sheet.report_row(i, kind)
            continue
        code_zh, code_en = match_province(zh, lookup), match_province(en, lookup)
        if code_zh is None and code_en is None:
            col = zh_col if zh else en_col
            raise sheet.fail(
                i,
                col,
                f"unknown row label '{zh}' / '{en}': neither is one of the 31 provinces, "
                "the national total, a regional subtotal, Hong Kong, Macao, Taiwan or a note",
            )
        if code_zh and code_en and code_zh != code_en:
            raise sheet.fail(
                i, zh_col, f"row label '{zh}' is {code_zh} but its English '{en}' is {code_en}"
            )
        code = code_zh or code_en
        if code in labels:
            raise sheet.fail(
                i, zh_col, f"province {code} appears twice (rows {labels[code][0]} and {i + 1})"
            )
        labels[code] = (i + 1, zh, en)
        for col, label, code_here in ((zh_col, zh, code_zh), (en_col, en, code_en)):
            if label:
                sheet.report(i, col, R_LABEL if code_here else R_MISSPELT)
        for j in range(width):
            if j in (zh_col, en_col):
                continue
            cell = rows[i][j] if j < len(rows[i]) else ""
            if j not in columns:
                if _text(cell):
                    raise sheet.fail(
                        i, j, f"province {code}: value '{_text(cell)}' in a column with no header"
                    )
                continue
            try:
                value = _parse_value(cell)
            except _NotANumber:
                sheet.report(i, j, R_NOT_A_NUMBER)
                continue
            records.append((code, year, columns[j], value, unit))
            raw[(code, columns[j])] = f"row {i + 1} column {column_letter(j)}: {cell!r}"
    if not records:
        raise sheet.fail(first_data, 0, "no province rows below the header")
    long = pd.DataFrame(records, columns=["unit_id", "year", "indicator", "value", "unit"])
    long["value"] = long["value"].astype(float)
    return YearbookImport(
        source=path,
        sheet=sheet_name,
        table=table_id,
        year=year,
        unit=unit,
        long=long.sort_values(["indicator", "unit_id"]).reset_index(drop=True),
        reported=sheet.reported,
        labels=labels,
        cells=raw,
    )


def import_yearbook_file(
    path: str | Path, table: str | None = None, password: str | None = None
) -> YearbookImport:
    """Import one yearbook table (.xls / .xlsx, encrypted or not).

    Parameters
    ----------
    path
        The workbook.
    table
        Expected table id; default: detected from the title.
    password
        Read password of an encrypted file; default Excel's default key.

    Returns
    -------
    YearbookImport
        See :func:`import_yearbook_sheet`.
    """
    path = Path(path)
    return import_yearbook_sheet(path, read_workbook(path, password), table=table)


def yearbook_files(path: str | Path) -> list[Path]:
    """Return the spreadsheets to import: the file itself, or every .xls / .xlsx under a folder."""
    path = Path(path)
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.suffix.lower() in SPREADSHEET_SUFFIXES)
        if not files:
            raise YearbookImportError(f"{path}: no .xls or .xlsx files in this folder")
        return files
    return [path]


def import_yearbook(
    paths: Iterable[str | Path], table: str | None = None, password: str | None = None
) -> list[YearbookImport]:
    """Import yearbook tables from files and folders (each folder searched recursively).

    Two files giving the same (province, year, indicator) are an error naming both.
    """
    results: list[YearbookImport] = []
    seen: dict[tuple[str, int], Path] = {}
    for path in paths:
        for file in yearbook_files(path):
            result = import_yearbook_file(file, table=table, password=password)
            key = (result.table, result.year)
            if key in seen:
                raise YearbookImportError(
                    f"{file}: table {result.table}, year {result.year} was already imported "
                    f"from {seen[key]}"
                )
            seen[key] = file
            results.append(result)
    return results


REPORT_COLUMNS = ("file", "sheet", "row", "column", "reason", "text")


def write_report(results: Sequence, out_path: str | Path) -> Path:
    """Write every reported cell of the imports to a CSV (``file,sheet,row,column,reason,text``).

    ``results``: :class:`YearbookImport` or :class:`resilience.importer.ImportResult`, both
    listing their cells not imported in ``reported``.
    """
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    with out_path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(REPORT_COLUMNS)
        for result in results:
            for cell in result.reported:
                writer.writerow([getattr(cell, c) for c in REPORT_COLUMNS])
    return out_path


def summary_frame(results: Sequence[YearbookImport]) -> pd.DataFrame:
    """Return one row per imported file: cells imported, missing, reported by reason."""
    return pd.DataFrame([r.summary() for r in results]).fillna(0)


# ---------------------------------------------------------------- tidy comparison -----


@dataclass(frozen=True)
class TidyDifference:
    """One disagreement between the import and a tidy extraction."""

    table: str
    province: str
    year: int
    indicator: str
    ours: float | None
    theirs: float | None
    raw_cell: str
    """Where the number sits in the raw file: ``file row R column C: 'text'`` (or '')."""


def _tidy_province(name: str, year: int, result: YearbookImport | None, lookup) -> str | None:
    """Resolve a tidy province name: the seed's names, else the raw file's own label."""
    code = match_province(name, lookup)
    if code is not None or result is None:
        return code
    for code, (_, zh, _) in result.labels.items():
        if _key(zh) == _key(name):
            return code
    return None


def compare_with_tidy(
    results: Sequence[YearbookImport], tidy: pd.DataFrame, table: str
) -> tuple[list[TidyDifference], list[tuple[str, int, str]]]:
    """Compare the imported provinces of one table with a tidy extraction of it.

    Parameters
    ----------
    results
        Imports of that table (any years).
    tidy
        The extraction: columns ``province, year, chn_block4, value`` (national total rows
        are ignored: the import reports them, it does not import them).
    table
        Table id.

    Returns
    -------
    differences, name_errors
        Every (province, year, indicator) whose values differ or that one side lacks (a
        missing value on our side against no row on theirs is agreement), and every tidy
        province name not in the province seed, as (name, year, resolved code): resolved
        through the raw file's label for that year when the file prints the same spelling.
    """
    spec = TABLES[table]
    lookup = province_lookup()
    by_year = {r.year: r for r in results if r.table == table}
    to_indicator = {zh: ind for ind, zh in spec.breakdown_zh.items()}
    theirs: dict[tuple[str, int, str], float] = {}
    name_errors: list[tuple[str, int, str]] = []
    for row in tidy.itertuples(index=False):
        year = int(row.year)
        if _key(row.province) in NATIONAL_LABELS:
            continue
        code = _tidy_province(row.province, year, by_year.get(year), lookup)
        if match_province(row.province, lookup) is None:
            if code is None:
                raise YearbookImportError(
                    f"tidy {table}: province '{row.province}' ({year}) matches neither the "
                    "seed nor the raw file's labels"
                )
            if (row.province, year, code) not in name_errors:
                name_errors.append((row.province, year, code))
        theirs[(code, year, to_indicator[row.chn_block4])] = float(row.value)
    ours: dict[tuple[str, int, str], float | None] = {}
    for result in by_year.values():
        for rec in result.long.itertuples(index=False):
            ours[(rec.unit_id, rec.year, rec.indicator)] = (
                None if pd.isna(rec.value) else float(rec.value)
            )
    differences = []
    for key in sorted(set(ours) | set(theirs)):
        a, b = ours.get(key), theirs.get(key)
        if a == b or (a is None and key not in theirs):
            continue
        code, year, indicator = key
        differences.append(
            TidyDifference(table, code, year, indicator, a, b, _raw_cell(by_year.get(year), key))
        )
    return differences, name_errors


def _raw_cell(result: YearbookImport | None, key: tuple[str, int, str]) -> str:
    """Locate the raw cell of an imported (province, year, indicator) in its file."""
    if result is None or (key[0], key[2]) not in result.cells:
        return ""
    return f"{result.source.name} {result.cells[(key[0], key[2])]}"


# ---------------------------------------------------------------- the shipped example --

EXAMPLE_DIR = PROJECT_ROOT / "examples" / "china_real"
YEARBOOK_DIR = EXAMPLE_DIR / "data" / "yearbook"


def _fmt(value: float | None) -> str:
    return "(none)" if value is None else f"{value:.15g}"


def _residual_hint(result: YearbookImport, cell: ReportedCell) -> str:
    """For a source-of-funds cell: the value the row's total implies (total - other sources)."""
    if result.table != "rd_expenditure_by_source":
        return ""
    row = next(c for c, (r, _, _) in result.labels.items() if r == cell.row)
    values = result.long[result.long.unit_id == row].set_index("indicator")["value"]
    parts = [i for i in values.index if i != "rd_expenditure_total"]
    implied = values["rd_expenditure_total"] - values[parts].fillna(0).sum()
    return (
        f" The row's total minus its other sources is {implied:.0f}, so the printed text is "
        f"that number with its last digit misprinted; we leave the correction to the user."
    )


def tidy_comparison_markdown(folder: Path = YEARBOOK_DIR) -> str:
    """Import every table under ``folder`` and compare it with ``reference_tidy/<table>.csv``.

    Returns the Markdown of ``examples/china_real/import_vs_tidy.md``: per table the cells
    imported and reported, every tidy name error with the raw label that explains it,
    every cell not imported because it is not a number, and every value difference with
    the raw cell and the verdict (a difference whose raw cell holds decimals that the
    tidy side rounded to an integer is a rounding of the tidy extraction).
    """
    lines = [
        "# Yearbook import vs the tidy extraction (huhuaping/techme)",
        "",
        "**REAL DATA**: China Statistical Yearbook on Science and Technology (NBS / MOST),",
        "provenance in `data/yearbook/PROVENANCE.md`. Generated by",
        "`.venv/bin/python -m resilience.yearbook`; `tests/python/test_yearbook.py` checks that",
        "the differences below are exactly the ones the code finds.",
        "",
        "Ours: `resilience import` of the raw `.xls` files. Theirs: `reference_tidy/<table>.csv`",
        "(the repository author's extraction). Province names are matched after removing the",
        "spaces inside them; the national total is left out (we report it, we do not import it).",
        "",
    ]
    for table in TABLES:
        results = import_yearbook([folder / table])
        tidy = pd.read_csv(folder / "reference_tidy" / f"{table}.csv", dtype={"province": str})
        differences, name_errors = compare_with_tidy(results, tidy, table)
        reasons = Counter()
        for r in results:
            reasons.update(r.reported_by_reason)
        lines += [
            f"## {table}",
            "",
            f"{len(results)} files ({min(r.year for r in results)}-{max(r.year for r in results)}),"
            f" {sum(r.n_imported for r in results)} cells imported"
            f" ({sum(r.n_missing for r in results)} of them empty = missing),"
            f" {sum(len(r.reported) for r in results)} cells reported: "
            + ", ".join(f"{k} {v}" for k, v in sorted(reasons.items()))
            + ".",
            "",
        ]
        by_year = {r.year: r for r in results}
        if name_errors:
            lines += ["Province names of the tidy file that are typing errors:", ""]
            for name, year, code in name_errors:
                row, zh, en = by_year[year].labels[code]
                lines.append(
                    f"* `{name}` ({year}) is {code}: the raw file prints the same misspelt label "
                    f"(`{table}/{year}.xls` row {row} column A `{zh}`, English `{en}`), so the "
                    "error is the yearbook's, copied by the tidy extraction."
                )
            lines.append("")
        for r in results:
            for cell in r.reported:
                if cell.reason == R_NOT_A_NUMBER:
                    lines.append(
                        f"* Not a number in the raw file: `{table}/{r.year}.xls` row {cell.row} "
                        f"column {cell.column} holds `{cell.text}`. We do not import it; the "
                        "tidy file has no row for it either (both sides agree: missing)."
                        + _residual_hint(r, cell)
                    )
                    lines.append("")
        if not differences:
            lines += ["No value differences: every imported cell equals the tidy value.", ""]
            continue
        rounding = all(
            d.ours is not None and d.theirs is not None and abs(d.ours - d.theirs) <= 0.5
            and d.theirs == round(d.theirs) and d.ours != round(d.ours)
            for d in differences
        )  # fmt: skip
        lines += [
            f"{len(differences)} value differences"
            + (
                ", all of them the tidy side rounding a raw value with one decimal to an "
                "integer (|ours - theirs| <= 0.5). **Ours is right**: the raw cell holds the "
                "decimal number shown (the 2010 edition stores one decimal)."
                if rounding
                else "."
            ),
            "",
            "| province | year | indicator | ours | theirs | raw cell |",
            "|---|---|---|---:|---:|---|",
        ]
        lines += [
            f"| {d.province} | {d.year} | {d.indicator} | {_fmt(d.ours)} | {_fmt(d.theirs)} "
            f"| `{d.raw_cell}` |"
            for d in differences
        ]
        lines.append("")
    return "\n".join(lines)


def main() -> None:
    """Write ``examples/china_real/import_vs_tidy.md`` (``python -m resilience.yearbook``)."""
    out = EXAMPLE_DIR / "import_vs_tidy.md"
    out.write_text(tidy_comparison_markdown(), encoding="utf-8")
    print(out)


if __name__ == "__main__":
    main()
