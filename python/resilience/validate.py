"""Pre-flight validation of user-supplied raw files, before dbt sees them.

``resilience build --values FILE --system FILE`` runs these checks first. They catch
what hand-collected yearbook data gets wrong and name the file, line, unit, year and
indicator of every bad cell -- with a row number, which the dbt tests downstream cannot
give. The dbt tests still guard the same invariants (defence in depth: the default inputs and
``dbt build`` run by hand skip this module).

Layouts (docs/contracts.md):

* values: ``unit_id, year, indicator, value`` -- one row per unit-year-indicator, an
  empty ``value`` is a missing cell;
* system: ``index_name, dimension, indicator, direction`` (+ optional ``label_en,
  label_zh, unit, published_weight, description, weight``), direction ``+`` (benefit) or
  ``-`` (cost); ``weight`` the user's own weights (``index_weighting: given``).

Every identifier that reaches SQL (indicator, index and dimension names, var values) must
match ``^[A-Za-z0-9_]+$``; anything else is rejected here and never interpolated.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from pathlib import Path

from resilience import importer, inputs
from resilience import project_vars as project_vars_module
from resilience.cells import clean, is_blank_row, number_problem, parse_number, parse_year
from resilience.errors import Problem
from resilience.paths import PROJECT_ROOT

VALUES_COLUMNS = ("unit_id", "year", "indicator", "value")
VALUES_OPTIONAL_COLUMNS = ("unit",)
"""``unit``: the unit of the value as the source states it (written by ``resilience import``)."""
SYSTEM_COLUMNS = ("index_name", "dimension", "indicator", "direction")
SYSTEM_OPTIONAL_COLUMNS = (
    "label_en",
    "label_zh",
    "unit",
    "published_weight",
    "description",
    "weight",
)
"""``weight``: the user's own weight of the indicator (``index_weighting: given``), a number
>= 0, given for every indicator of an index or for none, not all 0 within an index."""

IDENTIFIER = re.compile(r"^[A-Za-z0-9_]+$")
VAR_VALUE = re.compile(r"^[A-Za-z0-9_.+-]+$")
TYPOGRAPHIC_MINUS = {
    "\u2212": "U+2212 minus sign",
    "\u2013": "U+2013 en dash",
    "\u2014": "U+2014 em dash",
    "\uff0d": "U+FF0D fullwidth hyphen",
}
MAX_PROBLEMS_PER_CHECK = 200
"""Stop collecting one kind of problem after this many (a wrong file gives thousands)."""


# ---- reference data ---------------------------------------------------------------------


def project_vars(project_dir: Path = PROJECT_ROOT) -> dict:
    """Return the vars of ``dbt_project.yml`` with their defaults (not their ``var_rules``)."""
    return project_vars_module.defaults(project_dir)


def configured_years(
    project_dir: Path = PROJECT_ROOT, overrides: dict | None = None
) -> tuple[int, int]:
    """Return the first and last year of the data: the span of all index samples.

    Every year var lies inside it (:mod:`resilience.project_vars`), and the dbt test
    ``indicator_values_year_out_of_range`` uses the same span. ``overrides`` may name
    another ``index_samples_path``.
    """
    path = {**project_vars(project_dir), **(overrides or {})}.get("index_samples_path")
    return project_vars_module.data_years(project_vars_module.index_sample_years(project_dir, path))


def province_lookup(project_dir: Path = PROJECT_ROOT) -> tuple[set[str], dict[str, str]]:
    """Return the set of province codes and the importer's name -> code table.

    The names are matched with :func:`resilience.importer.match_province`, so a province
    name in a code column is recognised exactly as ``resilience import`` recognises it.
    """
    names = importer.province_lookup(project_dir / "seeds" / "reference" / "provinces.csv")
    return set(names.values()), names


def shipped_system(project_dir: Path = PROJECT_ROOT) -> list[dict]:
    """Return the rows of the shipped indicator system seed."""
    with open(project_dir / "seeds/reference/indicator_systems.csv", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


# ---- reading ------------------------------------------------------------------------------


def _read_rows(
    path: Path, label: str, expected: tuple[str, ...], problems: list[Problem]
) -> tuple[list[str], list[tuple[int, dict]]] | None:
    """Read a CSV or Parquet file as text; return (header, [(line, row)]) or None on failure.

    The line of a row is its 1-based line in the CSV, the header being line 1 (for
    Parquet: the row's ordinal + 1, the same convention).
    """
    if "'" in str(path) or '"' in str(path):
        problems.append(
            Problem("file", label, "the path contains a quote character; rename the file")
        )
        return None
    if not path.exists():
        problems.append(Problem("file", label, "file not found"))
        return None
    if path.is_dir():
        problems.append(
            Problem("file", label, "is a folder, not a file; give the .csv or .parquet file "
                    "(a folder of inputs goes to --inputs DIR)")
        )  # fmt: skip
        return None
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".parquet"):
        problems.append(
            Problem("file", label, f"unsupported file type '{suffix}'; use .csv or .parquet")
        )
        return None
    if path.stat().st_size == 0:
        problems.append(
            Problem(
                "empty_file",
                label,
                "the file is empty (no header row); expected columns " + ", ".join(expected),
            )
        )
        return None
    if suffix == ".parquet":
        return _read_parquet_rows(path, label, problems)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        problems.append(Problem("file", label, f"cannot be read: {exc.strerror or exc}"))
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        utf16 = raw[:2] in (b"\xff\xfe", b"\xfe\xff")
        why = "UTF-16 (byte-order mark)" if utf16 else f"not UTF-8 (byte {exc.start})"
        problems.append(Problem("encoding", label, f"{why}; save the file as UTF-8"))
        return None
    endings = _line_endings(text)
    if len(endings) > 1:
        problems.append(Problem("line_endings", label, "the file mixes line endings ("
                                + " and ".join(sorted(endings)) + "), which staging cannot "
                                "read; save it again with one kind (CRLF or LF)"))  # fmt: skip
        return None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    reader = csv.reader(io.StringIO(text))
    try:
        header = [clean(h) for h in next(reader)]
    except StopIteration:
        problems.append(
            Problem(
                "empty_file",
                label,
                "the file is empty (no header row); expected columns " + ", ".join(expected),
            )
        )
        return None
    if is_blank_row(header):
        problems.append(Problem("empty_header", label, f"line {reader.line_num} is empty; the "
                                "header row (" + ", ".join(expected) + ") must be the first "
                                "line of the file"))  # fmt: skip
        return None
    word = _one_column_delimiter(header)
    if word is not None:
        problems.append(Problem("delimiter", label, f"the file is {word}-delimited (header "
                                f"{header[0][:60]!r}); save it comma-separated"))  # fmt: skip
        return None
    rows = []
    end = reader.line_num
    for rec in reader:
        # a record's line is where it starts (a quoted cell may span several lines)
        line, end = end + 1, reader.line_num
        if is_blank_row(rec):
            continue  # staging skips it too (macro input_row_present)
        cells = [clean(cell) for cell in rec]
        if len(cells) != len(header):
            # e.g. an unquoted 1,234 splits one value into two cells
            at = dict(zip(header, cells, strict=False))
            problems.append(
                Problem(
                    "ragged_row",
                    label,
                    f"the line has {len(cells)} cells but the header has {len(header)} "
                    "(an unquoted thousands separator such as 1,234? write 1234)",
                    row=line,
                    unit=at.get("unit_id") or None,
                    year=at.get("year") or None,
                    indicator=at.get("indicator")
                    if IDENTIFIER.match(at.get("indicator", ""))
                    else None,
                )
            )
            continue
        rows.append((line, dict(zip(header, cells, strict=True))))
    return header, rows


LINE_ENDS = re.compile(r'"|\r\n|\n|\r')
LINE_END_NAMES = {"\r\n": "CRLF", "\n": "LF", "\r": "CR"}


def _line_endings(text: str) -> set[str]:
    """Return the kinds of line ending (CRLF, LF, CR) that end lines outside quoted cells."""
    quoted, found = False, set()
    for match in LINE_ENDS.finditer(text):
        if match.group() == '"':
            quoted = not quoted  # an escaped quote ("") toggles twice
        elif not quoted:
            found.add(LINE_END_NAMES[match.group()])
    return found


def _one_column_delimiter(header: list[str]) -> str | None:
    """Return 'semicolon' or 'tab' when a one-column header is really split by one."""
    for sep, word in ((";", "semicolon"), ("\t", "tab")):
        if len(header) == 1 and sep in header[0]:
            return word
    return None


def _read_parquet_rows(
    path: Path, label: str, problems: list[Problem]
) -> tuple[list[str], list[tuple[int, dict]]] | None:
    """Read a Parquet file, every cell as DuckDB's text (the way staging casts it)."""
    import duckdb

    try:
        with duckdb.connect() as con:
            header = list(con.read_parquet(str(path)).columns)
            text = ", ".join('cast("{}" as varchar)'.format(h.replace('"', '""')) for h in header)
            data = con.execute(f"select {text} from read_parquet(?)", [str(path)]).fetchall()
    except duckdb.Error as exc:
        reason = str(exc).splitlines()[0].split("Error: ", 1)[-1]
        problems.append(
            Problem("file", label, f"not a readable Parquet file ({reason}); write it again "
                    "or give the CSV")
        )  # fmt: skip
        return None
    rows = [
        (i + 2, dict(zip(header, (clean(v) for v in rec), strict=True)))
        for i, rec in enumerate(data)
        if not is_blank_row(rec)
    ]
    return header, rows


def _check_columns(
    label: str,
    header: list[str],
    required: tuple[str, ...],
    optional: tuple[str, ...],
    problems: list[Problem],
) -> bool:
    """Name every missing and extra column; return True when the layout is usable."""
    ok = True
    for col in required:
        if col not in header:
            hint = (
                " (rename province_code to unit_id)"
                if col == "unit_id" and "province_code" in header
                else ""
            )
            problems.append(
                Problem(
                    "missing_column",
                    label,
                    f"missing column '{col}'{hint}; expected columns {', '.join(required)}",
                )
            )
            ok = False
    for col in header:
        if col not in required and col not in optional:
            shown = col if IDENTIFIER.match(col or "_") else repr(col)
            problems.append(
                Problem(
                    "extra_column",
                    label,
                    f"unexpected column '{shown}'; expected columns {', '.join(required)}"
                    + (f" (optional: {', '.join(optional)})" if optional else ""),
                )
            )
            ok = False
    if len(set(header)) != len(header):
        problems.append(Problem("extra_column", label, "a column name appears twice in the header"))
        ok = False
    return ok


def _read_layout(
    path: Path, required: tuple[str, ...], optional: tuple[str, ...], problems: list[Problem]
) -> list[tuple[int, dict]] | None:
    """Read a file and check its columns; return its ``(line, row)`` pairs or None."""
    label = str(path)
    read = _read_rows(path, label, required, problems)
    if read is None:
        return None
    header, rows = read
    return rows if _check_columns(label, header, required, optional, problems) else None


def _add(problems: list[Problem], counts: dict, problem: Problem) -> None:
    """Append ``problem`` unless its check already has MAX_PROBLEMS_PER_CHECK entries."""
    counts[problem.check] += 1
    if counts[problem.check] <= MAX_PROBLEMS_PER_CHECK:
        problems.append(problem)


def _identifier_problem(kind: str, value: str) -> str:
    return (
        f"{kind} {value!r} is not a plain identifier (letters, digits and underscore only); "
        "rejected, it is never passed to SQL"
    )


# ---- the checks ---------------------------------------------------------------------------


def validate_system(path: Path, problems: list[Problem]) -> list[dict] | None:
    """Check an indicator-system file; return its rows (or None when unreadable)."""
    label = str(path)
    read = _read_rows(path, label, SYSTEM_COLUMNS, problems)
    if read is None:
        return None
    header, rows = read
    if not _check_columns(label, header, SYSTEM_COLUMNS, SYSTEM_OPTIONAL_COLUMNS, problems):
        return None
    if not rows:
        problems.append(Problem("empty_file", label, "the file has a header but no data rows"))
        return None
    counts: dict = defaultdict(int)
    seen: dict[tuple[str, str], int] = {}
    good = []
    for line, rec in rows:
        ind = rec["indicator"]
        bad = False
        for col in ("index_name", "dimension", "indicator"):
            if not IDENTIFIER.match(rec[col]):
                _add(
                    problems,
                    counts,
                    Problem(
                        "identifier",
                        label,
                        _identifier_problem(col, rec[col]),
                        row=line,
                        indicator=ind if col != "indicator" else None,
                    ),
                )
                bad = True
        direction = rec["direction"]
        if direction not in ("+", "-"):
            hint = (
                f" (that is a {TYPOGRAPHIC_MINUS[direction]}; type the ASCII hyphen '-')"
                if direction in TYPOGRAPHIC_MINUS
                else ""
            )
            _add(
                problems,
                counts,
                Problem(
                    "direction",
                    label,
                    f"direction {direction!r} is not '+' (benefit) or '-' (cost){hint}",
                    row=line,
                    indicator=ind if not bad else None,
                ),
            )
        key = (rec["index_name"], ind)
        if key in seen and not bad:
            _add(
                problems,
                counts,
                Problem(
                    "duplicate",
                    label,
                    f"indicator defined twice in index {rec['index_name']} "
                    f"(first on line {seen[key]}); keep one row",
                    row=line,
                    indicator=ind,
                ),
            )
        seen.setdefault(key, line)
        if not bad:
            good.append({**rec, "_line": line})
    if "weight" in header:
        _check_given_weights(label, rows, problems, counts)
    return good


def _check_given_weights(label: str, rows: list, problems: list[Problem], counts: dict) -> None:
    """Check the optional ``weight`` column: numbers >= 0, all or none per index, not all 0."""
    by_index: dict[str, list[tuple[int, str, float | None, str]]] = defaultdict(list)
    for line, rec in rows:
        cell = clean(rec.get("weight"))
        by_index[rec["index_name"]].append((line, rec["indicator"], parse_number(cell), cell))
    for index_name, entries in by_index.items():
        given = [e for e in entries if e[3] != ""]
        for line, ind, value, cell in given:
            if value is None or value < 0:
                why = (
                    number_problem(cell, empty_is_missing=False)
                    if value is None
                    else (f"weight {cell} is negative; a weight is a number >= 0")
                )
                _add(problems, counts, Problem(
                    "weight", label, why, row=line, indicator=ind, column="weight",
                ))  # fmt: skip
        if given and len(given) < len(entries):
            line, ind, _, _ = next(e for e in entries if e[3] == "")
            _add(problems, counts, Problem(
                "weight", label,
                f"index {index_name}: weight is empty here but given for "
                f"{len(given)} of its {len(entries)} indicators; give every indicator of "
                "the index a weight, or none",
                row=line, indicator=ind, column="weight",
            ))  # fmt: skip
        values = [e[2] for e in given]
        if given and all(v is not None and v == 0 for v in values):
            _add(problems, counts, Problem(
                "weight", label,
                f"index {index_name}: every weight is 0; the weights are divided by their "
                "sum, which must be > 0",
                row=given[0][0], column="weight",
            ))  # fmt: skip


def validate_values(
    path: Path,
    problems: list[Problem],
    system: list[dict] | None,
    system_label: str,
    years: tuple[int, int],
    known_units: tuple[set[str], dict[str, str]] | None,
    samples: tuple[str, dict[str, tuple[int, int, set[str]]]] | None = None,
) -> None:
    """Check a long indicator-values file against the system, the year range and the units.

    ``samples`` is ``(file, {index: (first_year, last_year, excluded units)})``, the index
    samples (:func:`declared_samples`); with the system it gives the years every index
    must have (:func:`_check_sample_years`).
    """
    label = str(path)
    read = _read_rows(path, label, VALUES_COLUMNS, problems)
    if read is None:
        return
    header, rows = read
    if not _check_columns(label, header, VALUES_COLUMNS, VALUES_OPTIONAL_COLUMNS, problems):
        return
    if not rows:
        problems.append(Problem("empty_file", label, "the file has a header but no data rows"))
        return
    counts: dict = defaultdict(int)
    defined = {rec["indicator"] for rec in system} if system is not None else None
    first_year, last_year = years
    seen: dict[tuple[str, int, str], int] = {}
    cells: dict[str, dict[tuple[str, int], float]] = defaultdict(dict)
    for line, rec in rows:
        unit, year_text, ind, value = rec["unit_id"], rec["year"], rec["indicator"], rec["value"]
        at = {"row": line, "unit": unit or None, "year": year_text or None}
        if not IDENTIFIER.match(ind):
            _add(
                problems,
                counts,
                Problem("identifier", label, _identifier_problem("indicator", ind), **at),
            )
            continue
        at["indicator"] = ind
        if known_units is not None:
            codes, names = known_units
            if unit not in codes:
                code = importer.match_province(unit, names)
                msg = (
                    f"{unit!r} is a province name, not a code; write its code {code}"
                    if code
                    else f"unknown province code {unit!r} (not in seeds/reference/provinces.csv)"
                )
                _add(problems, counts, Problem("unknown_unit", label, msg, **at))
                continue
        elif not IDENTIFIER.match(unit):
            _add(
                problems,
                counts,
                Problem("identifier", label, _identifier_problem("unit_id", unit), **at),
            )
            continue
        year = parse_year(year_text)
        if year is None:
            _add(
                problems,
                counts,
                Problem("year", label, f"year {year_text!r} is not a four-digit year", **at),
            )
            continue
        if not first_year <= year <= last_year:
            _add(
                problems,
                counts,
                Problem(
                    "year_range",
                    label,
                    f"year outside the configured range {first_year}-{last_year} "
                    "(dbt_project.yml vars); "
                    "drop the row or widen the range",
                    **at,
                ),
            )
            continue
        if defined is not None and ind not in defined:
            _add(
                problems,
                counts,
                Problem(
                    "unknown_indicator",
                    label,
                    f"indicator not defined in the indicator system {system_label}; "
                    "add it there or drop these rows",
                    **at,
                ),
            )
            continue
        key = (unit, year, ind)
        if key in seen:
            _add(
                problems,
                counts,
                Problem(
                    "duplicate",
                    label,
                    f"duplicate row (same unit, year and indicator as line {seen[key]}); keep one",
                    **at,
                ),
            )
            continue
        seen[key] = line
        if value == "":
            continue
        number = parse_number(value)
        if number is not None:
            cells[ind][(unit, year)] = number
        else:
            _add(problems, counts, Problem("non_numeric", label, number_problem(value), **at))

    _check_coverage(label, seen, cells, problems, counts)
    if system is not None:
        _check_sample_years(label, seen, cells, system, samples, problems, counts)
        present = {ind for (_, _, ind) in seen}
        for rec in system:
            if rec["indicator"] not in present:
                _add(
                    problems,
                    counts,
                    Problem(
                        "undefined_values",
                        system_label,
                        f"indicator has no values in {label}; "
                        "add its values or drop it from the system",
                        row=rec["_line"],
                        indicator=rec["indicator"],
                    ),
                )


def _check_coverage(
    label: str, seen: dict, cells: dict, problems: list[Problem], counts: dict
) -> None:
    """Unbalanced panel (missing unit-year-indicator rows) and zero-variance indicators."""
    units = sorted({u for (u, _, _) in seen})
    years = sorted({y for (_, y, _) in seen})
    indicators = sorted({i for (_, _, i) in seen})
    for ind in indicators:
        for unit in units:
            for year in years:
                if (unit, year, ind) not in seen:
                    _add(
                        problems,
                        counts,
                        Problem(
                            "unbalanced",
                            label,
                            "missing row: the panel is unbalanced; add the row with an empty value "
                            "if the cell is unknown",
                            unit=unit,
                            year=str(year),
                            indicator=ind,
                        ),
                    )
        values = set(cells.get(ind, {}).values())
        if len(values) == 1:
            _add(
                problems,
                counts,
                Problem(
                    "zero_variance",
                    label,
                    f"every value is {values.pop():g}: zero variance, "
                    "its entropy weight is undefined "
                    "(max = min); fix the values or drop the indicator",
                    indicator=ind,
                ),
            )


def declared_samples(path: Path) -> dict[str, tuple[int, int, set[str]]]:
    """Read an index-samples file: ``{index: (first_year, last_year, excluded units)}``.

    Rows whose years are not four-digit years are left out (:func:`validate_samples`
    reports them); a missing file gives no samples.
    """
    out = {}
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return out
    for rec in csv.DictReader(io.StringIO(text)):
        first, last = (parse_year(rec.get(k)) for k in ("first_year", "last_year"))
        if first is not None and last is not None:
            excluded = {clean(u) for u in str(rec.get("excluded_unit_ids") or "").split(";")}
            out[clean(rec["index_name"])] = (first, last, excluded - {""})
    return out


def _check_sample_years(
    label: str,
    seen: dict,
    cells: dict,
    system: list[dict],
    samples: tuple[str, dict] | None,
    problems: list[Problem],
    counts: dict,
) -> None:
    """Report every year of an index's sample that no unit has a value for.

    Gap filling interpolates inside each unit's series; a year missing for *every* unit
    would be interpolated for all of them (a whole invented cross-section), and the
    balance check cannot see it, since it judges balance against the years present. The
    sample years are the index's row in the samples file, else (an index without one) the
    span of all years in the values, as ``int_index_sample_units_selected`` resolves them.
    Reported once per index and year when every indicator lacks it, else per indicator.
    dbt test: ``indicator_values_year_missing_for_every_unit``.
    """
    samples_label, declared = samples if samples is not None else ("", {})
    all_years = [y for (_, y, _) in seen]
    if not all_years:
        return
    present = {ind for (_, _, ind) in seen}  # an indicator without rows: undefined_values
    indicators: dict[str, list[str]] = defaultdict(list)
    for rec in system:
        if rec["indicator"] in present:
            indicators[rec["index_name"]].append(rec["indicator"])
    for index_name, names in sorted(indicators.items()):
        first, last, excluded = declared.get(index_name, (min(all_years), max(all_years), set()))
        source = (
            f"the index sample {first}-{last} ({samples_label})"
            if index_name in declared
            else f"the years of the values, {first}-{last} (no row in the index samples)"
        )
        observed = {ind: {y for (u, y) in cells.get(ind, {}) if u not in excluded} for ind in names}
        for year in range(first, last + 1):
            lacking = [ind for ind in names if year not in observed[ind]]
            if not lacking:
                continue
            whole = len(lacking) == len(names)
            for ind in [None] if whole else lacking:
                what = "any indicator" if whole else "this indicator"
                _add(problems, counts, Problem(
                    "year_missing", label,
                    f"index {index_name}: no unit has a value for {what} in this year of "
                    f"{source}; gap filling would invent it for every unit: add the "
                    "year's values, or narrow the sample to the years you have",
                    year=str(year), indicator=ind,
                ))  # fmt: skip


def validate_vars(overrides: dict[str, str], project_dir: Path = PROJECT_ROOT) -> list[Problem]:
    """Check ``--var key=value`` overrides by their rules (:mod:`resilience.project_vars`)."""
    return project_vars_module.check_overrides(overrides, project_dir)[1]


def parse_var_options(
    options: list[str], option: str = "--var"
) -> tuple[dict[str, str], list[Problem]]:
    """Turn ``["key=value", ...]`` into a dict; malformed entries become problems.

    A key given twice with different values is a problem too (one of them would be
    dropped without a word).
    """
    out, problems = {}, []
    for opt in options:
        key, sep, value = opt.partition("=")
        key, value = key.strip(), value.strip()
        if not sep or not key:
            problems.append(Problem("var", option, f"{opt!r} is not of the form key=value"))
        elif key in out and out[key] != value:
            problems.append(Problem("var", option, f"{key} is given twice ({key}={out[key]} "
                                    f"and {key}={value}); give it once"))  # fmt: skip
        else:
            out[key] = value
    return out, problems


def _samples_of(project_dir: Path, tables: dict | None) -> tuple[str, dict]:
    """Return the index samples a build uses: the user's ``index_samples``, else the seed."""
    path = (tables or {}).get("index_samples")
    if path is None:
        seed = "seeds/reference/index_samples.csv"
        return seed, declared_samples(Path(project_dir) / seed)
    return str(path), declared_samples(Path(path))


def validate_inputs(
    values_path: Path | None = None,
    system_path: Path | None = None,
    var_overrides: dict | None = None,
    project_dir: Path = PROJECT_ROOT,
    check_units: bool = True,
    tables: dict[str, Path] | None = None,
) -> list[Problem]:
    """Run every pre-flight check; return the problems (empty list = all good).

    Parameters
    ----------
    values_path, system_path
        The user's files (None = the path var's default / the shipped indicator system).
    var_overrides
        ``--var`` overrides, checked by :func:`validate_vars`; the year range follows them.
    check_units
        Require unit ids to be province codes of ``seeds/reference/provinces.csv``
        (False for non-province panels: then they only have to be plain identifiers).
    tables
        Further inputs, ``{input name: file}`` (:data:`resilience.inputs.INPUTS`): the
        wide tables are checked against their contracts (:func:`resilience.inputs.check_table`),
        the index samples by :func:`validate_samples`.
    """
    var_overrides = var_overrides or {}
    problems = validate_vars(var_overrides, project_dir)
    vars_ok = not problems
    if system_path is not None:
        system = validate_system(Path(system_path), problems)
        system_label = str(system_path)
    else:
        system = [{**rec, "_line": i + 2} for i, rec in enumerate(shipped_system(project_dir))]
        system_label = "seeds/reference/indicator_systems.csv"
    if values_path is not None:
        safe_overrides = {k: v for k, v in var_overrides.items() if VAR_VALUE.match(str(v))}
        try:
            years = configured_years(project_dir, safe_overrides)
        except ValueError:
            years = configured_years(project_dir)
        validate_values(
            Path(values_path),
            problems,
            system,
            system_label,
            years,
            province_lookup(project_dir) if check_units else None,
            _samples_of(project_dir, tables),
        )
    if not vars_ok:  # a bad var: the years the other files must cover are not known
        return problems
    # a problem of the values or system file does not stop here: every file is checked
    tables = {k: Path(v) for k, v in (tables or {}).items()}
    if "index_samples" in tables:
        units = province_lookup(project_dir)[0] if check_units else None
        validate_samples(tables["index_samples"], problems, units)
    if "partner_countries" in tables:
        validate_partners(tables["partner_countries"], problems)
    v = {**project_vars(project_dir), **var_overrides}  # every var valid by now
    if v.get("index_weighting") == "given" and system is not None:
        _check_weights_given(system, system_label, problems)
    if "martin_series" in tables:
        window = tuple(int(v[k]) for k in MARTIN_WINDOW_VARS)
        validate_martin_series(tables["martin_series"], problems, window)
    wide = {k: v for k, v in tables.items() if inputs.BY_NAME[k].kind == "wide"}
    if wide:
        codes = inputs.shipped_codes(project_dir, tables.get("partner_countries"))
        names = province_lookup(project_dir)[1]
        own_martin = "martin_series" not in tables
        for name, path in wide.items():
            years = inputs.needed_years(name, v, own_martin)
            inputs.check_table(inputs.BY_NAME[name], path, problems, years, codes, names)
    return problems


def _check_weights_given(system: list[dict], label: str, problems: list[Problem]) -> None:
    """``index_weighting: given`` needs a ``weight`` for the indicators of every index."""
    missing = sorted({r["index_name"] for r in system if clean(r.get("weight")) == ""})
    for index_name in missing:
        line = next(r["_line"] for r in system if r["index_name"] == index_name)
        problems.append(Problem(
            "weight", label,
            f"var index_weighting is 'given' but index {index_name} has no weights: add a "
            "column weight (a number >= 0 per indicator) to the indicator system, or choose "
            "another weighting",
            row=line, column="weight",
        ))  # fmt: skip


PARTNERS_COLUMNS = ("country_code", "country_name", "is_region")


def validate_partners(path: Path, problems: list[Problem]) -> None:
    """Check a partner-economies file: ISO alpha-3 codes, once each, is_region true/false."""
    label = str(path)
    rows = _read_layout(path, PARTNERS_COLUMNS, (), problems)
    if rows is None:
        return
    seen: dict[str, int] = {}
    for line, rec in rows:
        code = rec["country_code"]
        if not re.fullmatch(r"[A-Z]{3}", code):
            problems.append(Problem("identifier", label, f"country_code {code!r} is not an ISO "
                                    "3166 alpha-3 code (three capital letters)", row=line,
                                    column="country_code"))  # fmt: skip
        elif code in seen:
            problems.append(Problem("duplicate", label, f"partner {code} listed twice (first on "
                                    f"line {seen[code]})", row=line))  # fmt: skip
        seen.setdefault(code, line)
        if rec["is_region"].lower() not in ("true", "false"):
            problems.append(Problem("boolean", label, f"is_region {rec['is_region']!r} is not "
                                    "true or false", row=line, unit=code,
                                    column="is_region"))  # fmt: skip


MARTIN_SERIES_COLUMNS = ("unit_id", "year", "value")
MARTIN_WINDOW_VARS = ("martin_shock_start", "martin_shock_end", "martin_recovery_end")


def validate_martin_series(
    path: Path, problems: list[Problem], window: tuple[int, int, int] | None = None
) -> None:
    """Check a Martin series file: ``unit_id, year, value``, one positive level a unit-year.

    ``window`` (s, e, r: the vars ``martin_shock_start``, ``martin_shock_end``,
    ``martin_recovery_end``) adds the rule that every unit has a row with a value in each
    window year (the indices compare the three levels); other years may be present.
    """
    label = str(path)
    rows = _read_layout(path, MARTIN_SERIES_COLUMNS, (), problems)
    if rows is None:
        return
    if not rows:
        problems.append(Problem("empty_file", label, "the file has a header but no data rows"))
        return
    counts: dict = defaultdict(int)
    seen: dict[tuple[str, str], int] = {}
    filled: dict[tuple[str, str], bool] = {}
    for line, rec in rows:
        unit, year, text = rec["unit_id"], rec["year"], rec["value"]
        at = {"row": line, "unit": unit or None, "year": year or None}
        if not IDENTIFIER.match(unit):
            _add(problems, counts, Problem("identifier", label,
                                           _identifier_problem("unit_id", unit), **at,
                                           column="unit_id"))  # fmt: skip
            continue
        if parse_year(year) is None:
            _add(problems, counts, Problem("year", label, f"year {year!r} is not a four-digit "
                                           "year", **at, column="year"))  # fmt: skip
            continue
        if (unit, year) in seen:
            _add(problems, counts, Problem("duplicate", label, f"duplicate row (same unit_id, "
                                           f"year as line {seen[unit, year]}); keep one",
                                           **at))  # fmt: skip
            continue
        seen[unit, year] = line
        filled[unit, year] = bool(text)
        value = parse_number(text) if text else None
        if text and value is None:
            _add(problems, counts, Problem("non_numeric", label,
                                           number_problem(text, empty_is_missing=False), **at,
                                           column="value"))  # fmt: skip
        elif value is not None and value <= 0:
            _add(problems, counts, Problem("non_positive", label, f"value {text} must be "
                                           "positive (a level: real output, employment)", **at,
                                           column="value"))  # fmt: skip
    if window is None:
        return
    for unit in sorted({unit for unit, _ in seen}):
        for year in window:
            if not filled.get((unit, str(year))):
                _add(problems, counts, Problem("unbalanced", label, "no value for a year of the "
                                               "Martin window " + "-".join(map(str, window))
                                               + " (vars " + ", ".join(MARTIN_WINDOW_VARS)
                                               + "); every unit needs all three", unit=unit,
                                               year=str(year), column="value"))  # fmt: skip


SAMPLES_COLUMNS = ("index_name", "first_year", "last_year")
SAMPLES_OPTIONAL_COLUMNS = ("excluded_unit_ids", "description")


def validate_samples(path: Path, problems: list[Problem], units: set[str] | None = None) -> None:
    """Check an index-samples file: one row per index, plain names, years first <= last.

    ``units``: the unit ids an excluded unit must be one of (the province codes when the
    units are provinces); an id that is none of them would exclude nothing, silently.
    """
    label = str(path)
    rows = _read_layout(path, SAMPLES_COLUMNS, SAMPLES_OPTIONAL_COLUMNS, problems)
    if rows is None:
        return
    seen: dict[str, int] = {}
    for line, rec in rows:
        name = rec["index_name"]
        if not IDENTIFIER.match(name):
            problems.append(Problem("identifier", label, _identifier_problem("index_name", name),
                                    row=line))  # fmt: skip
            continue
        if name in seen:
            problems.append(Problem("duplicate", label, f"index {name} defined twice (first on "
                                    f"line {seen[name]}); keep one row", row=line))  # fmt: skip
        seen.setdefault(name, line)
        years = [rec["first_year"], rec["last_year"]]
        bad = [y for y in years if parse_year(y) is None]
        if bad:
            problems.append(Problem("year", label, f"index {name}: year {bad[0]!r} is not a "
                                    "four-digit year", row=line))  # fmt: skip
        elif int(years[0]) > int(years[1]):
            problems.append(Problem("year", label, f"index {name}: first_year {years[0]} is "
                                    f"after last_year {years[1]}", row=line))  # fmt: skip
        for unit in filter(None, (clean(u) for u in rec.get("excluded_unit_ids", "").split(";"))):
            if not IDENTIFIER.match(unit):
                problems.append(Problem("identifier", label,
                                        _identifier_problem("excluded unit id", unit),
                                        row=line))  # fmt: skip
            elif units is not None and unit not in units:
                problems.append(Problem("unknown_unit", label, f"index {name}: excluded unit "
                                        f"{unit!r} is not a province code (seeds/reference/"
                                        "provinces.csv), so it would exclude nothing",
                                        row=line))  # fmt: skip
