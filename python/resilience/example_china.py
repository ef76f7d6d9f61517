r"""Real-data example: China's 31 provinces 2010-2023 and R&D stocks of provinces and 22 economies.

Everything here is official statistics shipped in ``examples/china_real/data/`` (provenance
and sha256 in each ``PROVENANCE.md``): four regional tables of the *China Statistical
Yearbook on Science and Technology* (NBS / MOST; files via huhuaping/techme, MIT) and three
World Bank files (WDI, CC BY 4.0; packaged by datasets/gdp and datasets/cpi, ODC-PDDL).
:func:`run` writes the raw inputs into one folder and builds them through the warehouse
(:func:`resilience.build.build`) into its own DuckDB file:

1. **Innovation-capacity index**, 31 provinces x 2010-2023, entropy weights pooled over the
   sample (``examples/china_real/indicator_system.csv``: 10 indicators in four dimensions,
   each justified in its ``description``). Levels come straight from
   :func:`resilience.yearbook.import_yearbook`; the ratios of :data:`RATIOS` are derived
   once, in :func:`derive_ratios`:

   .. math::

       \text{ratio}_{it} = s \cdot \frac{\text{numerator}_{it}}{\text{denominator}_{it}},

   e.g. ``rd_expenditure_per_fte`` = R&D expenditure (10,000 yuan) / R&D FTE (man-year),
   ``invention_grants_per_10k_fte`` = 10,000 x invention grants / R&D FTE. A ratio whose
   numerator or denominator is missing (or a denominator <= 0) stays missing: the index
   models interpolate interior gaps and flag them, nothing is invented here. One cell is
   missing in the four tables as used: the 2012 edition prints Beijing's enterprise R&D funds
   as ``368633!``; the importer reports it and leaves it out, so
   ``enterprise_share_rd_funds`` of 110000 in 2012 is missing and is interpolated by the
   warehouse (``is_interpolated``).
2. **R&D capital stocks** of the 21 partner economies *and China* (base 2003, Chen's
   perpetual inventory, the models ``int_rd_expenditures_deflated`` ->
   ``int_rd_growth_rates_computed`` -> ``int_rd_stocks_accumulated`` ->
   ``marts.fct_rd_capital_stocks``) from :func:`resilience.worldbank.convert` (GERD share x
   GDP, CPI chained from the inflation rates ``cpi.csv`` really holds, 30 interpolated GERD
   shares, series trimmed to 2021, the last year every economy has).
3. **Provincial R&D capital stocks** of the 31 provinces through the *same* PIM models
   (input ``province_rd``, :func:`province_rd`): the yearbook's R&D expenditure total
   (``rd_expenditure_total``, current 10,000 yuan) deflated by China's CPI of step 2 (the
   ``CHN`` rows of the World Bank conversion) -- the national CPI stands in for provincial
   deflators, which the data do not hold (:data:`PROVINCIAL_PIM_ASSUMPTION`). Base year
   2010, the yearbook's first year (var ``province_rd_base_year``); g over 2010-2019
   (``min(chen_last_year, last year)``, the rule of every economy); stocks 2010-2021, as
   the CPI ends in 2021. Stocks are in 10,000 yuan at 2010 prices (``currency_unit =
   'cny_10k'``), never mixed with the partners' US dollars.

The three inputs that have no real counterpart here (``province_accounts``,
``bilateral_flows``, ``exchange_rates``) are not supplied, so the build skips the models
downstream of them and lists them (:attr:`resilience.build.BuildResult.skipped`).

Outputs (``examples/china_real/output/``): ``inputs/`` (the raw inputs, regenerated),
``yearbook_values.csv`` (all 18 yearbook series as imported), ``yearbook_cells_report.csv``,
``partner_macro_notes.csv``, ``china_real.duckdb``, ``summary.md`` and ``report.html``
(:mod:`resilience.example_china_report`).
"""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from resilience import inputs, relations, worldbank, yearbook
from resilience.paths import PROJECT_ROOT

EXAMPLE_DIR = PROJECT_ROOT / "examples" / "china_real"
YEARBOOK_DIR = EXAMPLE_DIR / "data" / "yearbook"
WORLD_BANK_DIR = EXAMPLE_DIR / "data" / "world_bank"
SYSTEM_CSV = EXAMPLE_DIR / "indicator_system.csv"
SAMPLES_CSV = EXAMPLE_DIR / "index_samples.csv"
OUTPUT_DIR = EXAMPLE_DIR / "output"
INDEX_NAME = "innovation"
FIRST_YEAR, LAST_YEAR = 2010, 2023
RD_BASE_YEAR = 2003
PROVINCE_RD_BASE_YEAR = FIRST_YEAR
GROWTH_LAST_YEAR = 2019
"""var chen_last_year (default): g is averaged up to it, for partners and provinces alike."""
VAR_OVERRIDES = {
    "rd_base_year": str(RD_BASE_YEAR),
    "province_rd_base_year": str(PROVINCE_RD_BASE_YEAR),
}
"""Passed as a user would type them; chen_last_year stays 2019 (the growth windows 2003-2019
for the partners, 2010-2019 for the provinces)."""
PROVINCE_RD_INDICATOR = "rd_expenditure_total"
MISSING_INPUTS = ("province_accounts", "bilateral_flows", "exchange_rates")
CHINA = worldbank.CHINA

RATIOS: dict[str, tuple[str, str, float, str]] = {
    "rd_expenditure_per_fte": (
        "rd_expenditure_total",
        "rd_personnel_fte_total",
        1.0,
        "10,000 yuan per man-year",
    ),
    "researcher_share_fte": (
        "rd_personnel_fte_researchers",
        "rd_personnel_fte_total",
        1.0,
        "share",
    ),
    "basic_research_share_fte": (
        "rd_personnel_fte_basic_research",
        "rd_personnel_fte_total",
        1.0,
        "share",
    ),
    "enterprise_share_rd_funds": (
        "rd_expenditure_enterprises",
        "rd_expenditure_total",
        1.0,
        "share",
    ),
    "invention_share_applications": (
        "patent_applications_invention",
        "patent_applications_total",
        1.0,
        "share",
    ),
    "invention_grants_per_10k_fte": (
        "patent_grants_invention",
        "rd_personnel_fte_total",
        1e4,
        "piece per 10,000 man-years",
    ),
}
"""Derived indicator -> (numerator, denominator, scale s, unit): ratio = s x num / den."""

PROVINCIAL_PIM_ASSUMPTION = (
    "Provincial R&D capital stocks use China's national CPI as every province's deflator "
    "(an assumption: the data hold no provincial price index, so differences in provincial "
    "price levels and inflation are ignored). They go through the same perpetual-inventory "
    "models as the partners' (input province_rd: the yearbook's R&D expenditure total, "
    "current 10,000 yuan, with the CPI chained from World Bank inflation for CHN): base year "
    f"{PROVINCE_RD_BASE_YEAR} (the yearbook's first year, var province_rd_base_year), g = "
    f"geometric mean growth of real R&D {PROVINCE_RD_BASE_YEAR}-{GROWTH_LAST_YEAR}, "
    "delta = 0.10, stocks to the last year of the CPI. They are in 10,000 yuan at "
    f"{PROVINCE_RD_BASE_YEAR} prices and are not comparable with the partners' stocks in "
    f"US dollars at {RD_BASE_YEAR} prices."
)


@dataclass
class ChinaInputs:
    """The raw inputs written for one run, with what the report cites about them."""

    folder: Path
    imports: list[yearbook.YearbookImport]
    conversion: worldbank.Conversion
    values: pd.DataFrame

    @property
    def misprints(self) -> list[yearbook.ReportedCell]:
        """Yearbook cells that are text but not a number (reported, not imported)."""
        return [c for r in self.imports for c in r.reported if c.reason == yearbook.R_NOT_A_NUMBER]

    @property
    def n_interpolated_gerd(self) -> int:
        """GERD shares filled by linear interpolation (worldbank rule 4)."""
        return int(self.conversion.notes["is_interpolated"].sum())


@dataclass
class ChinaExampleOutcome:
    """What :func:`run` produced: the build, the tables the summary shows, the files."""

    out_dir: Path
    db_path: Path
    inputs: ChinaInputs
    build: object
    weights: pd.DataFrame
    scores: pd.DataFrame
    stocks: pd.DataFrame
    province_stocks: pd.DataFrame
    sensitivity: pd.DataFrame
    elapsed_s: float = 0.0
    files: list[Path] = field(default_factory=list)

    @property
    def skipped_models(self) -> list[str]:
        """Every model the build skipped, sorted (the union over the missing inputs)."""
        return sorted({m for models in self.build.skipped.values() for m in models})

    def summary(self) -> str:
        """Plain-text summary the CLI prints (REAL DATA, weights, top provinces, stocks)."""
        mean = self.scores.groupby("unit_id")["score"].mean().sort_values(ascending=False)
        last = self.stocks[self.stocks["year"] == 2019].set_index("country_code")["rd_stock"]
        p_last = int(self.province_stocks["year"].max())
        top = (
            self.province_stocks[self.province_stocks["year"] == p_last]
            .sort_values("rd_stock", ascending=False)
            .head(3)
        )
        return "\n".join(
            [
                f"China example (REAL DATA: NBS/MOST S&T yearbook, World Bank) -> {self.out_dir}",
                f"  warehouse {self.db_path}; summary.md, report.html; inputs in "
                f"{self.inputs.folder}",
                f"  dbt build {self.build.elapsed_s:.1f} s, whole run {self.elapsed_s:.1f} s; "
                f"{len(self.skipped_models)} models skipped (inputs not supplied: "
                f"{', '.join(self.build.skipped)})",
                "",
                f"Innovation-capacity index, entropy weights (pooled {FIRST_YEAR}-{LAST_YEAR}):",
                self.weights.to_string(index=False, float_format=lambda v: f"{v:.4f}"),
                "",
                "Top five provinces by mean score: "
                + ", ".join(f"{u} {s:.3f}" for u, s in mean.head(5).items()),
                f"R&D stock 2019 (USD mn, {RD_BASE_YEAR} prices): USA {last['USA']:,.0f}, "
                f"CHN {last[CHINA]:,.0f}, JPN {last['JPN']:,.0f}",
                f"Provincial R&D stock {p_last} (10,000 yuan, {PROVINCE_RD_BASE_YEAR} prices, "
                "national CPI as deflator): "
                + ", ".join(f"{r.province} {r.rd_stock:,.0f}" for r in top.itertuples()),
            ]
        )


# ---------------------------------------------------------------- indicator values ----


def import_tables(folder: Path = YEARBOOK_DIR) -> list[yearbook.YearbookImport]:
    """Import the four yearbook tables 2010-2023 (56 files) with :mod:`resilience.yearbook`."""
    return yearbook.import_yearbook([folder])


def yearbook_long(imports: list[yearbook.YearbookImport]) -> pd.DataFrame:
    """All imported cells, long (``unit_id, year, indicator, value, unit``), sorted."""
    long = pd.concat([r.long for r in imports], ignore_index=True)
    long = long[long["year"].between(FIRST_YEAR, LAST_YEAR)]
    return long.sort_values(["indicator", "unit_id", "year"], ignore_index=True)


def province_codes() -> list[str]:
    """Return the 31 province codes of the reference seed, sorted."""
    return sorted(inputs.shipped_codes()["province_code"])


def derive_ratios(long: pd.DataFrame, units: list[str]) -> pd.DataFrame:
    """Return the :data:`RATIOS` of ``long``, long, over every unit x year of the sample.

    ``ratio = s * numerator / denominator`` (module docstring); a missing part, or a
    denominator <= 0, gives a missing ratio.
    """
    grid = pd.MultiIndex.from_product(
        [units, range(FIRST_YEAR, LAST_YEAR + 1)], names=["unit_id", "year"]
    )
    wide = long.pivot_table(
        index=["unit_id", "year"], columns="indicator", values="value", dropna=False
    ).reindex(grid)
    frames = []
    for name, (num, den, scale, unit) in RATIOS.items():
        ratio = scale * wide[num] / wide[den].where(wide[den] > 0)
        frames.append(ratio.rename("value").reset_index().assign(indicator=name, unit=unit))
    return pd.concat(frames, ignore_index=True)


def index_values(long: pd.DataFrame, system: pd.DataFrame, units: list[str]) -> pd.DataFrame:
    """Return the indicator-values input: levels and ratios, every unit x year x indicator.

    A unit-year that the import lacks (the misprinted cell) becomes a row with an empty
    value, so the panel is balanced as the contract asks.
    """
    derived = derive_ratios(long, units)
    both = pd.concat([long, derived], ignore_index=True)
    wanted = system.loc[system["index_name"] == INDEX_NAME, "indicator"].tolist()
    grid = pd.MultiIndex.from_product(
        [units, range(FIRST_YEAR, LAST_YEAR + 1), wanted], names=["unit_id", "year", "indicator"]
    )
    values = both.set_index(["unit_id", "year", "indicator"]).reindex(grid)
    unit_of = both.dropna(subset=["unit"]).groupby("indicator")["unit"].first()
    values["unit"] = values.index.get_level_values("indicator").map(unit_of)
    return values.reset_index()[["unit_id", "year", "indicator", "value", "unit"]]


# ---------------------------------------------------------------- partner economies ---


def partner_countries() -> pd.DataFrame:
    """Return the 21 partners of the reference seed plus China (``is_region`` false)."""
    seed = pd.read_csv(worldbank.PARTNERS_FILE, dtype=str)
    china = pd.DataFrame([{"country_code": CHINA, "country_name": "China", "is_region": "false"}])
    return pd.concat([seed, china], ignore_index=True)


def convert_partners() -> worldbank.Conversion:
    """World Bank conversion for the 21 partners and CHN, 2003 to the last common year."""
    return worldbank.convert(WORLD_BANK_DIR, first_year=RD_BASE_YEAR, last_year=LAST_YEAR)


def province_rd(long: pd.DataFrame, conversion: worldbank.Conversion) -> pd.DataFrame:
    """Return the ``province_rd`` input: yearbook R&D expenditure with China's CPI.

    ``rd_expenditure_cny_10k`` is :data:`PROVINCE_RD_INDICATOR` as imported (current
    10,000 yuan); ``price_index`` is the ``cpi`` of the ``CHN`` rows of ``conversion`` (the
    national CPI, chained from World Bank inflation), the same for every province. Only the
    years both series have are kept (2010-2021 here: the CPI ends in 2021).
    """
    rd = long.loc[long["indicator"] == PROVINCE_RD_INDICATOR, ["unit_id", "year", "value"]]
    cpi = conversion.economies([CHINA])[["year", "cpi"]]
    out = rd.merge(cpi, on="year", how="inner").rename(
        columns={
            "unit_id": "province_code",
            "value": "rd_expenditure_cny_10k",
            "cpi": "price_index",
        }
    )
    return out.sort_values(["province_code", "year"], ignore_index=True)


# ---------------------------------------------------------------- writing the inputs --


def write_inputs(out_dir: Path) -> ChinaInputs:
    """Write the raw inputs into ``out_dir/inputs`` (replaced) and the side files beside it.

    The inputs folder holds only warehouse inputs (a stray CSV is an error of
    ``--inputs``); the full yearbook import, its cell report and the World Bank notes go to
    ``out_dir``.
    """
    folder = out_dir / "inputs"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    imports = import_tables()
    long = yearbook_long(imports)
    system = pd.read_csv(SYSTEM_CSV, dtype=str)
    values = index_values(long, system, province_codes())
    values.to_csv(folder / "indicator_values.csv", index=False)
    shutil.copyfile(SYSTEM_CSV, folder / "indicator_system.csv")
    shutil.copyfile(SAMPLES_CSV, folder / "index_samples.csv")
    conversion = convert_partners()
    conversion.macro.to_csv(folder / "partner_macro.csv", index=False)
    province_rd(long, conversion).to_csv(folder / "province_rd.csv", index=False)
    partner_countries().to_csv(folder / "partner_countries.csv", index=False)
    long.to_csv(out_dir / "yearbook_values.csv", index=False)
    yearbook.write_report(imports, out_dir / "yearbook_cells_report.csv")
    conversion.notes.to_csv(out_dir / "partner_macro_notes.csv", index=False)
    return ChinaInputs(folder, imports, conversion, values)


# ---------------------------------------------------------------- build and read ------


def build_warehouse(db_path: Path, inputs_folder: Path):
    """Build the warehouse from the inputs folder; raise unless every test passed."""
    from resilience import build

    result = build.build(db_path=db_path, inputs_dir=inputs_folder, var_overrides=VAR_OVERRIDES)
    result.raise_for_status()
    return result


def read_results(db_path: Path) -> tuple[pd.DataFrame, ...]:
    """Return the tables the summary shows, from the built warehouse.

    Pooled weights, total scores, partner R&D stocks, provincial R&D stocks, and the
    index's Sobol indices per factor (with the mean 5-95 % rank-interval width).
    """
    from resilience.lock import connect

    con = connect(db_path, read_only=True)
    try:
        weights = con.execute(
            "select dimension, indicator, direction, entropy, divergence, weight "
            f"from {relations.INDEX_WEIGHTS} where index_name = ? and year is null "
            "order by dimension, indicator",
            [INDEX_NAME],
        ).df()
        scores = con.execute(
            f"select unit_id, year, score from {relations.INDEX_SCORES} "
            "where index_name = ? and dimension = 'total' order by unit_id, year",
            [INDEX_NAME],
        ).df()
        stocks = con.execute(
            "select economy_code as country_code, economy_name as country_name, year, "
            "rd_nominal as rd_nominal_usd_mn, rd_real, growth_rate, rd_stock "
            f"from {relations.RD_CAPITAL_STOCKS} where economy_kind = 'country' "
            "order by economy_code, year"
        ).df()
        province_stocks = con.execute(
            "select economy_code as province_code, economy_name as province, year, "
            "currency_unit, rd_nominal as rd_nominal_cny_10k, rd_real as rd_real_cny_10k, "
            f"growth_rate, rd_stock from {relations.RD_CAPITAL_STOCKS} "
            "where economy_kind = 'province' order by economy_code, year"
        ).df()
        sensitivity = con.execute(
            "select s.factor, s.first_order_index, s.total_index, s.n_base_rows, "
            f"(select avg(rank_p95 - rank_p05) from {relations.INDEX_RANK_INTERVALS} "
            " where index_name = s.index_name) as mean_rank_interval_width "
            f"from {relations.INDEX_SENSITIVITY} as s where s.index_name = ? "
            "order by s.total_index desc",
            [INDEX_NAME],
        ).df()
    finally:
        con.close()
    return weights, scores, stocks, province_stocks, sensitivity


def run(out_dir: str | Path = OUTPUT_DIR) -> ChinaExampleOutcome:
    """Run the whole example into ``out_dir``; see the module docstring."""
    from resilience import example_china_report as report

    t0 = time.perf_counter()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    db_path = out_dir / "china_real.duckdb"
    written = write_inputs(out_dir)
    result = build_warehouse(db_path, written.folder)
    outcome = ChinaExampleOutcome(out_dir, db_path, written, result, *read_results(db_path))
    outcome.elapsed_s = time.perf_counter() - t0
    outcome.files = report.write_outputs(outcome)
    return outcome
