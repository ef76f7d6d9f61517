"""Hand the data on: export warehouse tables to Stata, Excel, Parquet or CSV.

``resilience export [TABLE ...] [--all] --format dta|xlsx|parquet|csv --out DIR``.
The warehouse is opened read-only, every table is read into memory (Arrow) with its
column types and descriptions, and the connection is closed before anything is written.

Descriptions are the dbt YAML descriptions, which ``persist_docs`` stores as DuckDB
comments (``duckdb_tables()``, ``duckdb_columns()``); the ``results`` tables, written by
Python, take theirs from :data:`resilience.results.DESCRIPTIONS`.

Formats
-------
dta
    One ``<schema>_<table>.dta`` per table (Stata 15+, format 118, via pyreadstat):
    variable names made Stata-safe (:func:`stata_names`), variable labels = the column
    descriptions cut to Stata's 80 characters (a renamed column's label starts with its
    warehouse name), dataset label = the table description, booleans 0/1 with value
    labels ``0 "no" 1 "yes"`` (stored as long: pyreadstat writes every integer as a
    4-byte long), NULL = Stata missing (strings: ``""``), strings longer than 2045 bytes
    as strL, timestamps as %tc (milliseconds; with a time zone: in UTC). Plus
    ``columns.csv``.
xlsx
    One workbook ``resilience_export.xlsx``: one sheet per table, a ``columns`` sheet
    (table, sheet, rows, column, type, description) and a ``README`` sheet (source,
    build, SYNTHETIC demo data or REAL DATA). Numbers keep 16 significant digits
    (openpyxl writes ``%.16g``; Excel shows 15): exact values are in dta, parquet, csv.
parquet, csv
    One ``<schema>_<table>.<ext>`` per table plus ``columns.csv``. CSV: UTF-8, a header,
    floats in their shortest round-trip form, booleans ``true``/``false``, text quoted (so
    an empty text ``""`` differs from NULL, an empty field), timestamps with their offset.

Every format except xlsx also gets ``README.txt`` with the same facts as the README
sheet. Each file is written to a temporary file in the output folder and renamed, so an
interrupted or refused write leaves no half-written file.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa

from resilience.errors import ResilienceError
from resilience.paths import make_folder, write_atomically
from resilience.relations import EXPORT_PANEL, MARTS_SCHEMA, RESULTS_SCHEMA

FORMATS = ("dta", "xlsx", "parquet", "csv")
ALL_SCHEMAS = (MARTS_SCHEMA, RESULTS_SCHEMA)
"""The schemas ``--all`` exports."""
WORKBOOK = "resilience_export.xlsx"
DICTIONARY = "columns.csv"
README_TXT = "README.txt"

STATA_NAME_MAX = 32
STATA_LABEL_MAX = 80
STATA_STR_MAX = 2045
"""Longest str# in bytes; longer strings are written as strL."""
STATA_LONG_RANGE = (-2_147_483_647, 2_147_483_620)
STATA_RESERVED = frozenset(
    "_all _b byte _coef _cons double float if in int long _n _N _pi _pred _rc _se _skip "
    "str strL using with".split()
)
STATA_RESERVED_RE = re.compile(r"str\d+")
SHEET_MAX = 31
EXCEL_ROWS = 1_048_576
EXCEL_CELL_CHARS = 32_767
SYNTHETIC_TEXT = "SYNTHETIC demo data - not official statistics"
REAL_TEXT = "REAL DATA: no input of this build is a shipped synthetic demo file"
BOOL_LABELS = {0: "no", 1: "yes"}


class ExportError(ResilienceError, ValueError):
    """A table or option of ``resilience export`` is wrong (exit 2)."""

    exit_code = 2


class NothingToExport(ResilienceError):
    """The warehouse holds none of the tables asked for yet (exit 6)."""

    exit_code = 6


@dataclass
class Column:
    """One column: its warehouse name, DuckDB type, description and name in the file."""

    name: str
    type: str
    description: str
    file_name: str = ""
    file_type: str = ""
    note: str = ""


@dataclass
class Table:
    """One table read from the warehouse."""

    schema: str
    name: str
    description: str
    columns: list[Column]
    data: pa.Table

    @property
    def qualified(self) -> str:
        """Return ``schema.table``."""
        return f"{self.schema}.{self.name}"

    @property
    def stem(self) -> str:
        """Return the file name stem ``schema_table``."""
        return f"{self.schema}_{self.name}"


@dataclass
class Source:
    """What the tables came from: warehouse path, build, synthetic or real."""

    db_path: Path
    build_id: str | None
    built_at: datetime | None
    is_synthetic: bool
    exported_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    def lines(self) -> list[tuple[str, str]]:
        """Return the README facts as (key, value) pairs."""
        built = (
            f"{self.build_id} at {self.built_at.isoformat()}"
            if self.build_id and self.built_at
            else "not recorded (built by dbt directly, not by `resilience build`)"
        )
        return [
            ("data", SYNTHETIC_TEXT if self.is_synthetic else REAL_TEXT),
            ("source warehouse", str(Path(self.db_path).resolve())),
            ("build", built),
            ("exported at", self.exported_at.isoformat(timespec="seconds")),
            ("exported by", "resilience export (Resilience Warehouse)"),
        ]


@dataclass
class Written:
    """What an export wrote: the files, the renamed Stata variables and other notes."""

    files: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


# ------------------------------------------------------------------ reading ---------------
def _one_line(text: str | None) -> str:
    return " ".join((text or "").split())


def resolve(con, names: Iterable[str], all_: bool) -> list[tuple[str, str]]:
    """Return the (schema, table) pairs to export, in order, each once.

    Raises
    ------
    ExportError
        A name that is not ``schema.table`` or not in the warehouse (naming the tables of
        that schema), or neither names nor ``--all``.
    NothingToExport
        ``--all`` on a warehouse without marts or results tables.
    """
    listed = con.execute(
        "select table_schema, table_name, table_type from information_schema.tables order by 1, 2"
    ).fetchall()
    existing = [(s, t) for s, t, _ in listed]
    known = set(existing)
    chosen: list[tuple[str, str]] = []
    if all_:
        # tables only: a view (the million-row marts.fct_index_variant_scores, more than an
        # Excel sheet holds) is exported when named
        chosen = [(s, t) for s, t, kind in listed if s in ALL_SCHEMAS and kind == "BASE TABLE"]
        if not chosen:
            raise NothingToExport(
                "the warehouse holds no marts or results tables: run `resilience build` first"
            )
    names = list(names)
    if not names and not all_:
        raise ExportError(f"name the tables to export (e.g. {EXPORT_PANEL}) or --all")
    for name in names:
        if not re.fullmatch(r"[A-Za-z_]\w*\.[A-Za-z_]\w*", name):
            raise ExportError(f"{name!r} is not SCHEMA.TABLE, e.g. {EXPORT_PANEL}")
        schema, table = name.split(".")
        if (schema, table) not in known:
            tables = [t for s, t in existing if s == schema]
            hint = (
                f"; tables in {schema}: {', '.join(tables)}"
                if tables
                else f"; no schema {schema} (schemas: "
                f"{', '.join(sorted({s for s, _ in existing if s in ALL_SCHEMAS}))})"
            )
            raise ExportError(f"{name} not found in the warehouse{hint}")
        if (schema, table) not in chosen:
            chosen.append((schema, table))
    return chosen


def _results_description(schema: str, table: str) -> tuple[str, dict[str, str]]:
    from resilience.results import DESCRIPTIONS, SCHEMA

    if schema != SCHEMA:
        return "", {}
    return DESCRIPTIONS.get(table, ("", {}))


PLAIN_TYPES = frozenset(
    "BOOLEAN TINYINT SMALLINT INTEGER BIGINT HUGEINT UTINYINT USMALLINT UINTEGER UBIGINT "
    "FLOAT DOUBLE VARCHAR JSON DATE TIMESTAMP TIMESTAMP_S TIMESTAMP_MS TIMESTAMP_NS".split()
    + ["TIMESTAMP WITH TIME ZONE"]
)
"""DuckDB types exported as they are; any other (lists, structs, intervals, ...) as its text."""


def _is_plain(duckdb_type: str) -> bool:
    return duckdb_type in PLAIN_TYPES or duckdb_type.startswith("DECIMAL(")


def read_tables(con, pairs: list[tuple[str, str]]) -> list[Table]:
    """Read each table (Arrow) with its column types and descriptions."""
    tables = []
    for schema, name in pairs:
        (comment,) = con.execute(
            "select any_value(comment) from (select comment from duckdb_tables() "
            "where schema_name = ? and table_name = ? union all select comment from "
            "duckdb_views() where schema_name = ? and view_name = ?)",
            [schema, name, schema, name],
        ).fetchone()
        fallback_table, fallback_columns = _results_description(schema, name)
        columns = [
            Column(col, dtype, _one_line(text) or fallback_columns.get(col, ""))
            for col, dtype, text in con.execute(
                "select column_name, data_type, comment from duckdb_columns() "
                "where schema_name = ? and table_name = ? order by column_index",
                [schema, name],
            ).fetchall()
        ]
        selected = ", ".join(
            f'"{c.name}"' if _is_plain(c.type) else f'cast("{c.name}" as varchar) as "{c.name}"'
            for c in columns
        )
        for c in columns:
            if not _is_plain(c.type):
                c.note = "as text"
        data = con.sql(f'select {selected} from "{schema}"."{name}"').to_arrow_table()
        tables.append(Table(schema, name, _one_line(comment) or fallback_table, columns, data))
    return tables


def read_source(con, db_path: Path) -> Source:
    """Return the warehouse's build record and whether its data is the synthetic demo."""
    from resilience.relations import BUILDS
    from resilience.report import uses_demo_data
    from resilience.results import build_id_of

    existing = {
        f"{s}.{t}"
        for s, t in con.execute(
            "select table_schema, table_name from information_schema.tables"
        ).fetchall()
    }
    build_id, built_at = build_id_of(con), None
    if build_id is not None:
        (built_at,) = con.execute(f"select built_at from {BUILDS}").fetchone()
    return Source(Path(db_path), build_id, built_at, uses_demo_data(con, existing))


def read_warehouse(db_path: Path, names: Iterable[str], all_: bool) -> tuple[list[Table], Source]:
    """Open the warehouse read-only, read the tables and the source facts, close it."""
    from resilience.lock import connect

    con = connect(Path(db_path), read_only=True)
    try:
        pairs = resolve(con, names, all_)
        return read_tables(con, pairs), read_source(con, db_path)
    finally:
        con.close()


# ------------------------------------------------------------------ writing ---------------
@contextlib.contextmanager
def atomic_file(path: Path):
    """Yield a temporary path beside ``path``; rename it to ``path`` when the block succeeds.

    The temporary file is flushed to disk before the rename; on any error it is removed,
    so no half-written file is left and ``path`` keeps its old bytes. A refused write
    names ``path``, not the temporary file.
    """
    tmp_path = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        yield tmp_path
        fd = os.open(tmp_path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp_path, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            tmp_path.unlink(missing_ok=True)
        if isinstance(exc, OSError) and exc.filename == str(tmp_path):
            raise OSError(exc.errno, exc.strerror, str(path)) from exc
        raise


def _write(path: Path, writer: Callable[[Path], None], written: Written) -> None:
    with atomic_file(path) as tmp:
        writer(tmp)
    written.files.append(path)


def _ascii_name(name: str) -> str:
    safe = re.sub(r"[^A-Za-z0-9_]", "_", name)
    if not safe or not re.match(r"[A-Za-z_]", safe[0]):
        safe = f"_{safe}"
    return safe


def _is_reserved(name: str) -> bool:
    return name in STATA_RESERVED or bool(STATA_RESERVED_RE.fullmatch(name))


def stata_names(names: list[str]) -> list[str]:
    """Return Stata-safe, unique variable names for ``names``, in order.

    A name is kept when it is already valid: ``[A-Za-z_][A-Za-z0-9_]*``, at most 32
    characters, not a reserved word (``in``, ``int``, ``_n``, ``str12``, ...). Otherwise
    other characters become ``_``, a leading digit gets a ``_`` before it, a reserved
    word gets ``_`` appended, and the name is cut to 32 characters; a clash with an
    earlier name gets ``_2``, ``_3``, ... (within the 32).
    """
    taken: set[str] = set()
    out = []
    for name in names:
        base = _ascii_name(name)
        if _is_reserved(base):
            base = f"{base}_"
        base = base[:STATA_NAME_MAX]
        candidate, n = base, 1
        while candidate in taken or _is_reserved(candidate):
            n += 1
            suffix = f"_{n}"
            candidate = base[: STATA_NAME_MAX - len(suffix)] + suffix
        taken.add(candidate)
        out.append(candidate)
    return out


def stata_label(text: str, limit: int = STATA_LABEL_MAX) -> str:
    """Return ``text`` on one line, cut to ``limit`` characters (an ellipsis marks a cut)."""
    text = _one_line(text)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _utc_naive(column: pa.ChunkedArray) -> pa.ChunkedArray:
    return column.cast(pa.timestamp(column.type.unit, tz="UTC")).cast(
        pa.timestamp(column.type.unit)
    )


def _plain_types(table: Table, keep_tz: bool = False) -> pa.Table:
    """Return the data with odd types as text and (unless ``keep_tz``) timestamps in UTC.

    A timestamp with a time zone becomes the naive timestamp in UTC (Stata and Excel
    have no time zones); decimals become doubles; lists, structs, intervals, blobs and
    the like become their text.
    """
    arrays = []
    for col, meta in zip(table.data.columns, table.columns, strict=True):
        kind = col.type
        if pa.types.is_timestamp(kind) and kind.tz is not None and not keep_tz:
            col = _utc_naive(col)
            meta.note = "UTC"
        elif pa.types.is_decimal(kind):
            col = col.cast(pa.float64())
        elif not (
            pa.types.is_boolean(kind)
            or pa.types.is_integer(kind)
            or pa.types.is_floating(kind)
            or pa.types.is_string(kind)
            or pa.types.is_large_string(kind)
            or pa.types.is_timestamp(kind)
            or pa.types.is_date(kind)
        ):
            col = pa.chunked_array(
                [[None if v is None else str(v) for v in col.to_pylist()]], pa.string()
            )
            meta.note = "as text"
        arrays.append(col)
    return pa.table(arrays, names=table.data.column_names)


def _stata_frame(table: Table, written: Written):
    """Return the pandas frame pyreadstat writes, its value labels and its strL columns."""
    import numpy as np
    import pandas as pd

    data = _plain_types(table)
    frame = pd.DataFrame(index=range(data.num_rows))
    value_labels: dict[str, dict[int, str]] = {}
    for col, meta in zip(data.columns, table.columns, strict=True):
        kind, name = col.type, meta.file_name
        if pa.types.is_boolean(kind):
            values = pd.array(col.to_pylist(), dtype="boolean").astype("Int8")
            frame[name] = values
            value_labels[name] = dict(BOOL_LABELS)
            meta.file_type = "long 0/1, value labels no/yes"
        elif pa.types.is_integer(kind):
            values = pd.array(col.to_pylist(), dtype="Int64")
            low, high = values.min(), values.max()
            if values.isna().all() or (STATA_LONG_RANGE[0] <= low and high <= STATA_LONG_RANGE[1]):
                frame[name] = values.astype("Int32")
                meta.file_type = "long"
            else:
                frame[name] = values.astype("float64")
                meta.file_type = "double"
                if max(abs(int(low)), abs(int(high))) > 2**53:
                    written.notes.append(
                        f"{table.qualified}.{meta.name}: integers beyond 2^53 written as "
                        "double (Stata has no 64-bit integer); some values are rounded"
                    )
        elif pa.types.is_floating(kind):
            values = col.to_numpy().astype("float64")
            infinite = np.isinf(values)
            if infinite.any():
                values = np.where(infinite, np.nan, values)
                written.notes.append(
                    f"{table.qualified}.{meta.name}: {int(infinite.sum())} infinite value(s) "
                    "written as Stata missing"
                )
            frame[name] = values
            meta.file_type = "double"
        elif pa.types.is_timestamp(kind):
            frame[name] = pd.Series(col.to_pandas(), index=frame.index)
            meta.file_type = "double %tc (UTC)" if meta.note == "UTC" else "double %tc"
        elif pa.types.is_date(kind):
            frame[name] = pd.Series(col.to_pylist(), index=frame.index, dtype=object)
            meta.file_type = "double %td"
        else:
            texts = ["" if v is None else str(v) for v in col.to_pylist()]
            longest = max((len(v.encode("utf-8")) for v in texts), default=0)
            frame[name] = pd.Series(texts, index=frame.index, dtype=object)
            if longest > STATA_STR_MAX:
                meta.file_type = "strL"
                written.notes.append(
                    f"{table.qualified}.{meta.name}: text up to {longest} bytes, longer than "
                    f"Stata's str{STATA_STR_MAX}: written as strL"
                )
            else:
                meta.file_type = f"str{max(longest, 1)}"
    return frame, value_labels


def _write_dta(table: Table, path: Path, written: Written) -> None:
    import pyreadstat

    for meta, safe in zip(table.columns, stata_names([c.name for c in table.columns]), strict=True):
        meta.file_name = safe
        if safe != meta.name:
            written.notes.append(
                f"{table.qualified}: column {meta.name!r} renamed {safe!r} for Stata"
            )
    frame, value_labels = _stata_frame(table, written)
    labels = {
        c.file_name: stata_label(
            c.description if c.file_name == c.name else f"[{c.name}] {c.description}"
        )
        for c in table.columns
    }
    file_label = stata_label(table.description or table.qualified)

    def writer(tmp: Path) -> None:
        pyreadstat.write_dta(
            frame,
            str(tmp),
            file_label=file_label,
            column_labels=[labels[c] for c in frame.columns],
            variable_value_labels=value_labels,
            version=15,
        )

    _write(path, writer, written)


def _type_as_written(meta: Column) -> str:
    """Return the DuckDB type, and how it was changed for the file (UTC, as text)."""
    if meta.note == "as text":
        return f"VARCHAR (the text of {meta.type})"
    if meta.note == "UTC":
        return f"{meta.type} (written in UTC)"
    return meta.type


def _write_parquet(table: Table, path: Path, written: Written) -> None:
    import pyarrow.parquet as pq

    for meta in table.columns:
        meta.file_name, meta.file_type = meta.name, _type_as_written(meta)
    descriptions = {c.name: c.description for c in table.columns}
    fields = [
        f.with_metadata({"description": descriptions.get(f.name, "")}) for f in table.data.schema
    ]
    schema = pa.schema(
        fields, metadata={"description": table.description, "table": table.qualified}
    )
    data = table.data.cast(schema)
    _write(path, lambda tmp: pq.write_table(data, tmp), written)


def _write_csv(table: Table, path: Path, written: Written) -> None:
    import pyarrow.csv as pacsv

    for meta in table.columns:
        meta.file_name, meta.file_type = meta.name, _type_as_written(meta)
    data = _plain_types(table, keep_tz=True)
    options = pacsv.WriteOptions(include_header=True, quoting_style="needed")
    _write(path, lambda tmp: pacsv.write_csv(data, tmp, options), written)


def sheet_names(tables: list[Table]) -> list[str]:
    """Return unique Excel sheet names (at most 31 characters) for the tables.

    The table name, or ``schema_table`` when two schemas share a table name, cut to 31
    characters; a clash (Excel compares case-insensitively, and ``columns`` and ``README``
    are taken) gets ``~2``, ``~3``, ...
    """
    counts: dict[str, int] = {}
    for t in tables:
        counts[t.name] = counts.get(t.name, 0) + 1
    taken = {"columns", "readme"}
    out = []
    for t in tables:
        base = (t.name if counts[t.name] == 1 else t.stem)[:SHEET_MAX]
        candidate, n = base, 1
        while candidate.lower() in taken:
            n += 1
            suffix = f"~{n}"
            candidate = base[: SHEET_MAX - len(suffix)] + suffix
        taken.add(candidate.lower())
        out.append(candidate)
    return out


def _excel_frame(table: Table):
    import pandas as pd

    data = _plain_types(table)
    frame = pd.DataFrame(index=range(data.num_rows))
    for col, meta in zip(data.columns, table.columns, strict=True):
        kind = col.type
        meta.file_name = meta.name
        meta.file_type = _type_as_written(meta)
        if pa.types.is_integer(kind) or pa.types.is_boolean(kind) or pa.types.is_date(kind):
            values = col.to_pylist()
        elif pa.types.is_floating(kind):
            values = col.to_numpy()
        elif pa.types.is_timestamp(kind):
            values = col.to_pandas()
        else:
            values = col.to_pylist()
            longest = max((len(v) for v in values if v is not None), default=0)
            if longest > EXCEL_CELL_CHARS:
                raise ExportError(
                    f"{table.qualified}.{meta.name}: a text of {longest} characters does not "
                    f"fit an Excel cell ({EXCEL_CELL_CHARS}); export it as parquet or csv"
                )
        frame[meta.name] = pd.Series(values, index=frame.index, dtype=object)
    return frame


def _dictionary_rows(tables: list[Table], where: dict[str, str]) -> list[dict]:
    return [
        {
            "table": t.qualified,
            "file": where[t.qualified],
            "rows": t.data.num_rows,
            "column": c.name,
            "name_in_file": c.file_name,
            "renamed": "yes" if c.file_name != c.name else "",
            "type": c.type,
            "type_in_file": c.file_type,
            "description": c.description,
        }
        for t in tables
        for c in t.columns
    ]


def _write_workbook(tables: list[Table], source: Source, path: Path, written: Written) -> None:
    import pandas as pd

    for t in tables:
        if t.data.num_rows + 1 > EXCEL_ROWS:
            raise ExportError(
                f"{t.qualified} has {t.data.num_rows} rows, more than an Excel sheet holds "
                f"({EXCEL_ROWS - 1}); export it as parquet or csv"
            )
    sheets = sheet_names(tables)
    frames = [_excel_frame(t) for t in tables]
    where = {t.qualified: sheet for t, sheet in zip(tables, sheets, strict=True)}
    columns = pd.DataFrame(_dictionary_rows(tables, where)).rename(columns={"file": "sheet"})
    columns["type"] = columns["type_in_file"]
    columns = columns[["table", "sheet", "rows", "column", "type", "description"]]
    readme = [("Resilience Warehouse export", ""), *source.lines(), ("", "")]
    readme += [("table", "sheet | rows | description")]
    readme += [
        (t.qualified, f"{sheet} | {t.data.num_rows} | {t.description}")
        for t, sheet in zip(tables, sheets, strict=True)
    ]
    readme += [
        ("", ""),
        ("columns", "the sheet 'columns' describes every column"),
        ("numbers", "16 significant digits; exact values: export as dta, parquet or csv"),
    ]

    def writer(tmp: Path) -> None:
        with pd.ExcelWriter(tmp, engine="openpyxl") as book:
            pd.DataFrame(readme, columns=["item", "value"]).to_excel(
                book, sheet_name="README", index=False
            )
            columns.to_excel(book, sheet_name="columns", index=False)
            for frame, sheet in zip(frames, sheets, strict=True):
                frame.to_excel(book, sheet_name=sheet, index=False, freeze_panes=(1, 0))
            for sheet in book.sheets.values():
                for cells in sheet.columns:
                    width = max(len(str(c.value or "")) for c in cells[:200])
                    sheet.column_dimensions[cells[0].column_letter].width = min(
                        max(width + 2, 8), 80
                    )

    _write(path, writer, written)


def _write_text(path: Path, text: str, written: Written) -> None:
    written.files.append(write_atomically(path, text))


def _dictionary_csv(tables: list[Table], where: dict[str, str], fmt: str) -> str:
    rows = _dictionary_rows(tables, where)
    fields = list(rows[0]) if rows else ["table", "file", "rows", "column", "description"]
    if fmt != "dta":
        fields = [f for f in fields if f not in ("name_in_file", "renamed")]
    buffer = io.StringIO()
    out = csv.DictWriter(buffer, fieldnames=fields, extrasaction="ignore", lineterminator="\n")
    out.writeheader()
    out.writerows(rows)
    return buffer.getvalue()


def _readme_txt(tables: list[Table], source: Source, where: dict[str, str]) -> str:
    lines = ["Resilience Warehouse export", ""]
    lines += [f"{key}: {value}" for key, value in source.lines()]
    lines += ["", "tables (file, rows, description):"]
    lines += [
        f"- {t.qualified}: {where[t.qualified]}, {t.data.num_rows} rows. {t.description}"
        for t in tables
    ]
    lines += ["", f"{DICTIONARY} describes every column (type, description).", ""]
    return "\n".join(lines)


WRITERS = {"dta": _write_dta, "parquet": _write_parquet, "csv": _write_csv}


def write_export(tables: list[Table], source: Source, fmt: str, out_dir: Path) -> Written:
    """Write ``tables`` in ``fmt`` into ``out_dir`` (created if absent)."""
    if fmt not in FORMATS:
        raise ExportError(f"--format {fmt!r}: expected one of {', '.join(FORMATS)}")
    written = Written()
    out_dir = Path(out_dir)
    make_folder(out_dir)
    if fmt == "xlsx":
        _write_workbook(tables, source, out_dir / WORKBOOK, written)
        return written
    where = {t.qualified: f"{t.stem}.{fmt}" for t in tables}
    for t in tables:
        WRITERS[fmt](t, out_dir / where[t.qualified], written)
    _write_text(out_dir / DICTIONARY, _dictionary_csv(tables, where, fmt), written)
    _write_text(out_dir / README_TXT, _readme_txt(tables, source, where), written)
    return written


def export(
    db_path: Path, names: Iterable[str], all_: bool, fmt: str, out_dir: Path
) -> tuple[list[Table], Source, Written]:
    """Read the tables from the warehouse (read-only, closed at once) and write them."""
    if fmt not in FORMATS:
        raise ExportError(f"--format {fmt!r}: expected one of {', '.join(FORMATS)}")
    tables, source = read_warehouse(db_path, names, all_)
    return tables, source, write_export(tables, source, fmt, out_dir)
