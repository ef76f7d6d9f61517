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
2. **Martin resistance and recovery** around the 1980 and 1981-82 recessions, the
   formula of ``models/marts/spillovers/fct_martin_resilience.sql`` on real GSP, with
   pre-recession peak :math:`s = 1979`, trough :math:`e = 1982`, recovery end
   :math:`r = 1986` (the last year of the data); the nation is the sum of the states:

   .. math::

       \text{resistance}_i = \frac{E_{ie}/E_{is} - E_{Ne}/E_{Ns}}{|E_{Ne}/E_{Ns} - 1|},
       \qquad
       \text{recovery}_i = \frac{E_{ir}/E_{ie} - E_{Nr}/E_{Ne}}{|E_{Nr}/E_{Ne} - 1|}.

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

Outputs (``examples/us_states/output/`` by default): ``warehouse.duckdb`` (index marts,
schema ``example`` with ``munnell``, ``martin_resilience``, ``production_function``),
``summary.md`` (the tables the README shows) and two PNG figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from resilience.paths import PROJECT_ROOT  # noqa: E402

EXAMPLE_DIR = PROJECT_ROOT / "examples" / "us_states"
VALUES_CSV = EXAMPLE_DIR / "values.csv"
SYSTEM_CSV = EXAMPLE_DIR / "system.csv"
INDEX_NAME = "us_states_capacity"
SHOCK_START, SHOCK_END, RECOVERY_END = 1979, 1982, 1986
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
            f"  warehouse {self.db_path} (marts.fct_index_*, schema example)",
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


def martin_indices(
    frame: pd.DataFrame,
    measure: str = "gsp",
    shock_start: int = SHOCK_START,
    shock_end: int = SHOCK_END,
    recovery_end: int = RECOVERY_END,
) -> pd.DataFrame:
    """Martin resistance and recovery per state (formula in the module docstring).

    Returns one row per state, sorted by resistance (most resistant first), with the
    phase changes of the state and of the nation (the sum of the states).
    """
    levels = frame.pivot(index="state", columns="year", values=measure)
    missing = [y for y in (shock_start, shock_end, recovery_end) if y not in levels.columns]
    if missing:
        raise ValueError(f"munnell: no {measure} for year(s) {missing} (data 1970-1986)")
    window = levels[[shock_start, shock_end, recovery_end]]
    if window.isna().any().any():
        state = window.index[window.isna().any(axis=1)][0]
        raise ValueError(f"munnell: {measure} missing for state {state} in the Martin window")
    nation = window.sum()
    contraction_n = nation[shock_end] / nation[shock_start] - 1
    recovery_n = nation[recovery_end] / nation[shock_end] - 1
    if contraction_n == 0 or recovery_n == 0:
        raise ValueError("munnell: national change is exactly 0 in a phase; Martin undefined")
    out = pd.DataFrame(
        {
            "state": window.index,
            "contraction_change": window[shock_end] / window[shock_start] - 1,
            "contraction_change_national": contraction_n,
            "recovery_change": window[recovery_end] / window[shock_end] - 1,
            "recovery_change_national": recovery_n,
        }
    ).reset_index(drop=True)
    out["resistance"] = (out.contraction_change - contraction_n) / abs(contraction_n)
    out["recovery"] = (out.recovery_change - recovery_n) / abs(recovery_n)
    out.insert(1, "measure", measure)
    out.insert(2, "shock_start_year", shock_start)
    out.insert(3, "shock_end_year", shock_end)
    out.insert(4, "recovery_end_year", recovery_end)
    return out.sort_values("resistance", ascending=False).reset_index(drop=True)


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
            "select dimension, indicator, direction, weight from marts.fct_index_weights "
            "where index_name = ? and year is null order by dimension, indicator",
            [INDEX_NAME],
        ).df()
        ranking = con.execute(
            "select unit_id as state, avg(score) as mean_score, "
            "arg_max(score, year) as score_1986 from marts.fct_index_scores "
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
    martin = martin_indices(frame)
    fit, regression = production_function(frame)
    weights, ranking = _read_index(db_path)
    _write_tables(
        db_path, {"munnell": frame, "martin_resilience": martin, "production_function": fit.tidy()}
    )
    outcome = USExampleOutcome(out_dir, db_path, weights, ranking, martin, regression)
    outcome.files = _figures(out_dir, ranking, martin)
    summary = out_dir / "summary.md"
    summary.write_text(_markdown(outcome), encoding="utf-8")
    outcome.files.append(summary)
    return outcome
