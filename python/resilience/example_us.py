r"""Real-data example: US states 1970-1986, Munnell's (1990) public-capital panel.

The data ship with linearmodels (``linearmodels.datasets.munnell``; the same panel as R
plm's ``Produc`` and Baltagi's textbook data set): 48 contiguous states x 17 years of
gross state product (GSP), public capital (P_CAP, split into highways HWY, water and
sewer WATER, other utilities UTIL), private capital (PC), non-farm employment (EMP) and
the unemployment rate (UNEMP). It is public, real and small, so a newcomer can see the
warehouse on something that is not synthetic. :func:`run` does three things.

1. **State economic-capacity index** through the *same dbt index models* as the
   provincial indices: ``examples/us_states/values.csv`` (long layout) and
   ``examples/us_states/system.csv`` (6 indicators, 2 dimensions) are passed as
   ``--vars indicator_values_path / indicator_system_path`` to ``dbt build`` into a
   separate DuckDB file, so weights, scores and diagnostics land in the same marts
   (``marts.fct_index_weights``, ``marts.fct_index_scores``, ...).
2. **Martin resistance and recovery** around the 1980 and 1981-82 recessions by the
   *same dbt model* as the provinces, ``marts.fct_martin_resilience`` (the formula is in
   the header of ``models/marts/spillovers/fct_martin_resilience.sql``): real GSP is
   written in the contract layout of the ``martin_series`` input (``unit_id, year,
   value``; ``martin_series.csv`` in the output folder) and ``dbt build --select
   +fct_martin_resilience`` runs with ``martin_series_path`` and the window vars
   pre-recession peak :math:`s = 1979`, trough :math:`e = 1982`, recovery end
   :math:`r = 1986` (the last year of the data); the nation is the sum of the states.
   Aggregate real GSP fell 1.2% from 1979 to 1982 and grew 18.8% from 1982 to 1986.
3. **Public-capital production function** (Munnell 1990; Baltagi, *Econometric Analysis
   of Panel Data*, the ``Produc`` example) with state fixed effects:

   .. math::

       \ln \mathit{gsp}_{it} = \beta_1 \ln \mathit{pcap}_{it} + \beta_2 \ln \mathit{pc}_{it}
       + \beta_3 \ln \mathit{emp}_{it} + \beta_4\, \mathit{unemp}_{it} + \mu_i + \varepsilon_{it},

   estimated with :func:`resilience.panel.regress` (conventional standard errors, as
   published) and compared with Baltagi's within estimates: lpcap -0.026 (0.029),
   lpc 0.292 (0.025), lemp 0.768 (0.030), unemp -0.0053 (0.0010). The same numbers are
   printed by R ``plm(log(gsp) ~ log(pcap) + log(pc) + log(emp) + unemp, data = Produc,
   model = "within")``.

Outputs (``examples/us_states/output/`` by default): ``warehouse.duckdb`` (index marts and
``marts.fct_martin_resilience``, schema ``example`` with ``munnell`` and
``production_function``), ``martin_series.csv`` (the Martin input), ``summary.md`` (the
tables the README shows) and two PNG figures.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from resilience import dbt, relations  # noqa: E402
from resilience.errors import ResilienceError  # noqa: E402
from resilience.indices import selected_build_args  # noqa: E402
from resilience.paths import PROJECT_ROOT  # noqa: E402

EXAMPLE_DIR = PROJECT_ROOT / "examples" / "us_states"
VALUES_CSV = EXAMPLE_DIR / "values.csv"
SYSTEM_CSV = EXAMPLE_DIR / "system.csv"
INDEX_NAME = "us_states_capacity"
SHOCK_START, SHOCK_END, RECOVERY_END = 1979, 1982, 1986
MARTIN_MEASURE = "gsp"
"""The Munnell column that is E of the Martin indices (real gross state product)."""
FORMULA = "lgsp ~ lpcap + lpc + lemp + unemp + EntityEffects"

BALTAGI_WITHIN = pd.DataFrame(
    {"estimate": [-0.026, 0.292, 0.768, -0.0053], "std_error": [0.029, 0.025, 0.030, 0.0010]},
    index=pd.Index(["lpcap", "lpc", "lemp", "unemp"], name="term"),
)
"""Baltagi's published within (state FE) estimates for Munnell's Produc data, as printed
(3 decimals; unemp 4). Source: B. H. Baltagi, Econometric Analysis of Panel Data, the
public-capital productivity example (Munnell 1990), "Within" column."""
TOLERANCE = {"estimate": 5e-4, "std_error": 5e-4}
"""Absolute tolerance: half a unit of the last printed decimal of the published numbers."""


@dataclass
class USExampleOutcome:
    """What :func:`run` produced."""

    out_dir: Path
    db_path: Path
    weights: pd.DataFrame
    ranking: pd.DataFrame
    martin: pd.DataFrame
    regression: pd.DataFrame
    files: list[Path] = field(default_factory=list)

    @property
    def matches_reference(self) -> bool:
        """True when every coefficient and SE is within tolerance of Baltagi's numbers."""
        return bool(self.regression["matches"].all())

    def summary(self) -> str:
        """Plain-text summary the CLI prints."""
        lines = [
            f"US states example written to {self.out_dir}",
            f"  warehouse {self.db_path} (marts.fct_index_*, {relations.MARTIN_RESILIENCE}, "
            "schema example)",
            "",
            "State economic-capacity index (entropy weights, pooled 1970-1986):",
            self.weights.to_string(index=False, float_format=lambda v: f"{v:.4f}"),
            "",
            "Top and bottom five states by mean score:",
            pd.concat([self.ranking.head(5), self.ranking.tail(5)]).to_string(
                index=False, float_format=lambda v: f"{v:.4f}"
            ),
            "",
            f"Martin resistance ({SHOCK_START}-{SHOCK_END}) and recovery "
            f"({SHOCK_END}-{RECOVERY_END}) of real GSP, most and least resistant:",
            pd.concat([self.martin.head(3), self.martin.tail(3)])[
                ["state", "resistance", "recovery"]
            ].to_string(index=False, float_format=lambda v: f"{v:.3f}"),
            "",
            "Production function, state FE, vs Baltagi's published within estimates:",
            self.regression.to_string(float_format=lambda v: f"{v:.4f}"),
        ]
        return "\n".join(lines)


def load_munnell() -> pd.DataFrame:
    """Return Munnell's panel with lower-case names and the logs of the regression."""
    from linearmodels.datasets import munnell

    raw = munnell.load()
    frame = pd.DataFrame(
        {
            "state": raw.ST_ABB.astype(str),
            "state_name": raw.STATE.astype(str).str.title(),
            "year": raw.YR.astype(int),
            "gsp": raw.GSP.astype(float),
            "pcap": raw.P_CAP.astype(float),
            "hwy": raw.HWY.astype(float),
            "water": raw.WATER.astype(float),
            "util": raw.UTIL.astype(float),
            "pc": raw.PC.astype(float),
            "emp": raw.EMP.astype(float),
            "unemp": raw.UNEMP.astype(float),
        }
    )
    for column in ("gsp", "pcap", "pc", "emp"):
        if (frame[column] <= 0).any():
            bad = frame.loc[frame[column] <= 0].iloc[0]
            raise ValueError(f"munnell: {column} <= 0 for state {bad.state}, year {bad.year}")
        frame[f"l{column}"] = np.log(frame[column])
    return frame


class MartinBuildFailed(ResilienceError):
    """``dbt build`` of ``+fct_martin_resilience`` on the example's series failed (exit 1)."""

    exit_code = 1


def martin_series(frame: pd.DataFrame, measure: str = MARTIN_MEASURE) -> pd.DataFrame:
    """Return ``measure`` per state-year in the layout of the ``martin_series`` input.

    ``unit_id, year, value`` (docs/contracts.md): a level that adds up across the states
    to the national aggregate, as real GSP and employment do.
    """
    return frame[["state", "year", measure]].rename(columns={"state": "unit_id", measure: "value"})


def martin_build_args(series_path: Path) -> list[str]:
    """``dbt build`` arguments for the Martin mart alone on ``series_path`` and the window.

    The mart, its parents (the user-series staging view, the province list it joins) and
    their data tests; unit tests pin their own inputs and the singular tests under
    ``tests/dbt`` guard the shipped province panel, so both are left out (as for the
    index, :func:`resilience.indices.index_build_args`).
    """
    dbt_vars = {
        "martin_series_path": str(Path(series_path).resolve()),
        "martin_shock_start": SHOCK_START,
        "martin_shock_end": SHOCK_END,
        "martin_recovery_end": RECOVERY_END,
    }
    return selected_build_args([f"+{relations.MARTIN_RESILIENCE.name}"], dbt_vars)


def build_martin(series_path: Path, db_path: Path) -> pd.DataFrame:
    """Build ``marts.fct_martin_resilience`` on ``series_path`` into ``db_path``; return it.

    One row per state, most resistant first (``unit_id`` is the state). A state missing a
    window year, or a national change of exactly 0, fails the build naming state and year.
    """
    import duckdb

    with tempfile.TemporaryDirectory(prefix="resilience_martin_") as tmp_name:
        tmp = Path(tmp_name)
        proc = dbt.run_plain(martin_build_args(series_path), db_path, tmp / "target", tmp / "logs")
    if proc.returncode != 0:
        raise MartinBuildFailed(
            f"dbt build of {relations.MARTIN_RESILIENCE.name} on {series_path} failed:\n"
            f"{proc.stdout[-4000:]}\n{proc.stderr[-2000:]}"
        )
    with duckdb.connect(str(db_path), read_only=True) as con:
        return con.sql(
            "select unit_id as state, series, shock_start_year, shock_end_year, "
            "recovery_end_year, contraction_change, contraction_change_national, "
            "recovery_change, recovery_change_national, resistance, recovery "
            f"from {relations.MARTIN_RESILIENCE} order by resistance desc"
        ).df()


def production_function(frame: pd.DataFrame) -> tuple[object, pd.DataFrame]:
    """Fit the state-FE production function; return the fit and the comparison table."""
    from resilience import panel

    fit = panel.regress(
        FORMULA, frame, entity="state", time="year", cov="unadjusted", model_id="munnell_within"
    )
    tidy = fit.tidy().set_index("term").loc[BALTAGI_WITHIN.index]
    table = pd.DataFrame(
        {
            "estimate": tidy.estimate,
            "std_error": tidy.std_error,
            "baltagi_estimate": BALTAGI_WITHIN.estimate,
            "baltagi_std_error": BALTAGI_WITHIN.std_error,
        }
    )
    table["matches"] = (table.estimate - table.baltagi_estimate).abs().le(TOLERANCE["estimate"]) & (
        table.std_error - table.baltagi_std_error
    ).abs().le(TOLERANCE["std_error"])
    return fit, table


def build_index(db_path: Path) -> pd.DataFrame:
    """Run the warehouse's dbt index models on the US files into ``db_path``.

    The same call as ``resilience index`` (:func:`resilience.indices.build_index`): the
    index models and their data tests, with ``indicator_values_path`` and
    ``indicator_system_path`` pointing at ``examples/us_states/``.
    """
    from resilience import indices

    return indices.build_index(VALUES_CSV, SYSTEM_CSV, db_path=db_path)


def _write_tables(db_path: Path, tables: dict[str, pd.DataFrame]) -> None:
    import duckdb

    con = duckdb.connect(str(db_path))
    try:
        con.execute("create schema if not exists example")
        for name, frame in tables.items():
            con.register("frame_to_store", frame)
            con.execute(f"create or replace table example.{name} as select * from frame_to_store")
            con.unregister("frame_to_store")
    finally:
        con.close()


def _read_index(db_path: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    import duckdb

    con = duckdb.connect(str(db_path), read_only=True)
    try:
        weights = con.execute(
            f"select dimension, indicator, direction, weight from {relations.INDEX_WEIGHTS} "
            "where index_name = ? and year is null order by dimension, indicator",
            [INDEX_NAME],
        ).df()
        ranking = con.execute(
            "select unit_id as state, avg(score) as mean_score, "
            f"arg_max(score, year) as score_1986 from {relations.INDEX_SCORES} "
            "where index_name = ? and dimension = 'total' group by unit_id "
            "order by mean_score desc",
            [INDEX_NAME],
        ).df()
    finally:
        con.close()
    ranking.insert(0, "rank", range(1, len(ranking) + 1))
    return weights, ranking


def _figures(out_dir: Path, ranking: pd.DataFrame, martin: pd.DataFrame) -> list[Path]:
    plt.rcParams.update({"font.size": 9, "axes.spines.top": False, "axes.spines.right": False})
    paths = []
    fig, ax = plt.subplots(figsize=(6, 7.5))
    ordered = ranking.sort_values("mean_score")
    ax.barh(ordered.state, ordered.mean_score, color="#17324d")
    ax.set_xlabel("mean state economic-capacity score, 1970-1986 (entropy weights)")
    ax.tick_params(axis="y", labelsize=7)
    path = out_dir / "us_capacity_index.png"
    fig.savefig(path, dpi=100, bbox_inches="tight")
    plt.close(fig)
    paths.append(path)

    fig, ax = plt.subplots(figsize=(6.5, 5))
    ax.scatter(martin.resistance, martin.recovery, color="#b00020", s=18)
    for row in martin.itertuples():
        ax.annotate(
            row.state,
            (row.resistance, row.recovery),
            fontsize=7,
            xytext=(3, 2),
            textcoords="offset points",
        )
    ax.axhline(0, color="black", lw=0.6)
    ax.axvline(0, color="black", lw=0.6)
    ax.set_xlabel(f"resistance, real GSP {SHOCK_START}-{SHOCK_END} (0 = as the nation)")
    ax.set_ylabel(f"recovery, real GSP {SHOCK_END}-{RECOVERY_END} (0 = as the nation)")
    ax.set_title("Martin resistance and recovery, 1980-82 recessions")
    path = out_dir / "us_martin_resilience.png"
    fig.savefig(path, dpi=100, bbox_inches="tight")
    plt.close(fig)
    paths.append(path)
    return paths


def _markdown(outcome: USExampleOutcome) -> str:
    def md(frame: pd.DataFrame, digits: int = 4) -> str:
        shown = frame.copy()
        for column in shown.columns:
            if shown[column].dtype.kind == "f":
                shown[column] = shown[column].map(lambda v: f"{v:.{digits}f}")
        head = "| " + " | ".join(map(str, shown.columns)) + " |"
        rule = "|" + "---|" * len(shown.columns)
        rows = ["| " + " | ".join(map(str, r)) + " |" for r in shown.itertuples(index=False)]
        return "\n".join([head, rule, *rows])

    regression = outcome.regression.reset_index()
    return (
        "\n\n".join(
            [
                "# US states 1970-1986 (Munnell): example output",
                "Real data (`linearmodels.datasets.munnell`), written by `make example-us`.",
                "## State economic-capacity index: entropy weights (pooled 1970-1986)",
                md(outcome.weights),
                "## Top and bottom five states (mean score)",
                md(pd.concat([outcome.ranking.head(5), outcome.ranking.tail(5)])),
                f"## Martin resistance ({SHOCK_START}-{SHOCK_END}) and recovery "
                f"({SHOCK_END}-{RECOVERY_END}), real GSP: three most and least resistant",
                md(
                    pd.concat([outcome.martin.head(3), outcome.martin.tail(3)])[
                        ["state", "contraction_change", "resistance", "recovery_change", "recovery"]
                    ],
                    3,
                ),
                "## Production function with state effects vs Baltagi's within estimates",
                md(regression, 4),
                "![capacity index](us_capacity_index.png)\n\n![Martin](us_martin_resilience.png)",
            ]
        )
        + "\n"
    )


def run(out_dir: str | Path = EXAMPLE_DIR / "output") -> USExampleOutcome:
    """Run the whole example into ``out_dir``; see the module docstring."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    db_path = out_dir / "warehouse.duckdb"
    build_index(db_path)  # replaces the file and its WAL
    frame = load_munnell()
    series_path = out_dir / "martin_series.csv"
    martin_series(frame).to_csv(series_path, index=False)
    martin = build_martin(series_path, db_path)
    fit, regression = production_function(frame)
    weights, ranking = _read_index(db_path)
    _write_tables(db_path, {"munnell": frame, "production_function": fit.tidy()})
    outcome = USExampleOutcome(out_dir, db_path, weights, ranking, martin, regression)
    outcome.files = _figures(out_dir, ranking, martin)
    summary = out_dir / "summary.md"
    summary.write_text(_markdown(outcome), encoding="utf-8")
    outcome.files.append(summary)
    return outcome
