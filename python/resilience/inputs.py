"""The raw inputs of the warehouse: one contract per file, and its pre-flight check.

Every raw input is a file named by a path var of ``dbt_project.yml`` (``<name>_path``) and
read by the dbt source ``inputs.<name>`` (``models/staging/inputs/_inputs__sources.yml``);
``docs/contracts.md`` describes each one for users. This module holds the same contracts
as data, so that ``resilience build`` can

* point every path var into a folder (``--inputs DIR``: the file ``DIR/<name>.csv`` or
  ``DIR/<name>.parquet``), and skip -- naming them -- the models whose input the folder
  does not hold, instead of falling back to other data;
* check every supplied file before dbt runs, naming file, line, unit, year and column of
  every problem (:func:`check_table`; the long indicator values and the indicator system
  have their own checks in :mod:`resilience.validate`).

A table contract lists its key columns (a province code, a country code, a year) and its
value columns (numbers; ``required`` ones may not be empty, ``positive`` ones must be > 0).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from resilience.cells import clean, number_problem, parse_number, parse_year
from resilience.errors import Problem
from resilience.paths import PROJECT_ROOT


@dataclass(frozen=True)
class Column:
    """One value column of a wide input: a number, maybe required, maybe positive."""

    name: str
    unit: str
    required: bool = True
    positive: bool = False


@dataclass(frozen=True)
class Input:
    """One raw input file: its source table, path var, key and value columns.

    ``kind`` is ``long`` for the long indicator values (checked by
    :func:`resilience.validate.validate_values`), ``system`` / ``samples`` for the index
    definitions and ``partners`` for the list of partner economies (defaults: the reference
    seeds, not demo data), ``series`` for the activity measure of the Martin indices
    (:func:`resilience.validate.validate_martin_series`; default provincial real GDP), and
    ``wide`` for a table checked by :func:`check_table`.
    """

    name: str
    kind: str
    grain: str
    key: tuple[str, ...] = ()
    columns: tuple[Column, ...] = ()
    optional: bool = False
    """True when the build needs no file: the warehouse then falls back to a default (a
    shipped reference seed; for ``martin_series`` the provincial real GDP) or, for
    ``province_rd``, computes R&D stocks for the partners only."""

    @property
    def var(self) -> str:
        """The dbt var holding this input's path."""
        return f"{self.name}_path"

    @property
    def source(self) -> str:
        """The dbt selector of the source table (empty for the reference-seed inputs)."""
        return "" if self.optional else f"source:resilience_warehouse.inputs.{self.name}"


def _numbers(spec: str) -> tuple[Column, ...]:
    """Parse ``name:unit[:opt][:pos]`` lines into columns (keeps the table below readable)."""
    out = []
    for line in spec.split():
        name, unit, *flags = line.split(":")
        out.append(Column(name, unit, required="opt" not in flags, positive="pos" in flags))
    return tuple(out)


INPUTS: tuple[Input, ...] = (
    Input("indicator_values", "long", "unit-year-indicator"),
    Input("indicator_system", "system", "index-indicator", optional=True),
    Input("index_samples", "samples", "index", optional=True),
    Input("partner_countries", "partners", "country", optional=True),
    Input(
        "martin_series",
        "series",
        "unit-year",
        key=("unit_id", "year"),
        columns=_numbers("value:level:pos"),
        optional=True,
    ),
    Input(
        "province_accounts",
        "wide",
        "province-year",
        key=("province_code", "year"),
        columns=_numbers(
            """
            gdp_cny_100mn:100_million_yuan:pos gdp_index_prev_year:previous_year=100:pos
            population_10k:10_thousand:pos exports_usd_mn:usd_mn:pos imports_usd_mn:usd_mn:pos
            fdi_inflow_usd_mn:usd_mn:pos ofdi_usd_mn:usd_mn:pos
            foreign_capital_used_usd_mn:usd_mn:pos fiscal_expenditure_cny_100mn:100_million_yuan:pos
            education_expenditure_cny_100mn:100_million_yuan:pos
            telecom_business_cny_100mn:100_million_yuan:pos higher_ed_students_10k:10_thousand:pos
            medical_institutions:count:pos tech_contract_turnover_cny_100mn:100_million_yuan:pos
            tertiary_value_added_cny_100mn:100_million_yuan:pos
            rd_expenditure_cny_100mn:100_million_yuan:pos
            """
        ),
    ),
    Input(
        "partner_macro",
        "wide",
        "country-year",
        key=("country_code", "year"),
        columns=_numbers(
            "rd_expenditure_usd_mn:usd_mn:opt:pos gdp_usd_mn:usd_mn:pos "
            "gfcf_usd_mn:usd_mn:opt:pos cpi:index:pos"
        ),
    ),
    Input(
        "province_rd",
        "wide",
        "province-year",
        key=("province_code", "year"),
        columns=_numbers("rd_expenditure_cny_10k:10_thousand_yuan:pos price_index:index:pos"),
        optional=True,
    ),
    Input(
        "bilateral_flows",
        "wide",
        "country-year",
        key=("country_code", "year"),
        columns=_numbers("imports_from_usd_mn:usd_mn fdi_from_usd_mn:usd_mn ofdi_to_usd_mn:usd_mn"),
    ),
    Input(
        "exchange_rates",
        "wide",
        "year",
        key=("year",),
        columns=_numbers("cny_per_usd:yuan_per_usd:pos"),
    ),
)
BY_NAME = {i.name: i for i in INPUTS}
SUFFIXES = (".csv", ".parquet")


def find_in_folder(folder: Path, name: str) -> Path | None:
    """Return ``folder/<name>.csv`` or ``folder/<name>.parquet`` (None when neither exists).

    The suffix matches in any case (``.CSV``), as ``--input`` and the staging reader take it.

    Raises
    ------
    ValueError
        When both exist (which one is meant cannot be guessed).
    """
    found = sorted(
        p
        for p in folder.iterdir()
        if p.is_file() and p.stem == name and p.suffix.lower() in SUFFIXES
    )
    if len(found) > 1:
        raise ValueError(f"{folder}: both {found[0].name} and {found[1].name}; keep one")
    return found[0] if found else None


def resolve_folder(folder: Path) -> tuple[dict[str, Path], list[str]]:
    """Map the inputs a folder holds to their files; return (found, missing names).

    Files in the folder that are not an input are an error (a misspelt name would
    otherwise be a silently missing input).
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"--inputs {folder}: not a folder")
    found, missing = {}, []
    for spec in INPUTS:
        path = find_in_folder(folder, spec.name)
        if path is None:
            missing.append(spec.name)
        else:
            found[spec.name] = path
    names = {i.name for i in INPUTS}
    strays = sorted(
        p.name for p in folder.iterdir() if p.suffix.lower() in SUFFIXES and p.stem not in names
    )
    if strays:
        raise ValueError(
            f"--inputs {folder}: {', '.join(strays)} is not a warehouse input; the inputs are "
            + ", ".join(f"{i.name}.csv" for i in INPUTS)
            + " (or .parquet; docs/contracts.md)"
        )
    if not any(name in found for name in (i.name for i in INPUTS if not i.optional)):
        # every model would be skipped: a mistyped folder must not empty the warehouse
        raise ValueError(
            f"--inputs {folder}: holds none of the required inputs "
            + ", ".join(f"{i.name}.csv" for i in INPUTS if not i.optional)
            + " (or .parquet); nothing to build"
        )
    return found, missing


# ---- the check of a wide table ----------------------------------------------------------


def check_table(
    spec: Input,
    path: Path,
    problems: list[Problem],
    years: tuple[int, int],
    codes: dict[str, set[str]],
    names: dict[str, str],
) -> None:
    """Check one wide input file against its contract; append what is wrong to ``problems``.

    Parameters
    ----------
    spec
        The contract.
    years
        The years the models need from this input (:func:`needed_years`); every unit of
        the reference list must have every one of them (rows outside the window may be
        present and are not used).
    codes
        ``{"province_code": {...}, "country_code": {...}}``, the known codes.
    names
        Province name -> code (a name typed for a code gets a hint).
    """
    from resilience.validate import _read_rows  # local: validate imports this module

    label = str(path)
    read = _read_rows(path, label, spec.key + tuple(c.name for c in spec.columns), problems)
    if read is None:
        return
    header, rows = read
    expected = spec.key + tuple(c.name for c in spec.columns)
    missing = [c for c in expected if c not in header]
    extra = [c for c in header if c not in expected]
    for col in missing:
        problems.append(
            Problem("missing_column", label, f"missing column '{col}'; expected columns "
                    + ", ".join(expected))
        )  # fmt: skip
    for col in extra:
        problems.append(
            Problem("extra_column", label, f"unexpected column {col!r}; expected columns "
                    + ", ".join(expected))
        )  # fmt: skip
    twice = sorted({c for c in header if header.count(c) > 1})
    for col in twice:  # staging would read the first copy, the checks below the last
        problems.append(
            Problem("extra_column", label, f"column {col!r} appears {header.count(col)} times "
                    "in the header; keep one")
        )  # fmt: skip
    if missing or extra or twice:
        return
    if not rows:
        problems.append(Problem("empty_file", label, "the file has a header but no data rows"))
        return
    counts: dict = defaultdict(int)
    seen: dict[tuple, int] = {}

    def add(problem: Problem) -> None:
        counts[problem.check] += 1
        if counts[problem.check] <= 200:
            problems.append(problem)

    for line, rec in rows:
        unit = rec.get("province_code") or rec.get("country_code") or None
        year_text = rec["year"]
        at = {"row": line, "unit": unit, "year": year_text or None}
        bad = False
        for col in spec.key:
            if col == "year":
                if parse_year(year_text) is None:
                    add(Problem("year", label, f"year {year_text!r} is not a four-digit year",
                                **at, column="year"))  # fmt: skip
                    bad = True
                continue
            if rec[col] not in codes[col]:
                hint = ""
                if col == "province_code":
                    from resilience.importer import match_province

                    code = match_province(rec[col], names)
                    hint = (
                        f"; {rec[col]!r} is a province name, write its code {code}"
                        if code
                        else " (not in seeds/reference/provinces.csv)"
                    )
                else:
                    hint = " (not in the partner list, seeds/reference/partner_countries.csv)"
                add(Problem("unknown_unit", label, f"unknown {col} {rec[col]!r}{hint}", **at,
                            column=col))  # fmt: skip
                bad = True
        if bad:
            continue
        key = tuple(rec[c] for c in spec.key)
        if key in seen:
            add(Problem("duplicate", label, f"duplicate row (same {', '.join(spec.key)} as line "
                        f"{seen[key]}); keep one", **at))  # fmt: skip
            continue
        seen[key] = line
        for col in spec.columns:
            text = rec[col.name]
            if text == "":
                if col.required:
                    add(Problem("missing_value", label, f"empty cell; {col.name} ({col.unit}) is "
                                "required", **at, column=col.name))  # fmt: skip
                continue
            value = parse_number(text)
            if value is None:
                add(Problem("non_numeric", label, number_problem(text, empty_is_missing=False),
                            **at, column=col.name))  # fmt: skip
            elif col.positive and value <= 0:
                add(Problem("non_positive", label, f"value {text} must be positive ({col.unit})",
                            **at, column=col.name))  # fmt: skip
    _check_balance(spec, label, seen, years, codes, add)


def _check_balance(spec, label, seen, years, codes, add) -> None:
    """Every unit of the grain must have every year of the configured window."""
    first, last = years
    present = set(seen)
    if spec.key == ("year",):
        units = [()]
    else:
        col = spec.key[0]
        units = [(u,) for u in sorted(codes[col])]
    for unit in units:
        for year in range(first, last + 1):
            if unit + (str(year),) not in present:
                add(
                    Problem(
                        "unbalanced",
                        label,
                        f"missing row: every {spec.grain} of {first}-{last} is needed "
                        "(the years of the configured windows)",
                        unit=unit[0] if unit else None,
                        year=str(year),
                    )
                )


def shipped_codes(
    project_dir: Path = PROJECT_ROOT, partners_path: Path | None = None
) -> dict[str, set[str]]:
    """Province codes of the reference seed; partner codes of ``partners_path`` or the seed."""
    import csv

    ref = project_dir / "seeds" / "reference"
    with open(ref / "provinces.csv", encoding="utf-8") as fh:
        provinces = {r["province_code"] for r in csv.DictReader(fh)}
    partners_file = partners_path or ref / "partner_countries.csv"
    partners: set[str] = set()
    if Path(partners_file).suffix.lower() == ".csv" and Path(partners_file).is_file():
        with open(partners_file, encoding="utf-8-sig") as fh:
            partners = {clean(r.get("country_code")) for r in csv.DictReader(fh)}
    return {"province_code": provinces, "country_code": partners}


def needed_years(name: str, v: dict, martin_from_accounts: bool = True) -> tuple[int, int]:
    """Return the first and last year the models read from input ``name`` (vars ``v``).

    Province accounts feed both papers' panels, the export base year, the R&D base year and
    -- unless a ``martin_series`` input is given (``martin_from_accounts`` False) -- the
    Martin shock window; partner series and flows feed the R&D stocks and pools from
    ``rd_base_year`` to the end of Chen's panel, provincial R&D (``province_rd``) the
    provincial stocks from ``province_rd_base_year`` to the end of the growth window (Chen's
    last year); exchange rates convert flows in both panels.
    """
    y = {k: int(v[k]) for k in ("chen_first_year", "chen_last_year", "wl_first_year",
                               "wl_last_year", "rd_base_year", "export_base_year",
                               "martin_shock_start", "martin_recovery_end")}  # fmt: skip
    if name in ("partner_macro", "bilateral_flows"):
        return y["rd_base_year"], y["chen_last_year"]
    if name == "province_rd":
        return int(v["province_rd_base_year"]), y["chen_last_year"]
    if name == "exchange_rates":
        return min(y["chen_first_year"], y["wl_first_year"]), max(
            y["chen_last_year"], y["wl_last_year"]
        )
    martin = [y["martin_shock_start"], y["martin_recovery_end"]] if martin_from_accounts else []
    first = min(y["chen_first_year"], y["wl_first_year"], y["rd_base_year"],
                y["export_base_year"], *martin)  # fmt: skip
    last = max(y["chen_last_year"], y["wl_last_year"], y["export_base_year"], *martin)
    return first, last
