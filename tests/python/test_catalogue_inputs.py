"""Failure catalogue, inputs: bad raw files, folders and options given to ``resilience build``.

Each case starts from the shipped (synthetic) demo file of one input, changes one thing,
and names the exact one-line message and exit code the user gets (2: the pre-flight
refuses before dbt runs). The harness (failure_catalogue.py) runs it through the real CLI
against a copy of a built warehouse and checks that the copy is untouched afterwards.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import pytest

from failure_catalogue import PROJECT_ROOT, Case, run_case

pytestmark = pytest.mark.slow

DEMO = PROJECT_ROOT / "data" / "demo"
STORED = "; all rows in {failed} (table test_failures.preflight_problems)"


def _rows(name: str) -> list[list[str]]:
    with open(DEMO / f"{name}.csv", newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))


def _csv(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def edited(name: str, edit: Callable[[list[list[str]]], object]) -> Callable[[Path, Path], None]:
    """A set-up writing ``{tmp}/in/<name>.csv``: the demo file after ``edit(rows)``."""

    def setup(tmp: Path, db: Path) -> None:
        rows = _rows(name)
        edit(rows)
        (tmp / "in").mkdir(exist_ok=True)
        (tmp / "in" / f"{name}.csv").write_text(_csv(rows), encoding="utf-8")

    return setup


def cell(line: int, column: int, value: str):
    """Edit: set the cell of a file line (header = line 1) and column index."""

    def edit(rows):
        rows[line - 1][column] = value

    return edit


def build_with(name: str, setup, message: str, *extra: str, code: int = 2, **kw) -> Case:
    return Case(
        id=kw.pop("id"),
        argv=("build", "--db", "{db}", "--input", f"{name}={{tmp}}/in/{name}.csv", *extra),
        exit_code=code,
        message=message,
        setup=setup,
        **kw,
    )


IV = "{tmp}/in/indicator_values.csv"
PA = "{tmp}/in/province_accounts.csv"
PM = "{tmp}/in/partner_macro.csv"
BF = "{tmp}/in/bilateral_flows.csv"
ER = "{tmp}/in/exchange_rates.csv"
NON_ASCII = "has non-ASCII characters (full-width or other-script digits, spaces or signs)"
UNBALANCED = " (+1 more problems)"  # the changed row leaves its own unit-year-indicator missing
AT2 = "unit 110000, year 2003, indicator broadband_ports"  # line 2 of indicator_values

VALUE_CELLS = [
    ("na", "NA", "value 'NA' is not a number; leave the cell empty for a missing value"),
    ("ellipsis", "…", "value '…' is not a number; leave the cell empty for a missing value"),
    ("thousands", "1,234", "value '1,234' has a thousands separator; write 1234"),
    ("fullwidth", "１３０.３", f"value '１３０.３' {NON_ASCII}; write 130.3"),
    ("arabic_indic", "١٣٠", f"value '١٣٠' {NON_ASCII}; write 130"),
    # repr() shows an invisible space by its escape, so the message says which one it is
    ("ideographic_space", "\u3000130", f"value '\\u3000130' {NON_ASCII}; write 130"),
    ("nbsp_thousands", "1\u00a0234", "value '1\\xa0234' is not a number; leave the cell "
     "empty for a missing value"),
    ("overflow", "1.2e400", "value '1.2e400' is out of range (overflows a double); check the cell"),
    ("inf", "inf", "value 'inf' is not a number; leave the cell empty for a missing value"),
    ("infinity", "Infinity", "value 'Infinity' is not a number; leave the cell empty for a "
     "missing value"),
    ("underscore", "1_000", "value '1_000' is not a number; leave the cell empty for a missing "
     "value"),
]  # fmt: skip

CASES = [
    build_with("indicator_values", edited("indicator_values", cell(2, 3, text)),
               f"error: {IV}:2: {AT2}: {msg}{STORED}", id=f"values_{cid}")
    for cid, text, msg in VALUE_CELLS
]  # fmt: skip

CASES += [
    build_with("indicator_values", edited("indicator_values", cell(2, 0, "Beijing")),
               f"error: {IV}:2: unit Beijing, year 2003, indicator broadband_ports: 'Beijing' is "
               f"a province name, not a code; write its code 110000{UNBALANCED}{STORED}",
               id="values_province_name"),
    build_with("indicator_values", edited("indicator_values", cell(2, 0, "990000")),
               f"error: {IV}:2: unit 990000, year 2003, indicator broadband_ports: unknown "
               f"province code '990000' (not in seeds/reference/provinces.csv){UNBALANCED}{STORED}",
               id="values_unknown_code"),
    build_with("indicator_values", edited("indicator_values", cell(2, 1, "２００３")),
               f"error: {IV}:2: unit 110000, year ２００３, indicator broadband_ports: year "
               f"'２００３' is not a four-digit year{UNBALANCED}{STORED}",
               id="values_fullwidth_year"),
    build_with("indicator_values", edited("indicator_values", cell(2, 1, "03")),
               f"error: {IV}:2: unit 110000, year 03, indicator broadband_ports: year '03' is "
               f"not a four-digit year{UNBALANCED}{STORED}",
               id="values_two_digit_year"),
    build_with("indicator_values", edited("indicator_values", lambda r: r.append(r[1])),
               f"error: {IV}:16277: {AT2}: duplicate row (same unit, year and indicator as "
               f"line 2); keep one{STORED}",
               id="values_duplicate_row"),
]  # fmt: skip


def _drop_year(year: str):
    def edit(rows):
        rows[1:] = [r for r in rows[1:] if r[1] != year]

    return edit


def _rename_header(old: str, new: str):
    def edit(rows):
        rows[0] = [new if h == old else h for h in rows[0]]

    return edit


def _add_column(rows):
    rows[0].append("note")
    for r in rows[1:]:
        r.append("")


def _ragged(rows):
    rows[1] = rows[1][:3] + ["1", "234.5"]  # an unquoted 1,234.5 split into two cells


def own(name: str, content: str | bytes, message: str, *extra: str, **kw) -> Case:
    """A case whose input file is written whole (``{tmp}/in/<file>``)."""
    file = kw.pop("file", f"{name}.csv")
    return Case(
        id=kw.pop("id"),
        argv=("build", "--db", "{db}", "--input", f"{name}={{tmp}}/in/{file}", *extra),
        exit_code=kw.pop("code", 2),
        message=message,
        files={f"in/{file}": content},
        **kw,
    )


HEAD = "unit_id,year,indicator,value\n"
CASES += [
    build_with("indicator_values", edited("indicator_values", _drop_year("2010")),
               f"error: {IV}: year 2010: index dataflow: no unit has a value for any indicator "
               "in this year of the index sample 2009-2023 (seeds/reference/index_samples.csv); "
               "gap filling would invent it for every unit: add the year's values, or narrow the "
               f"sample to the years you have (+1 more problems){STORED}",
               id="values_year_missing_for_every_unit"),
    build_with("indicator_values", edited("indicator_values", _rename_header("value", "val")),
               f"error: {IV}: missing column 'value'; expected columns unit_id, year, indicator, "
               f"value (+1 more problems){STORED}", id="values_missing_column"),
    build_with("indicator_values", edited("indicator_values", _add_column),
               f"error: {IV}: unexpected column 'note'; expected columns unit_id, year, "
               f"indicator, value (optional: unit){STORED}", id="values_extra_column"),
    build_with("indicator_values", edited("indicator_values", _ragged),
               f"error: {IV}:2: unit 110000, year 2003, indicator broadband_ports: the line has "
               "5 cells but the header has 4 (an unquoted thousands separator such as 1,234? "
               f"write 1234){UNBALANCED}{STORED}", id="values_ragged_row"),
    own("indicator_values", "unit_id;year;indicator;value\n110000;2003;broadband_ports;1\n",
        f"error: {IV}: the file is semicolon-delimited (header 'unit_id;year;indicator;value'); "
        f"save it comma-separated{STORED}", id="values_semicolon"),
    own("indicator_values", "unit_id\tyear\tindicator\tvalue\n110000\t2003\tbroadband_ports\t1\n",
        f"error: {IV}: the file is tab-delimited (header 'unit_id\\tyear\\tindicator\\tvalue'); "
        f"save it comma-separated{STORED}", id="values_tab"),
    own("indicator_values", (HEAD + "110000,2003,broadband_ports,1\n").encode("utf-16"),
        f"error: {IV}: UTF-16 (byte-order mark); save the file as UTF-8{STORED}",
        id="values_utf16"),
    own("indicator_values", (HEAD + "北京,2003,broadband_ports,1\n").encode("gbk"),
        f"error: {IV}: not UTF-8 (byte 29); save the file as UTF-8{STORED}", id="values_gbk"),
    own("indicator_values", "",
        f"error: {IV}: the file is empty (no header row); expected columns unit_id, year, "
        f"indicator, value{STORED}", id="values_empty_file"),
    own("indicator_values", HEAD,
        f"error: {IV}: the file has a header but no data rows{STORED}", id="values_header_only"),
    own("indicator_values", b"PAR1 not really parquet",
        "error: {tmp}/in/indicator_values.parquet: not a readable Parquet file (No magic bytes "
        "found at end of file '{tmp}/in/indicator_values.parquet'); write it again or give the "
        f"CSV{STORED}", file="indicator_values.parquet", id="values_corrupt_parquet"),
    own("indicator_values", b"PK\x03\x04", "error: {tmp}/in/indicator_values.xlsx: unsupported "
        f"file type '.xlsx'; use .csv or .parquet{STORED}", file="indicator_values.xlsx",
        id="values_xlsx"),
    Case(id="values_folder", argv=("build", "--db", "{db}", "--input",
         "indicator_values={tmp}/in/indicator_values.csv"), exit_code=2,
         files={"in/indicator_values.csv/readme.txt": "a folder named like the file"},
         message=f"error: {IV}: is a folder, not a file; give the .csv or .parquet file (a "
         f"folder of inputs goes to --inputs DIR){STORED}"),
    Case(id="values_missing_file", argv=("build", "--db", "{db}", "--input",
         "indicator_values={tmp}/in/nothing.csv"), exit_code=2,
         message=f"error: {{tmp}}/in/nothing.csv: file not found{STORED}"),
]  # fmt: skip

# ---- the wide inputs: one row per province-year / country-year / year -------------------
PA_AT = "unit 110000, year 2003, column gdp_cny_100mn"
CASES += [
    build_with("province_accounts", edited("province_accounts", cell(2, 2, "NA")),
               f"error: {PA}:2: {PA_AT}: value 'NA' is not a number; write a plain number "
               f"(e.g. 1234.5){STORED}", id="accounts_na"),
    build_with("province_accounts", edited("province_accounts", cell(2, 2, "5,007")),
               f"error: {PA}:2: {PA_AT}: value '5,007' is not a number; write 5007{STORED}",
               id="accounts_thousands"),
    build_with("province_accounts", edited("province_accounts", cell(2, 2, "５００７")),
               f"error: {PA}:2: {PA_AT}: value '５００７' {NON_ASCII}; write 5007{STORED}",
               id="accounts_fullwidth"),
    build_with("province_accounts", edited("province_accounts", cell(2, 2, "1.2e400")),
               f"error: {PA}:2: {PA_AT}: value '1.2e400' is out of range (overflows a double); "
               f"check the cell{STORED}", id="accounts_overflow"),
    build_with("province_accounts", edited("province_accounts", cell(2, 2, "")),
               f"error: {PA}:2: {PA_AT}: empty cell; gdp_cny_100mn (100_million_yuan) is "
               f"required{STORED}", id="accounts_empty_required"),
    build_with("province_accounts", edited("province_accounts", cell(2, 4, "-1452.78")),
               f"error: {PA}:2: unit 110000, year 2003, column population_10k: value -1452.78 "
               f"must be positive (10_thousand){STORED}", id="accounts_negative_population"),
    build_with("province_accounts", edited("province_accounts", cell(2, 0, "北京")),
               f"error: {PA}:2: unit 北京, year 2003, column province_code: unknown "
               f"province_code '北京'; '北京' is a province name, write its code 110000"
               f"{UNBALANCED}{STORED}", id="accounts_chinese_name"),
    build_with("province_accounts", edited("province_accounts", lambda r: r.append(r[1])),
               f"error: {PA}:653: unit 110000, year 2003: duplicate row (same province_code, "
               f"year as line 2); keep one{STORED}", id="accounts_duplicate"),
    build_with("province_accounts", edited("province_accounts", lambda r: r.pop(1)),
               f"error: {PA}: unit 110000, year 2003: missing row: every province-year of "
               f"2003-2023 is needed (the years of the configured windows){STORED}",
               id="accounts_missing_year"),
    build_with("province_accounts", edited("province_accounts", cell(2, 1, "2003.0")),
               f"error: {PA}:2: unit 110000, year 2003.0, column year: year '2003.0' is not a "
               f"four-digit year{UNBALANCED}{STORED}", id="accounts_decimal_year"),
    build_with("province_accounts",
               edited("province_accounts", _rename_header("population_10k", "population")),
               f"error: {PA}: missing column 'population_10k'; expected columns province_code, "
               "year, gdp_cny_100mn, gdp_index_prev_year, population_10k, exports_usd_mn, "
               "imports_usd_mn, fdi_inflow_usd_mn, ofdi_usd_mn, foreign_capital_used_usd_mn, "
               "fiscal_expenditure_cny_100mn, education_expenditure_cny_100mn, "
               "telecom_business_cny_100mn, higher_ed_students_10k, medical_institutions, "
               "tech_contract_turnover_cny_100mn, tertiary_value_added_cny_100mn, "
               f"rd_expenditure_cny_100mn (+1 more problems){STORED}",
               id="accounts_renamed_column"),
    build_with("partner_macro", edited("partner_macro", cell(2, 0, "XXX")),
               f"error: {PM}:2: unit XXX, year 2003, column country_code: unknown country_code "
               "'XXX' (not in the partner list, seeds/reference/partner_countries.csv)"
               f"{UNBALANCED}{STORED}", id="partners_unknown_country"),
    build_with("partner_macro", edited("partner_macro", cell(2, 5, "n/a")),
               f"error: {PM}:2: unit AUS, year 2003, column cpi: value 'n/a' is not a number; "
               f"write a plain number (e.g. 1234.5){STORED}", id="partners_cpi_text"),
    build_with("partner_macro", edited("partner_macro", cell(2, 3, "0")),
               f"error: {PM}:2: unit AUS, year 2003, column gdp_usd_mn: value 0 must be "
               f"positive (usd_mn){STORED}", id="partners_zero_gdp"),
    build_with("bilateral_flows", edited("bilateral_flows", cell(2, 2, "inf")),
               f"error: {BF}:2: unit AUS, year 2003, column imports_from_usd_mn: value 'inf' is "
               f"not a number; write a plain number (e.g. 1234.5){STORED}", id="flows_inf"),
    build_with("bilateral_flows", edited("bilateral_flows", cell(2, 2, "1_000")),
               f"error: {BF}:2: unit AUS, year 2003, column imports_from_usd_mn: value '1_000' "
               f"is not a number; write a plain number (e.g. 1234.5){STORED}",
               id="flows_underscore"),
    build_with("exchange_rates", edited("exchange_rates", cell(2, 1, "-8.277")),
               f"error: {ER}:2: year 2003, column cny_per_usd: value -8.277 must be positive "
               f"(yuan_per_usd){STORED}", id="rates_negative"),
    build_with("exchange_rates", edited("exchange_rates", lambda r: r.pop(2)),
               f"error: {ER}: year 2004: missing row: every year of 2003-2023 is needed (the "
               f"years of the configured windows){STORED}", id="rates_missing_year"),
]  # fmt: skip

# ---- folders and options ---------------------------------------------------------------------
CASES += [
    Case(id="inputs_dir_missing", argv=("build", "--db", "{db}", "--inputs", "{tmp}/nowhere"),
         exit_code=2, message="error: {tmp}/nowhere: not a folder"),
    Case(id="inputs_dir_stray_file", argv=("build", "--db", "{db}", "--inputs", "{tmp}/in"),
         exit_code=2, files={"in/exchange_rate.csv": "year,cny_per_usd\n"},
         message="error: {tmp}/in: exchange_rate.csv is not a warehouse input; the inputs are "
         "indicator_values.csv, indicator_system.csv, index_samples.csv, partner_countries.csv, "
         "martin_series.csv, province_accounts.csv, partner_macro.csv, province_rd.csv, "
         "bilateral_flows.csv, exchange_rates.csv (or .parquet; docs/contracts.md)"),
    Case(id="inputs_dir_without_inputs", argv=("build", "--db", "{db}", "--inputs", "{tmp}/in"),
         exit_code=2, files={"in/notes.txt": "a folder without any input"},
         message="error: {tmp}/in: holds none of the required inputs "
         "indicator_values.csv, province_accounts.csv, partner_macro.csv, bilateral_flows.csv, "
         "exchange_rates.csv (or .parquet); nothing to build"),
    Case(id="inputs_dir_csv_and_parquet", argv=("build", "--db", "{db}", "--inputs", "{tmp}/in"),
         exit_code=2, files={"in/exchange_rates.csv": "year,cny_per_usd\n",
                             "in/exchange_rates.parquet": b"PAR1"},
         message="error: {tmp}/in: both exchange_rates.csv and exchange_rates.parquet; keep one"),
    Case(id="input_unknown_name", argv=("build", "--db", "{db}", "--input", "gdp={tmp}/x.csv"),
         exit_code=2, message="error: --input gdp: unknown input; use indicator_values, "
         "indicator_system, index_samples, partner_countries, martin_series, province_accounts, "
         "partner_macro, province_rd, bilateral_flows, exchange_rates"),
    Case(id="var_negative_lambda", argv=("build", "--db", "{db}", "--var", "hp_lambda=-1"),
         exit_code=2, message=f"error: --var: var hp_lambda=-1 must be > 0{STORED}"),
    Case(id="var_word_for_year", argv=("build", "--db", "{db}", "--var", "wl_first_year=abc"),
         exit_code=2, message="error: --var: var wl_first_year=abc: expected a year (an integer "
         f"such as 2003){STORED}"),
    Case(id="var_unknown", argv=("build", "--db", "{db}", "--var", "hp_lamda=6.25"),
         exit_code=2, message="error: --var: unknown var hp_lamda; known vars are in "
         f"dbt_project.yml{STORED}"),
    Case(id="var_cell_rules", argv=("build", "--db", "{db}", "--var", "cell_rules=x"),
         exit_code=2, message="error: --var: var cell_rules cannot be set: it is a fixed rule of "
         f"the project (dbt_project.yml){STORED}"),
    Case(id="var_input_path", argv=("build", "--db", "{db}", "--var",
         "exchange_rates_path=x.csv"), exit_code=2, message="error: --var: var "
         "exchange_rates_path is set with --input exchange_rates=FILE or --inputs DIR, not "
         f"--var{STORED}"),
]  # fmt: skip


# ---- the optional inputs: index samples, partner list, indicator system, Martin series ----
SAMPLES = "index_name,first_year,last_year,excluded_unit_ids\n"
MARTIN = "unit_id,year,value\n"
CASES += [
    own("index_samples", SAMPLES + "resilience,２００３,2019,\ndataflow,2009,2023,540000\n",
        "error: {tmp}/in/index_samples.csv:2: index resilience: year '２００３' is not a "
        f"four-digit year{STORED}", id="samples_fullwidth_year"),
    own("index_samples", SAMPLES + "resilience,2019,2003,\ndataflow,2009,2023,540000\n",
        "error: {tmp}/in/index_samples.csv:2: index resilience: first_year 2019 is after "
        f"last_year 2003{STORED}", id="samples_reversed_years"),
    own("index_samples", SAMPLES + "resilience,2003,2019,\nresilience,2009,2023,540000\n",
        "error: {tmp}/in/index_samples.csv:3: index resilience defined twice (first on line 2); "
        f"keep one row{STORED}", id="samples_duplicate_index"),
    # a one-partner list: the demo's partner_macro rows of the other 20 partners are named too
    own("partner_countries", "country_code,country_name,is_region\nUSA,United States,false\n"
        "USA,United States,false\n",
        "error: {tmp}/in/partner_countries.csv:3: partner USA listed twice (first on line 2) "
        f"(+400 more problems){STORED}", id="partners_list_duplicate"),
    own("partner_countries", "country_code,country_name,is_region\nUSA,United States,no\n",
        "error: {tmp}/in/partner_countries.csv:2: unit USA, column is_region: is_region 'no' is "
        f"not true or false (+400 more problems){STORED}", id="partners_list_bad_boolean"),
    # one unit with one of the three window years: the other two are named as missing
    own("martin_series", MARTIN + "110000,2008,NA\n",
        "error: {tmp}/in/martin_series.csv:2: unit 110000, year 2008, column value: value 'NA' is "
        f"not a number; write a plain number (e.g. 1234.5) (+2 more problems){STORED}",
        id="martin_na"),
    own("martin_series", MARTIN + "110000,2008,１００\n",
        "error: {tmp}/in/martin_series.csv:2: unit 110000, year 2008, column value: value '１００' "
        f"{NON_ASCII}; write 100 (+2 more problems){STORED}", id="martin_fullwidth"),
    own("martin_series", MARTIN + "110000,2008,-3\n",
        "error: {tmp}/in/martin_series.csv:2: unit 110000, year 2008, column value: value -3 must "
        f"be positive (a level: real output, employment) (+2 more problems){STORED}",
        id="martin_negative"),
]  # fmt: skip

SYSTEM_HEAD = "index_name,dimension,indicator,direction\n"
CASES += [
    Case(id="system_bad_direction", argv=("build", "--db", "{db}", "--system",
         "{tmp}/in/system.csv"), exit_code=2,
         files={"in/system.csv": SYSTEM_HEAD + "resilience,size,gdp_per_capita,*\n"},
         message="error: {tmp}/in/system.csv:2: indicator gdp_per_capita: direction '*' is not "
         f"'+' (benefit) or '-' (cost){STORED}"),
    Case(id="system_semicolon", argv=("build", "--db", "{db}", "--system",
         "{tmp}/in/system.csv"), exit_code=2,
         files={"in/system.csv": "index_name;dimension;indicator;direction\n"},
         message="error: {tmp}/in/system.csv: the file is semicolon-delimited (header "
         f"'index_name;dimension;indicator;direction'); save it comma-separated{STORED}"),
    # the user's own weights (column weight, var index_weighting given)
    Case(id="system_weight_negative", argv=("build", "--db", "{db}", "--system",
         "{tmp}/in/system.csv"), exit_code=2,
         files={"in/system.csv": "index_name,dimension,indicator,direction,weight\n"
                "resilience,size,gdp_per_capita,+,0.5\nresilience,size,unemployment_rate,-,-1\n"},
         message="error: {tmp}/in/system.csv:3: indicator unemployment_rate, column weight: "
         f"weight -1 is negative; a weight is a number >= 0{STORED}"),
    Case(id="system_weight_not_a_number", argv=("build", "--db", "{db}", "--system",
         "{tmp}/in/system.csv"), exit_code=2,
         files={"in/system.csv": "index_name,dimension,indicator,direction,weight\n"
                "resilience,size,gdp_per_capita,+,n/a\n"},
         message="error: {tmp}/in/system.csv:2: indicator gdp_per_capita, column weight: value "
         f"'n/a' is not a number; write a plain number (e.g. 1234.5){STORED}"),
    Case(id="system_weight_partly_given", argv=("build", "--db", "{db}", "--system",
         "{tmp}/in/system.csv"), exit_code=2,
         files={"in/system.csv": "index_name,dimension,indicator,direction,weight\n"
                "resilience,size,gdp_per_capita,+,2\nresilience,size,unemployment_rate,-,\n"},
         message="error: {tmp}/in/system.csv:3: indicator unemployment_rate, column weight: "
         "index resilience: weight is empty here but given for 1 of its 2 indicators; give "
         f"every indicator of the index a weight, or none{STORED}"),
    Case(id="system_weight_all_zero", argv=("build", "--db", "{db}", "--system",
         "{tmp}/in/system.csv"), exit_code=2,
         files={"in/system.csv": "index_name,dimension,indicator,direction,weight\n"
                "resilience,size,gdp_per_capita,+,0\nresilience,size,unemployment_rate,-,0.0\n"},
         message="error: {tmp}/in/system.csv:2: column weight: index resilience: every weight "
         f"is 0; the weights are divided by their sum, which must be > 0{STORED}"),
    Case(id="weighting_given_without_weights", argv=("build", "--db", "{db}", "--var",
         "index_weighting=given"), exit_code=2,
         message="error: seeds/reference/indicator_systems.csv:16: column weight: var "
         "index_weighting is 'given' but index dataflow has no weights: add a column weight "
         "(a number >= 0 per indicator) to the indicator system, or choose another weighting "
         f"(+1 more problems){STORED}"),
]  # fmt: skip


def _one_index_only(tmp: Path, db: Path) -> None:
    """A system and values of Chen's index only: Wang & Lu's panel index is not defined."""
    with open(
        PROJECT_ROOT / "seeds" / "reference" / "indicator_systems.csv", encoding="utf-8"
    ) as fh:
        system = [r for r in csv.DictReader(fh) if r["index_name"] == "resilience"]
    keep = {r["indicator"] for r in system}
    (tmp / "in").mkdir(exist_ok=True)
    cols = ["index_name", "dimension", "indicator", "direction"]
    (tmp / "in" / "system.csv").write_text(_csv([cols] + [[r[c] for c in cols] for r in system]))
    rows = _rows("indicator_values")
    (tmp / "in" / "indicator_values.csv").write_text(
        _csv(rows[:1] + [r for r in rows[1:] if r[2] in keep])
    )


# a failing data test (exit 1): the build runs and is refused; the panel would have had an
# empty index column in every row, with every other test passing
CASES.append(
    Case(id="system_without_the_panel_index",
         argv=("build", "--db", "{db}", "--system", "{tmp}/in/system.csv", "--input",
               "indicator_values={tmp}/in/indicator_values.csv"),
         exit_code=1, setup=_one_index_only, last_line=True,
         message="error: build failed: 1 failing node(s): panel_dataflow_export_index_defined; "
         "the last good warehouse was kept, failing rows are in {failed} (schema test_failures)")
)  # fmt: skip


MIXED_EOL = HEAD + "110000,2003,broadband_ports,1\r\n110000,2004,broadband_ports,2\n"


def _duplicate_column(rows):
    """The first value column again at the end, other numbers: which one would be read?"""
    rows[0].append(rows[0][2])
    for r in rows[1:]:
        r.append(str(float(r[2]) * 2))


# ---- what a new user's files do (issue 14, red team): each one used to pass the pre-flight
# and then fail in staging without its cause, or build while reading something else
CASES += [
    own("index_samples", SAMPLES + "resilience,2003,2019,\ndataflow,2009,2023,54000\n",
        "error: {tmp}/in/index_samples.csv:3: index dataflow: excluded unit '54000' is not a "
        f"province code (seeds/reference/provinces.csv), so it would exclude nothing{STORED}",
        id="samples_excluded_unit_lost_zero"),
    own("index_samples", SAMPLES + "resilience,2003,2019,\ndataflow,2009,2023,110000;\u00a0540000\n",
        "error: {tmp}/in/index_samples.csv:3: excluded unit id '\\xa0540000' is not a plain "
        f"identifier (letters, digits and underscore only); rejected, it is never passed to SQL"
        f"{STORED}", id="samples_excluded_unit_nbsp"),
    own("indicator_values", MIXED_EOL,
        f"error: {IV}: the file mixes line endings (CRLF and LF), which staging cannot read; "
        f"save it again with one kind (CRLF or LF){STORED}", id="values_mixed_line_endings"),
    own("indicator_values", "\n" + HEAD + "110000,2003,broadband_ports,1\n",
        f"error: {IV}: line 1 is empty; the header row (unit_id, year, indicator, value) must "
        f"be the first line of the file{STORED}", id="values_blank_first_line"),
    # a quoted cell spanning lines 6-7 is named at line 6, where its row starts
    build_with("indicator_values", edited("indicator_values", cell(6, 3, "1\n2")),
               f"error: {IV}:6: unit 110000, year 2003, indicator fixed_investment_per_capita: "
               f"value '1\\n2' is not a number; leave the cell empty for a missing value{STORED}",
               id="values_quoted_newline"),
    build_with("indicator_values", edited("indicator_values", cell(2, 1, "+203")),
               f"error: {IV}:2: unit 110000, year +203, indicator broadband_ports: year '+203' is "
               f"not a four-digit year{UNBALANCED}{STORED}", id="values_signed_year"),
    build_with("province_accounts", edited("province_accounts", _duplicate_column),
               f"error: {PA}: column 'gdp_cny_100mn' appears 2 times in the header; keep one"
               f"{STORED}", id="accounts_duplicate_column"),
    Case(id="input_given_twice", argv=("build", "--db", "{db}", "--input", f"exchange_rates={ER}",
         "--input", "exchange_rates={project}/data/demo/exchange_rates.csv"), exit_code=2,
         message=f"error: --input: exchange_rates is given twice (exchange_rates={ER} and "
         "exchange_rates={project}/data/demo/exchange_rates.csv); give it once"),
    Case(id="var_given_twice", argv=("build", "--db", "{db}", "--var", "hp_lambda=100",
         "--var", "hp_lambda=6.25"), exit_code=2, message="error: --var: hp_lambda is given "
         "twice (hp_lambda=100 and hp_lambda=6.25); give it once"),
    Case(id="values_and_input_values", argv=("build", "--db", "{db}", "--values", IV, "--input",
         "indicator_values={project}/data/demo/indicator_values.csv"), exit_code=2,
         message=f"error: --values {IV} and --input indicator_values={{project}}/data/demo/"
         "indicator_values.csv name the same input; give one"),
]  # fmt: skip


# ---- a data file given where the warehouse goes; an empty table list -----------------------
NOT_A_WAREHOUSE = (
    "error: --db {tmp}/rates.csv: is a .csv data file, not a DuckDB warehouse; give the "
    "warehouse file (e.g. warehouse.duckdb); data files go to --input, --inputs or --data"
)
CASES += [
    Case(id=f"db_is_a_csv_{command}", argv=(command, "--db", "{tmp}/rates.csv"), exit_code=2,
         files={"rates.csv": "year,cny_per_usd\n2003,8.277\n"}, message=NOT_A_WAREHOUSE)
    for command in ("build", "estimate", "report")
] + [
    Case(id="estimate_tables_names_no_table",
         argv=("estimate", "--db", "{db}", "--tables", " , ", "--out-dir", "{tmp}/out"),
         exit_code=2, message="error: --tables ' , ' names no table; give table ids such as "
         "wl_table2,ch_table2, or leave --tables out for every table"),
]  # fmt: skip


# ---- resilience index: the files are read by the same rules before dbt runs ---------------
US = "{project}/examples/us_states"
CASES += [
    Case(id="index_values_mixed_line_endings",
         argv=("index", "{tmp}/values.csv", f"{US}/system.csv", "--out-dir", "{tmp}/out"),
         exit_code=2, files={"values.csv": b"unit_id,year,indicator,value\r\nA,2001,x,1\nA,2002,x,2\r\n"},
         message="error: {tmp}/values.csv: the file mixes line endings (CRLF and LF), which "
         "staging cannot read; save it again with one kind (CRLF or LF)"),
    Case(id="index_system_bad_direction",
         argv=("index", f"{US}/values.csv", "{tmp}/system.csv", "--out-dir", "{tmp}/out"),
         exit_code=2, files={"system.csv": SYSTEM_HEAD + "us,capital,water_capital,up\n"},
         message="error: {tmp}/system.csv:2: indicator water_capital: direction 'up' is not "
         "'+' (benefit) or '-' (cost)"),
]  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_catalogue_inputs(case, cli_built_warehouse, tmp_path):
    run_case(case, cli_built_warehouse, tmp_path)
