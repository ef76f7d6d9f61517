"""The report's sections: each a :class:`~resilience.report.page.Section` from the frames."""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
import re
import subprocess
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import yaml  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

from resilience import __version__, relations  # noqa: E402
from resilience.i18n import DEFAULT_LANG, Translator  # noqa: E402
from resilience.panel import YEAR_TERM  # noqa: E402
from resilience.paths import PROJECT_ROOT  # noqa: E402
from resilience.report.figures import export_paths_figure, regional_figure  # noqa: E402
from resilience.report.loading import (  # noqa: E402
    TABLES,
    indicator_labels,
    total_scores,
    unit_names,
    unit_regions,
)
from resilience.report.page import SHOCKS, Section  # noqa: E402
from resilience.results import (  # noqa: E402
    COMPLEMENT_ROLE,
    StoredModel,
    TestKind,
    stored_models,
    stored_table_specs,
    stored_tests,
    typed_models,
)
from resilience.specs import Column, TableSpec  # noqa: E402
from resilience.tables import (  # noqa: E402
    TEST_LABELS,
    PublicationTable,
    build_descriptives,
    build_stored_tables,
    build_table,
    number,
    to_html,
)
from resilience.validate import project_vars  # noqa: E402


# ------------------------------------------------------------------ sections ---------
def section_weights(frames, tr: Translator | None = None) -> Section:
    """Build the section on the indicator systems and their entropy weights.

    Indicators are named by their labels in ``tr``'s language (:func:`indicator_labels`),
    the id beside them in the table.
    """
    tr = tr or Translator()
    labels = indicator_labels(frames, tr)
    sec = Section(
        "weights",
        "Indicator systems and entropy weights",
        "Weights by the entropy method over each index's declared sample "
        "(w_k = d_k / Σd, d_k = 1 − e_k). Bars are coloured by dimension.",
        tr=tr,
    )
    weights = frames.get("weights")
    if weights is None or weights.empty:
        sec.note(tr.format(NOT_BUILT, relation=relations.INDEX_WEIGHTS))
        return sec
    pooled = weights[weights["year"].isna()] if "year" in weights else weights
    if pooled.empty:
        pooled = weights.groupby(["index_name", "dimension", "indicator"], as_index=False).agg(
            weight=("weight", "mean"), published_weight=("published_weight", "first")
        )
    for index_name, group in pooled.groupby("index_name", sort=True):
        group = group.sort_values(["dimension", "weight"], ascending=[True, True])
        group = group.assign(
            label=[labels.get((index_name, k), k) for k in group.indicator], id=group.indicator
        )
        dims = sorted(group.dimension.unique())
        palette = dict(zip(dims, plt.cm.tab10.colors, strict=False))
        fig, ax = plt.subplots(figsize=(8.5, 0.32 * len(group) + 1.4))
        ax.barh(group.label, group.weight, color=[palette[d] for d in group.dimension])
        has_published = "published_weight" in group and group.published_weight.notna().any()
        if has_published:
            ax.scatter(
                group.published_weight,
                group.label,
                marker="D",
                color="black",
                zorder=3,
                label=tr("published weight"),
            )
        handles = [Patch(color=palette[dim], label=tr(dim)) for dim in dims]
        if has_published:
            handles.append(ax.collections[-1])
        ax.set_xlim(0, None)
        name = tr(index_name)
        ax.set_xlabel(tr("entropy weight"))
        ax.set_title(
            tr.format("{index}: entropy weights ({n} indicators)", index=name, n=len(group))
        )
        ax.legend(handles=handles, loc="lower right", fontsize=8)
        ax.grid(axis="x", alpha=0.3)
        sec.figure(fig, tr.format("Entropy weights of the {index} index", index=name))
        columns = [
            c
            for c in (
                "dimension",
                "indicator",
                "id",
                "direction",
                "entropy",
                "divergence",
                "weight",
                "published_weight",
            )
            if c in group
        ]
        sample = ""
        if {"sample_first_year", "sample_last_year", "sample_n_units"} <= set(group):
            first = group.iloc[0]
            sample = tr.format(
                " Sample: {n} units, {first}–{last}.",
                n=int(first.sample_n_units),
                first=int(first.sample_first_year),
                last=int(first.sample_last_year),
            )
        shown = group.sort_values(["dimension", "id"]).assign(
            indicator=lambda g: g.label, dimension=lambda g: g.dimension.map(tr)
        )
        caption = tr.format("{index}: weights by indicator.", index=name)
        sec.table(shown[columns], caption + sample)
    return sec


def section_ranking(frames, tr: Translator | None = None) -> Section:
    """Province ranking and province x year heatmap of each index."""
    tr = tr or Translator()
    sec = Section(
        "ranking",
        "Province ranking and heatmaps",
        "Ranking by the mean total score over the index's sample years; the "
        "heatmap shows every province-year (provinces ordered by mean score).",
        tr=tr,
    )
    total = total_scores(frames)
    if total is None:
        sec.note(tr.format(NOT_BUILT, relation=relations.INDEX_SCORES))
        return sec
    names = unit_names(frames, tr.lang)
    regions = unit_regions(frames)
    for index_name, group in total.groupby("index_name", sort=True):
        wide = group.pivot_table(index="unit_id", columns="year", values="score")
        wide = wide.loc[wide.mean(axis=1).sort_values(ascending=False).index]
        labels = [names.get(u, u) for u in wide.index]
        fig, ax = plt.subplots(figsize=(9, 0.22 * len(wide) + 1.5))
        image = ax.imshow(wide.to_numpy(), aspect="auto", cmap="viridis")
        ax.set_yticks(range(len(wide)), labels, fontsize=7)
        years = list(wide.columns)
        step = max(1, len(years) // 12)
        ax.set_xticks(range(0, len(years), step), [str(y) for y in years[::step]], fontsize=8)
        name = tr(index_name)
        ax.set_title(tr.format("{index}: score by province and year", index=name))
        fig.colorbar(image, ax=ax, label=tr("score"), shrink=0.8)
        sec.figure(fig, tr.format("Heatmap of the {index} index (province × year)", index=name))
        last_year = max(years)
        ranking = pd.DataFrame(
            {
                "rank": range(1, len(wide) + 1),
                "province": labels,
                "region": [tr(regions[u]) if u in regions else "" for u in wide.index],
                "mean score": wide.mean(axis=1).to_numpy(),
                tr.format("score {year}", year=last_year): wide[last_year].to_numpy(),
                tr.format("rank {year}", year=last_year): wide[last_year]
                .rank(ascending=False, method="min")
                .astype("Int64")
                .to_numpy(),
            }
        )
        caption = tr.format(
            "{index}: province ranking (mean over {first}–{last})",
            index=name,
            first=min(years),
            last=last_year,
        )
        sec.table(ranking, caption)
    return sec


def section_regional(frames, tr: Translator | None = None) -> Section:
    """Regional (east / central / west) trends of each index."""
    tr = tr or Translator()
    sec = Section(
        "regional",
        "Regional trends (east / central / west)",
        "Unweighted mean of the province scores in each NBS region, by year.",
        tr=tr,
    )
    total = total_scores(frames)
    regions = unit_regions(frames)
    if total is None:
        sec.note(tr.format(NOT_BUILT, relation=relations.INDEX_SCORES))
        return sec
    total = total.assign(region=total.unit_id.map(regions))
    if total.region.isna().all():
        sec.note(tr("The index units are not provinces (no region in the reference table)."))
        return sec
    means = total.groupby(["index_name", "region", "year"], as_index=False).score.mean()
    sec.figure(regional_figure(means, tr), tr("Regional mean of each index by year"))
    table_rows = [
        {
            "index": tr(index_name),
            "region": tr(region),
            "first year": int(line.year.min()),
            "mean first year": line.score.iloc[0],
            "last year": int(line.year.max()),
            "mean last year": line.score.iloc[-1],
        }
        for (index_name, region), line in means.groupby(["index_name", "region"])
    ]
    sec.table(pd.DataFrame(table_rows), tr("Regional means at the start and end of each sample"))
    return sec


def section_export_paths(frames, tr: Translator | None = None) -> Section:
    """Export-resilience paths with the 2009 and 2020 shocks."""
    tr = tr or Translator()
    sec = Section(
        "export-paths",
        "Export-resilience paths and the 2009 and 2020 shocks",
        "ExpRes_it = (export_it − export_i,2008) / export_i,2008 (Wang & Lu; base "
        "year a setting), over every year of the provincial accounts. Thin lines: "
        "provinces; thick lines: regional means.",
        tr=tr,
    )
    column = "exp_res"
    panel = frames.get("export_resilience")  # the whole series, so the years before 2009 show
    if panel is None or column not in panel:
        panel = frames.get("export_panel")
    if panel is None or column not in panel:
        sec.note(
            tr.format(
                "Not built yet: neither {panel} nor {series} is in the warehouse.",
                panel=relations.EXPORT_PANEL,
                series=relations.EXPORT_RESILIENCE,
            )
        )
        return sec
    panel = panel.copy()
    panel["province_code"] = panel.province_code.astype(str)
    if "region" not in panel:
        panel["region"] = panel.province_code.map(unit_regions(frames))
    means = panel.groupby(["region", "year"], as_index=False)[column].mean()
    sec.figure(
        export_paths_figure(panel, means, column, tr),
        tr("Export-resilience paths by province and region, shocks shaded"),
    )
    shocks = []
    for year, name in SHOCKS.items():
        before = means[means.year == year - 1].set_index("region")[column]
        during = means[means.year == year].set_index("region")[column]
        for region in during.index.intersection(before.index):
            shocks.append(
                {
                    "shock": tr(name),
                    "region": tr(region),
                    "year before": year - 1,
                    "mean year before": before[region],
                    "mean shock year": during[region],
                    "change": during[region] - before[region],
                }
            )
    if shocks:
        sec.table(
            pd.DataFrame(shocks),
            tr(
                "Regional mean export resilience in the year before each shock and in the "
                "shock year"
            ),
        )
    return sec


NOT_BUILT = "Not built yet: {relation} is not in the warehouse (run `resilience build`)."
"""The note of a section whose mart is absent (a template of :data:`resilience.i18n.ZH`)."""


def _model_value(models: pd.DataFrame | None, model_id: str, column: str) -> Any:
    """One cell of results.models, or None."""
    if models is None or column not in models:
        return None
    match = models.loc[models.model_id == model_id, column]
    return None if match.empty or pd.isna(match.iloc[0]) else match.iloc[0]


def _model_spec(models: pd.DataFrame | None, model_id: str) -> dict:
    """Return the model's spec (results.models.spec, JSON), or {}."""
    raw = _model_value(models, model_id, "spec")
    try:
        return json.loads(raw) if isinstance(raw, str) else dict(raw or {})
    except (TypeError, ValueError):
        return {}


def table_layouts(settings: dict[str, str] | None = None) -> dict[str, Any]:
    """Table specs shipped with the package (titles, column labels, term labels), or {}.

    ``settings`` (the build's vars, marts.dim_build_settings) fill the notes' ``{var}``.
    """
    try:
        from resilience.specs import load_specs, with_settings

        return dict(with_settings(load_specs(None), settings or {}).tables)
    except Exception:  # noqa: BLE001 - the report falls back to ids, never fails on specs
        return {}


def all_labels(layouts: dict[str, Any]) -> dict[str, str]:
    """Term label of every shipped table (``data_index`` -> ``Data``), for tables without a spec."""
    merged: dict[str, str] = {}
    for layout in layouts.values():
        for term, label in (getattr(layout, "labels", {}) or {}).items():
            merged.setdefault(term, label)
    return merged


def spec_texts(layouts: dict[str, Any], lang: str) -> dict[str, str]:
    """Every shipped table's own translations into ``lang`` (labels, titles, columns, notes).

    The report's :class:`~resilience.i18n.Translator` looks texts up here first, so a label a
    spec gives as ``{en: Data, zh: 数据要素流动环境}`` is translated in every section.
    """
    merged: dict[str, str] = {}
    for layout in layouts.values():
        merged.update((getattr(layout, "texts", {}) or {}).get(lang, {}))
    return merged


def flag_text(flag: str, tr: Translator | None = None) -> str:
    """Say a group flag as a reader does: ``is_central_west`` -> ``central west`` (中西部)."""
    text = str(flag).removeprefix("is_").removeprefix("has_").replace("_", " ")
    return tr(text) if tr else text


def term_label(term: str, labels: dict[str, str], tr: Translator | None = None) -> str:
    """Label a term as the tables do; an interaction ``a_x_is_flag`` as ``label(a) × flag``.

    In ``tr``'s language when given (the label through the spec's texts, the flag through
    :data:`resilience.i18n.ZH`).
    """
    tr = tr or Translator()
    if term in labels:
        return tr(labels[term])
    left, sep, right = str(term).partition("_x_")
    if sep:
        return f"{tr(labels.get(left, left))} × {flag_text(right, tr)}"
    return str(term)


def table_names(layouts: dict[str, Any], tr: Translator | None = None) -> dict[str, str]:
    """table_id -> the short name of its title (before the colon: ``Wang & Lu Table 4``).

    In ``tr``'s language when given: the translated title before a colon (``表4 …``).
    """
    tr = tr or Translator()
    out = {}
    for table_id, layout in layouts.items():
        title = tr(str(getattr(layout, "title", "") or table_id))
        out[table_id] = re.split("[:：]", title, maxsplit=1)[0]
    return out


def model_label(
    models: pd.DataFrame | None,
    model_id: str,
    labels: dict[str, str],
    tables: dict[str, str] | None = None,
    tr: Translator | None = None,
) -> str:
    """How the report names a model: its column label, else its base model's label and role.

    A supplementary model (no column of its own: a mediation third step, a heterogeneity
    complement or interaction) is named by the column it belongs to and its spec's
    ``role``, e.g. ``(3) Central-western: complement group``; a mediation step names the
    mediator it adds (``(2) ExpRes + ISU: mediation step 3``). With ``tables``
    (:func:`table_names`) a column label is prefixed by its table's name, so labels of
    several tables stay apart (``Wang & Lu Table 4, (3) Central-western``). Falls back to
    the model id. With ``tr`` the labels, table names and role are in its language (the
    table names then from ``table_names(layouts, tr)``).
    """
    tables = tables or {}
    tr = tr or Translator()

    def column_of(mid: str) -> str | None:
        label = _model_value(models, mid, "column_label")
        table = tables.get(str(_model_value(models, mid, "table_id")))
        if not label:
            return None
        return (
            tr.format("{table}, {column}", table=table, column=tr(str(label)))
            if table
            else tr(str(label))
        )

    own = column_of(model_id)
    if own:
        return own
    spec = _model_spec(models, model_id)
    base, role = spec.get("model_id"), spec.get("role")
    if not role or not base or base == model_id:
        return model_id
    base_label = column_of(base) or base
    named = {*spec.get("regressors", []), *spec.get("controls", []), spec.get("outcome")}
    rhs = str(spec.get("formula", "")).partition("~")[2]
    added = [
        t.strip()
        for t in rhs.split("+")
        if t.strip() not in named | {"1", "0", "EntityEffects", "TimeEffects", ""}
        and "_x_" not in t
        and t.strip() != spec.get("flag")
    ]
    mediators = f" + {', '.join(term_label(t, labels, tr) for t in added)}" if added else ""
    return tr.format(
        "{base}{mediators}: {role}", base=base_label, mediators=mediators, role=tr(role)
    )


def report_lang(lang: str | None = None) -> str:
    """Choose the report's language: ``lang``, else the specs' ``lang:`` if they agree, else en."""
    if lang:
        return lang
    try:
        from resilience.specs import load_specs

        langs = {t.lang for t in load_specs(None).tables.values()} - {None}
    except Exception:  # noqa: BLE001 - the report falls back to English, never fails on specs
        langs = set()
    return langs.pop() if len(langs) == 1 else DEFAULT_LANG


def descriptive_tables(frames, lang: str = DEFAULT_LANG) -> list[str]:
    """HTML of the shipped specs' descriptive-statistics tables (marts.fct_descriptive_statistics).

    The publication renderer (:func:`resilience.tables.to_html`) draws them, as in
    ``reports/tables/``; [] if the mart or the specs are absent.
    """
    statistics = frames.get("descriptives")
    if statistics is None:
        return []
    try:
        from resilience.specs import load_specs

        specs = load_specs(None).descriptives.values()
    except Exception:  # noqa: BLE001 - the report falls back to ids, never fails on specs
        return []
    return [to_html(build_descriptives(spec, statistics, lang)) for spec in specs]


SUPPLEMENTARY_TABLE = "supplementary"
"""The ``table_id`` of the report's table of the models without a table of their own."""
SUPPLEMENTARY_TITLE = (
    "Supplementary models (mediation third step, heterogeneity complements and interactions)"
)


def report_layouts(frames) -> dict[str, TableSpec]:
    """Return the table specs the report renders with: the stored ones over the shipped ones.

    ``results.tables`` holds the spec each table was estimated with (a user's
    ``--spec`` too, :func:`resilience.results.stored_table_specs`); a table estimated
    before that was stored falls back on the shipped spec of its id (:func:`table_layouts`,
    notes filled from ``marts.dim_build_settings``).
    """
    settings = frames.get("build_settings")
    shipped = table_layouts(
        {} if settings is None else dict(zip(settings.var_name, settings.value_text, strict=True))
    )
    return {**shipped, **stored_table_specs(frames.get("result_tables"))}


def supplementary_spec(
    frames, models: list[StoredModel], layouts: dict[str, TableSpec], lang: str
) -> TableSpec:
    """Make a table spec of the models without a table (mediation third steps, group models).

    Columns are the models, headed by :func:`model_label` (``(3) Central-western:
    complement group``); terms are labelled as in their base tables, an interaction
    ``x_x_flag`` as ``label(x) × flag`` (:func:`term_label`). Their translations into
    ``lang`` are the spec's texts, so :func:`resilience.tables.build_table` renders it in
    the report's language as any other.
    """
    labels = all_labels(layouts)
    texts = spec_texts(layouts, lang)
    tr = Translator(lang, texts)
    english_names, names = table_names(layouts), table_names(layouts, tr)
    own = dict(texts)
    columns: list[Column] = []
    for i, model in enumerate(models, start=1):
        english = model_label(frames.get("models"), model.model_id, labels, english_names)
        translated = model_label(frames.get("models"), model.model_id, labels, names, tr)
        if english in {c.label for c in columns}:
            english, translated = f"{english} [{i}]", f"{translated} [{i}]"
        columns.append(Column(model.model_id, english))
        own[english] = translated
    terms = {t: term_label(t, labels) for m in models for t in m.terms if t not in labels}
    own |= {term_label(t, labels): term_label(t, labels, tr) for t in terms}
    own = {en: text for en, text in own.items() if text != en}
    return TableSpec(
        SUPPLEMENTARY_TABLE,
        SUPPLEMENTARY_TITLE,
        tuple(columns),
        {**labels, **terms},
        texts={lang: own} if lang != DEFAULT_LANG else {},
    )


def regression_tables(frames, lang: str = DEFAULT_LANG) -> list[PublicationTable]:
    """Every stored regression table, rendered as ``resilience estimate`` renders it.

    The models are read back from ``results.*`` (:func:`resilience.results.stored_models`)
    and each table is built by :func:`resilience.tables.build_table` from the spec it was
    estimated with (:func:`report_layouts`; a user's spec too); a table whose spec is
    nowhere gets its models' column labels. Then one table of the supplementary models
    (no ``table_id``: :func:`supplementary_spec`). Tables by ``table_id``, in ``lang``.
    """
    models = stored_models(frames)
    if not models:
        return []
    layouts = report_layouts(frames)
    stored = stored_table_specs(frames.get("result_tables"))
    ids = {m.table_id for m in models.values() if m.table_id}
    ids |= {t for t, spec in stored.items() if any(c.model in models for c in spec.columns)}
    specs = {
        table_id: layouts.get(table_id)
        or TableSpec(
            table_id,
            table_id,
            tuple(
                Column(m.model_id, m.column_label or f"({i})")
                for i, m in enumerate((m for m in models.values() if m.table_id == table_id), 1)
            ),
            all_labels(layouts),
            texts={lang: spec_texts(layouts, lang)},
        )
        for table_id in sorted(ids)
    }
    tests = frames.get("tests")
    tables = build_stored_tables(specs, models, tests, lang)
    rest = [m for m in models.values() if not m.table_id]
    if rest:
        tables.append(
            build_table(supplementary_spec(frames, rest, layouts, lang), models, tests, lang)
        )
    return tables


def absorption_tables(frames, tr: Translator | None = None) -> list[tuple[str, pd.DataFrame]]:
    """One compact table per panel: each model's share of variance left, by regressor.

    Rows: the models by their table labels (:func:`model_label`, with their effects);
    columns: every named regressor and control by its label (year-dummy interactions left
    out); cells ``share_left`` of ``results.absorption``, blank where the model lacks the
    term. An interaction model's terms ``x_x_flag`` go to a second row of the model,
    ``... × flag``, under the column of ``x``, so the table stays as wide as the regressors.
    Returns (caption, frame) pairs, labels and caption in ``tr``'s language.
    """
    tr = tr or Translator()
    absorption, models = frames.get("absorption"), frames.get("models")
    if absorption is None or absorption.empty:
        return []
    layouts = report_layouts(frames)
    labels = all_labels(layouts)
    shown = absorption[[not YEAR_TERM.search(str(t)) for t in absorption.term]].copy()
    names = {
        m: model_label(models, m, labels, table_names(layouts, tr), tr)
        for m in dict.fromkeys(shown.model_id)
    }
    base, _, flag = shown.term.astype(str).str.partition("_x_").T.to_numpy()
    shown["row"] = [
        tr.format("{model} (× {flag} terms)", model=names[m], flag=flag_text(f, tr))
        if f
        else names[m]
        for m, f in zip(shown.model_id, flag, strict=True)
    ]
    shown["column"] = [tr(labels.get(t, t)) for t in base]
    shown["effects"] = shown["effects"].map(lambda e: e if pd.isna(e) else tr(str(e)))
    panels = {m: (_model_value(models, m, "panel") or "") for m in names}
    titles = table_names(layouts, tr)
    out = []
    for panel in sorted(set(panels.values())):
        part = shown[shown.model_id.map(panels) == panel]
        tables = dict.fromkeys(
            titles.get(t, t)
            for t in (_model_value(models, m, "table_id") for m in dict.fromkeys(part.model_id))
            if isinstance(t, str)
        )
        wide = part.pivot(index="row", columns="column", values="share_left")
        wide = wide.reindex(index=list(dict.fromkeys(part.row)),
                            columns=list(dict.fromkeys(part.column)))  # fmt: skip
        effects = part.drop_duplicates("row").set_index("row")["effects"]
        wide.insert(0, "effects", effects.reindex(wide.index).to_numpy())
        wide.index.name = "model"
        out.append(
            (
                tr.format(
                    "What the fixed effects absorb in {tables} ({panel}): share of each "
                    "regressor's variance left after the model's fixed effects "
                    "(results.absorption.share_left; entity and year dummies by projection)",
                    tables=tr.join(tables) if tables else tr("the models"),
                    panel=panel or tr("panel not recorded"),
                ),
                wide.reset_index(),
            )
        )
    return out


def stale_results_note(
    models: pd.DataFrame | None, build_id: str | None, tr: Translator | None = None
) -> str | None:
    """Say when results.models were estimated from other marts than the warehouse's.

    ``results.models.build_id`` is the build whose marts a model was estimated from; a
    later build carries the results over but records its own ``build_id`` for its marts
    (:mod:`resilience.results`). A model without a build id is older than this record.
    """
    if models is None or models.empty:
        return None
    ids = models["build_id"] if "build_id" in models else pd.Series([None] * len(models))
    stale = int((ids.isna() | (ids != build_id)).sum()) if build_id else 0
    if not stale:
        return None
    return (tr or Translator()).format(
        "{stale} of {n} models were estimated from the marts of an earlier build, not from "
        "the marts beside them (build {build}): their results are older than the data; run "
        "`resilience estimate` again",
        stale=stale,
        n=len(models),
        build=build_id,
    )


def hausman_columns(
    tests: pd.DataFrame, shown: pd.DataFrame, tr: Translator | None = None
) -> pd.DataFrame:
    """Add to ``shown`` the Hausman convention and whether V_FE - V_RE was PD.

    For the Hausman rows of ``tests``: which coefficients were compared and whether the
    covariance difference was positive definite (from ``detail``; blank for other tests).
    """
    from resilience.hausman import COMPARE_LABELS

    tr = tr or Translator()
    compared, definite = [], []
    for test in stored_tests(tests):
        parsed = test.detail if test.kind.family == "hausman" else {}
        if not parsed:
            compared.append("")
            definite.append("")
            continue
        compare = parsed.get("compare")
        compared.append(
            tr(COMPARE_LABELS.get(compare, "not recorded") if compare else "not recorded")
        )
        pd_ = parsed.get("positive_definite")
        definite.append(
            "" if pd_ is None else tr("yes") if pd_ else tr("no (Moore–Penrose, q = rank)")
        )
    if not any(compared):
        return shown
    return shown.assign(**{"Hausman compares": compared, "V_FE − V_RE PD": definite})


def test_label(kind: TestKind, labels: dict[str, str], tr: Translator | None = None) -> str:
    """Name a ``results.tests`` kind as a reader does, in ``tr``'s language.

    Its mediator is named by its variable label, its group flag by :func:`flag_text`:
    ``sobel`` of mediator ``isu`` -> ``Sobel test of the indirect effect via ISU``,
    ``permutation_difference`` of flag ``is_coastal`` -> ``Permutation test of the group
    difference: coastal`` (:data:`resilience.tables.TEST_LABELS`).
    """
    tr = tr or Translator()
    template = TEST_LABELS[kind.family, kind.variant]
    if kind.flag:
        return tr.format(template, what=flag_text(kind.flag, tr))
    if kind.mediator:
        return tr.format(template, what=tr(labels.get(kind.mediator, kind.mediator)))
    return tr(template)


def section_regressions(
    frames, build_id: str | None = None, lang: str = DEFAULT_LANG, tr: Translator | None = None
) -> Section:
    """Build the section: the descriptive statistics, then every regression table in results.*.

    Stale results are said so; the tables are in ``lang``, the captions and notes in ``tr``'s.
    """
    tr = tr or Translator(lang)
    sec = Section(
        "regressions",
        "Regression tables",
        "Fixed effects as Stata `xtreg y x i.year, fe`. Both R² conventions are named: "
        "Stata's within R² and the LSDV R² (all effects counted as fitted), which is the "
        "kind the papers report.",
        tr=tr,
    )
    for block in descriptive_tables(frames, lang):
        sec.blocks.append(f'<div class="tablewrap">{block}</div>')
        sec.n_tables += 1
    tables = regression_tables(frames, lang)
    if not tables:
        sec.note(
            tr.format(
                "Not estimated yet: {coefficients} is not in the warehouse "
                "(run `resilience estimate`).",
                coefficients=relations.COEFFICIENTS,
            )
        )
        return sec
    stale = stale_results_note(frames.get("models"), build_id, tr)
    if stale:
        sec.note(stale)
    for table in tables:
        sec.blocks.append(f'<div class="tablewrap">{to_html(table)}</div>')
        sec.n_tables += 1
    for caption, frame in absorption_tables(frames, tr):
        sec.table(frame, caption, digits=3)
    tests = frames.get("tests")
    if tests is not None and not tests.empty:
        columns = [c for c in ("test_name", "statistic", "df", "p_value") if c in tests]
        layouts = report_layouts(frames)
        labels, names = all_labels(layouts), table_names(layouts, tr)
        shown = tests[columns].copy()
        shown["test_name"] = [test_label(t.kind, labels, tr) for t in stored_tests(tests)]
        shown = shown.rename(columns={"test_name": "test"})
        shown.insert(
            0,
            "model",
            [model_label(frames.get("models"), m, labels, names, tr) for m in tests.model_id],
        )
        sec.table(
            hausman_columns(tests, shown, tr),
            tr(
                "Tests: Hausman (FE vs RE; plain and sigmamore, each over the coefficients "
                "Stata's hausman fe re compares by default, all shared but the constant, and "
                "over the named regressors only), Sobel and bootstrap (mediation), "
                "permutation and interaction (group differences), wild cluster bootstrap; "
                "each test's id is in results.tests.test_name"
            ),
        )
    else:
        sec.note(
            tr.format("No tests estimated yet ({tests} is absent or empty).", tests=relations.TESTS)
        )
    return sec


def heterogeneity_estimates(frames, tr: Translator | None = None) -> pd.DataFrame | None:
    """Key-regressor estimate of each heterogeneity group and its complement.

    The groups are the models with a group-difference test in results.tests
    (family ``permutation_difference``); the complement is the model whose
    ``results.models.role`` is :data:`~resilience.results.COMPLEMENT_ROLE` of it. The
    key regressor is the first regressor of the model's spec. Falls back to the model ids
    that mention a group when there are no such tests.
    """
    tr = tr or Translator()
    coefs, tests = frames.get("coefficients"), frames.get("tests")
    models = typed_models(frames.get("models"))
    if coefs is None or coefs.empty:
        return None
    layouts = report_layouts(frames)
    labels, names = all_labels(layouts), table_names(layouts, tr)
    rows = []
    stored = stored_tests(tests)
    for test in (t for t in stored if t.kind.family == "permutation_difference"):
        flag = test.kind.flag
        spec = _model_spec(models, test.model_id)
        key = (spec.get("regressors") or [None])[0]
        interaction = [
            t.pvalue
            for t in stored
            if t.model_id == test.model_id and t.kind == TestKind("interaction_wald", flag=flag)
        ]
        complements = [] if models is None else models[
            (models.role == COMPLEMENT_ROLE) & (models.base_model_id == test.model_id)
            & (models.flag == flag)
        ].model_id.tolist()  # fmt: skip
        groups = [(test.model_id, flag_text(flag, tr))] + [
            (c, tr.format("not {flag}", flag=flag_text(flag, tr))) for c in complements
        ]
        for model_id, group in groups:
            part = coefs[(coefs.model_id == model_id) & (coefs.term == key)]
            if part.empty:
                continue
            r = part.iloc[0]
            rows.append(
                {
                    "comparison": flag_text(flag, tr),
                    "group": group,
                    "model": model_label(models, model_id, labels, names, tr),
                    "term": term_label(key, labels, tr),
                    "estimate": r.estimate,
                    "std_error": r.std_error,
                    "p_value": r.p_value,
                    "ci_lower": r.ci_lower,
                    "ci_upper": r.ci_upper,
                    "n_obs": _model_value(models, model_id, "n_obs"),
                    "permutation p": test.pvalue,
                    "interaction p": interaction[0] if interaction else np.nan,
                }
            )
    if rows:
        return pd.DataFrame(rows)
    mask = coefs.model_id.astype(str).str.contains(
        "heterogen|east|central|west|ftz|coastal", case=False
    )
    part = coefs[mask & ~coefs.term.astype(str).str.match(r"^(const|year|time)")]
    if part.empty:
        return None
    shown = {m: model_label(models, m, labels, names, tr) for m in part.model_id.astype(str)}
    model = part.model_id.astype(str).map(shown)
    return part.assign(comparison=model, group=model, model=model)


def section_heterogeneity(frames, tr: Translator | None = None) -> Section:
    """Build the coefficient plot of the heterogeneity groups."""
    tr = tr or Translator()
    sec = Section(
        "heterogeneity",
        "Heterogeneity: coefficients by group",
        "Key regressor in each subsample and its complement, with 95% confidence "
        "intervals; the p-values test the difference between the two groups (permutation "
        "of the group label across provinces; Wald test of the interaction).",
        tr=tr,
    )
    part = heterogeneity_estimates(frames, tr)
    if part is None:
        sec.note(
            tr.format(
                "Not estimated yet: no heterogeneity models in {coefficients} "
                "(run `resilience estimate`).",
                coefficients=relations.COEFFICIENTS,
            )
        )
        return sec
    part = part.reset_index(drop=True)
    labels = [f"{g}  ({t})" for g, t in zip(part.group, part.term, strict=True)]
    fig, ax = plt.subplots(figsize=(8, 0.42 * len(part) + 1.2))
    y = np.arange(len(part))
    colours = [plt.cm.tab10(i % 10) for i in pd.factorize(part.comparison)[0]]
    for i in range(len(part)):
        ax.errorbar(
            part.estimate[i],
            y[i],
            xerr=[[part.estimate[i] - part.ci_lower[i]], [part.ci_upper[i] - part.estimate[i]]],
            fmt="o",
            color=colours[i],
            capsize=3,
        )
    ax.axvline(0, color="black", lw=0.7)
    ax.set_yticks(y, labels, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel(tr("coefficient (95% CI)"))
    ax.grid(axis="x", alpha=0.3)
    sec.figure(fig, tr("Coefficient plot of the heterogeneity groups"))
    columns = [
        c
        for c in (
            "comparison",
            "group",
            "model",
            "term",
            "n_obs",
            "estimate",
            "std_error",
            "p_value",
            "ci_lower",
            "ci_upper",
            "permutation p",
            "interaction p",
        )
        if c in part
    ]
    sec.table(
        part[columns],
        tr("Heterogeneity estimates and group-difference tests"),
        formats=dict.fromkeys(("estimate", "std_error", "ci_lower", "ci_upper"), number),
    )
    return sec


def section_quality(frames, tr: Translator | None = None) -> Section:
    """Data-quality diagnostics: interpolation, availability, outliers, correlations.

    Indicators are named by their labels in ``tr``'s language (:func:`indicator_labels`).
    """
    tr = tr or Translator()
    labels = indicator_labels(frames, tr)
    sec = Section(
        "quality",
        "Data-quality diagnostics",
        "OECD/JRC Handbook (2008) checks: interpolated cells, data availability per "
        "indicator and province (flagged below 65%), outliers (|skew| > 2 and excess "
        "kurtosis > 3.5), indicator pairs correlated above 0.9.",
        tr=tr,
    )
    indicator_diag = frames.get("indicator_diagnostics")
    unit_diag = frames.get("unit_diagnostics")
    correlations = frames.get("correlations")
    if indicator_diag is None and unit_diag is None:
        sec.note(tr("Not built yet: the index diagnostics marts are not in the warehouse."))
        return sec
    if indicator_diag is not None:
        columns = [
            c
            for c in (
                "index_name",
                "dimension",
                "indicator",
                "n_cells",
                "n_observed",
                "availability_share",
                "n_interpolated",
                "interpolated_share",
                "skewness",
                "kurtosis_excess",
                "is_low_availability",
                "is_outlier_flagged",
            )
            if c in indicator_diag
        ]
        shown = indicator_diag[columns].sort_values(["index_name", "dimension", "indicator"])
        shown = shown.assign(
            indicator=[
                labels.get((i, k), k)
                for i, k in zip(shown.index_name, shown.indicator, strict=True)
            ]
        )
        shown = shown.assign(
            index_name=shown.index_name.map(tr),
            **({"dimension": shown.dimension.map(tr)} if "dimension" in shown else {}),
        )
        sec.table(shown, tr("Per indicator: availability, interpolation, shape"), digits=3)
        if {"interpolated_share", "indicator"} <= set(indicator_diag):
            fig, ax = plt.subplots(figsize=(8.5, 0.22 * len(shown) + 1.2))
            ax.barh(
                shown.index_name + " · " + shown.indicator,
                shown.interpolated_share * 100,
                color="#9467bd",
            )
            ax.set_xlabel(tr("interpolated cells, % of the sample"))
            ax.invert_yaxis()
            ax.tick_params(axis="y", labelsize=7)
            ax.grid(axis="x", alpha=0.3)
            sec.figure(fig, tr("Share of interpolated cells per indicator"))
    if unit_diag is not None:
        names = unit_names(frames, tr.lang)
        unit_diag = unit_diag.assign(
            province=unit_diag.unit_id.astype(str).map(names).fillna(unit_diag.unit_id.astype(str)),
            index_name=unit_diag.index_name.map(tr),
        )
        columns = [
            c
            for c in (
                "index_name",
                "province",
                "n_cells",
                "n_observed",
                "availability_share",
                "n_interpolated",
                "interpolated_share",
                "is_low_availability",
            )
            if c in unit_diag
        ]
        flagged = unit_diag[columns]
        if "interpolated_share" in flagged:
            flagged = flagged.sort_values("interpolated_share", ascending=False).head(15)
        sec.table(flagged, tr("Per province: the 15 with the most interpolated cells"), digits=3)
    if correlations is not None:
        high = correlations[correlations.get("is_highly_correlated", False) == True]  # noqa: E712
        if high.empty:
            sec.text(tr("No indicator pair is correlated above 0.9."))
        else:
            high = high.assign(
                **{
                    side: [
                        labels.get((i, k), k)
                        for i, k in zip(high.index_name, high[side], strict=True)
                    ]
                    for side in ("indicator_a", "indicator_b")
                },
                index_name=high.index_name.map(tr),
            )
            sec.table(
                high[["index_name", "indicator_a", "indicator_b", "correlation"]],
                tr("Indicator pairs correlated above 0.9"),
                digits=3,
            )
    return sec


def section_parameters(frames, meta, tr: Translator | None = None) -> Section:
    """Run parameters and data fingerprint."""
    tr = tr or Translator()
    sec = Section(
        "parameters",
        "Run parameters and data fingerprint",
        "Settings recorded beside the results, the project's defaults and a digest "
        "of every raw and reference table, so a reader can tell two runs apart.",
        tr=tr,
    )
    recorded = []
    weights = frames.get("weights")
    if weights is not None and not weights.empty:
        for column in (
            "scope",
            "zero_policy",
            "shift_c",
            "sample_first_year",
            "sample_last_year",
            "sample_n_units",
        ):
            if column in weights:
                for index_name, value in weights.groupby("index_name")[column].first().items():
                    shown = tr("none applied") if pd.isna(value) else str(value)
                    recorded.append({"setting": f"{index_name}.{column}", "value": shown})
    rebased = frames.get("export_resilience")
    if rebased is not None and "base_year" in rebased and not rebased.empty:
        recorded.append({"setting": "export_base_year", "value": str(rebased.base_year.iloc[0])})
    models = frames.get("models")
    if models is not None and "data_fingerprint" in models:
        prints = models.dropna(subset=["data_fingerprint"])
        recorded.append(
            {
                "setting": tr("estimation samples (results.models.data_fingerprint)"),
                "value": tr.format(
                    "{n} distinct sha256 over {models} models",
                    n=prints.data_fingerprint.nunique(),
                    models=len(prints),
                ),
            }
        )
    if models is not None and "cov_type" in models:
        recorded.append(
            {
                "setting": tr("covariance (results.models)"),
                "value": tr.join(sorted(models.cov_type.astype(str).unique())),
            }
        )
    if recorded:
        sec.table(pd.DataFrame(recorded), tr("Settings recorded in the warehouse"))
    else:
        sec.note(tr("No settings recorded yet (the index marts are not built)."))
    try:
        defaults = pd.DataFrame(
            [
                {"var": k, "value": setting_text(v, tr)}
                for k, v in project_vars().items()
                if k != "var_rules"
            ]
        )
        sec.table(
            defaults,
            tr("Project defaults (dbt_project.yml vars; a build may override them with --vars)"),
        )
    except (OSError, yaml.YAMLError, KeyError):
        sec.note(tr("dbt_project.yml could not be read."))
    prints = meta["fingerprint"]
    overall = hashlib.md5("".join(prints.md5).encode()).hexdigest() if len(prints) else "—"
    sec.text(
        tr.format(
            "Data fingerprint (MD5 over the reference tables and the input files' SHA-256): "
            "{digest}",
            digest=overall,
        )
    )
    if len(prints):
        sec.table(prints, tr("Inputs: reference tables (rows, MD5) and input files (SHA-256)"))
    return sec


def setting_text(value: Any, tr: Translator | None = None) -> str:
    """Show a dbt var as a reader reads it, never as a Python or JSON literal.

    None is "— (not set)", a boolean yes / no, a mapping ``key: value`` pairs, a list
    comma-separated; the words in ``tr``'s language.
    """
    tr = tr or Translator()
    if value is None:
        return tr("— (not set)")
    if isinstance(value, bool):
        return tr("yes") if value else tr("no")
    if isinstance(value, dict):
        return "; ".join(f"{k}: {setting_text(v, tr)}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return tr.join(setting_text(v, tr) for v in value)
    return str(value)


def git_commit() -> str:
    """Short commit of the project checkout, or 'unknown'."""
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            timeout=5,
        )
        return out.stdout.strip() or "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def section_overview(
    frames, meta, db_path: Path, sections: list[Section], tr: Translator | None = None
) -> Section:
    """Build the overview: what the run holds, with a table of contents."""
    tr = tr or Translator()
    sec = Section("overview", "Overview", tr=tr)
    present = [str(rel) for rel in TABLES.values() if str(rel) in meta["existing"]]
    missing = [str(rel) for rel in TABLES.values() if str(rel) not in meta["existing"]]
    sec.text(
        tr.format(
            "Warehouse {db} · generated {when} · resilience {version} · commit {commit}",
            db=db_path,
            when=f"{dt.datetime.now():%Y-%m-%d %H:%M}",
            version=__version__,
            commit=git_commit(),
        )
    )
    sec.text(
        tr.format(
            "{present} of {total} relations the report reads are present.",
            present=len(present),
            total=len(TABLES),
        )
        + (tr.format(" Not there yet: {missing}.", missing=tr.join(missing)) if missing else "")
    )
    items = "".join(f'<li><a href="#{s.id}">{html.escape(s.title)}</a></li>' for s in sections)
    sec.blocks.append(f"<nav><ol>{items}</ol></nav>")
    return sec
