"""Model specifications as data: load and validate the YAML spec files.

A spec file (``resilience/specs/*.yaml`` ship with the package; a user's own file
replaces them) has the sections

``defaults``
    keys applied to every model unless the model sets them.
``models``
    ``model_id -> {panel, entity, time, outcome, regressors, controls, effects, cov,
    sample, label}``. ``effects`` is ``entity``, ``time`` or ``two-way``; ``cov`` is
    ``clustered`` (by province, the default), ``robust``, ``unadjusted`` or
    ``driscoll-kraay`` (or ``{type: driscoll-kraay, bandwidth: 2}``) or
    ``clustered-twoway`` (by province and year; alias ``two-way``); ``sample`` is a
    pandas ``query`` string (``in_paper_sample and not is_east``). Lagged regressors are
    panel columns computed in SQL (``lag1_data_index``), named like any other column.
``tables``
    ``table_id -> {title, columns: [model_id or {model, label}], labels, show_controls,
    parentheses (std_error | t_stat), notes, wild_bootstrap}``; the columns in order.
    ``wild_bootstrap`` overrides the section of that name for this table (``false``:
    none).
``wild_bootstrap``
    ``{reps, weights, seed}``: wild cluster restricted bootstrap p-values of each table
    column's focal coefficient (its first regressor; :mod:`resilience.wildboot`), a row
    per weight type. ``reps`` draws (default 9999), ``weights`` a list of
    ``rademacher`` / ``webb`` (default both), ``seed`` (default 20250905). Applies to
    every table of the file unless the table sets its own.
    parentheses (std_error | t_stat), notes}``; the columns in order.
``descriptives``
    ``id -> {title, models, labels, notes}``: a descriptive-statistics table (variable, N,
    mean, SD, min, max) of the outcomes, regressors and controls of ``models``, in that
    order, over their panel and sample (the models must share both). The statistics are
    read from ``marts.fct_descriptive_statistics``; nothing is computed in Python.
``lang``
    ``en`` or ``zh``: the file's default language of its tables (``--lang`` overrides).
``hausman``
    model ids that get a Hausman test (FE vs RE).
``mediation``
    ``id -> {total, mediator_model, n_boot, seed, level}``: the treatment is the first
    regressor of ``total``, the mediator the outcome of ``mediator_model``.
``heterogeneity``
    ``id -> {model, flag, sample, n_perm, seed}``: ``model`` is the flagged group's column,
    ``sample`` the base sample holding both groups.
``construction``
    ``column -> {unit_part, unit_label, time_label, time_depends_on, panel}``: a regressor
    that is by
    construction a unit part plus a part common to all units of a period, ``x_it =
    u_it + p_t`` (Chen's ``lnim = ln(im_it/im_t) + ln IM_t``). ``unit_part`` is the panel
    column holding :math:`u_{it}`; the labels name both parts in the notes,
    ``time_depends_on`` (optional) what moves the time part alone; ``panel``
    defaults to the file's default panel. Estimation checks the declaration on every
    sample that uses the column (:func:`resilience.panel.time_part_spread`) and the tables
    say which part identifies the slope.

A title, a column ``label``, a ``labels`` value, a note, or a construction's labels and
``time_depends_on`` is a string (English) or a mapping per language,
``{en: Data, zh: 数据要素流动环境}`` (``en`` required).

Errors raise :class:`SpecError` naming the file, the entry and the key.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from resilience import relations
from resilience.errors import EstimationError
from resilience.i18n import DEFAULT_LANG, LANGS
from resilience.panel import COV_TYPES, Covariance
from resilience.wildboot import DEFAULT_REPS, DEFAULT_SEED, WEIGHTS

EFFECTS = {
    "entity": "EntityEffects",
    "time": "TimeEffects",
    "two-way": "EntityEffects + TimeEffects",
}
MODEL_KEYS = {
    "panel",
    "entity",
    "time",
    "outcome",
    "regressors",
    "controls",
    "effects",
    "cov",
    "sample",
    "label",
    "description",
}
TABLE_KEYS = {
    "title",
    "columns",
    "labels",
    "show_controls",
    "parentheses",
    "notes",
    "wild_bootstrap",
}
WILD_BOOTSTRAP_KEYS = {"reps", "weights", "seed"}
DESCRIPTIVES_KEYS = {"title", "models", "labels", "notes"}
MEDIATION_KEYS = {"total", "mediator_model", "n_boot", "seed", "level", "description"}
HETEROGENEITY_KEYS = {"model", "flag", "sample", "n_perm", "seed", "description"}
CONSTRUCTION_KEYS = {
    "unit_part",
    "unit_label",
    "time_label",
    "time_depends_on",
    "panel",
    "description",
}
SECTIONS = {
    "name",
    "description",
    "defaults",
    "models",
    "tables",
    "hausman",
    "mediation",
    "heterogeneity",
    "wild_bootstrap",
    "construction",
    "descriptives",
    "lang",
}
PARENTHESES = ("std_error", "t_stat")


class SpecError(EstimationError):
    """A spec file is wrong; the message names the file, the entry and the key (exit 2)."""


@dataclass(frozen=True)
class ModelSpec:
    """One regression: the panel, variables, effects, covariance and sample."""

    model_id: str
    panel: str
    outcome: str
    regressors: tuple[str, ...]
    controls: tuple[str, ...] = ()
    effects: str = "two-way"
    cov: Covariance = field(default_factory=Covariance)
    sample: str | None = None
    entity: str = "province_code"
    time: str = "year"
    label: str | None = None
    source: str = ""

    @property
    def terms(self) -> tuple[str, ...]:
        """Regressors followed by the controls."""
        return (*self.regressors, *self.controls)

    @property
    def formula(self) -> str:
        """linearmodels-style formula of the model."""
        return f"{self.outcome} ~ " + " + ".join([*self.terms, EFFECTS[self.effects]])

    def to_dict(self) -> dict[str, Any]:
        """Plain dict (what ``results.models.spec`` stores as JSON)."""
        out = asdict(self)
        del out["source"]
        out["cov"] = {"type": self.cov.kind, "bandwidth": self.cov.bandwidth}
        out["formula"] = self.formula
        return out

    def to_json(self) -> str:
        """JSON of :meth:`to_dict`, keys sorted."""
        return json.dumps(self.to_dict(), sort_keys=True)


@dataclass(frozen=True)
class Column:
    """A table column: the model and its header label."""

    model: str
    label: str


@dataclass(frozen=True)
class WildBootstrapSpec:
    """Wild cluster bootstrap settings of a table: draws, weight types, seed."""

    reps: int = DEFAULT_REPS
    weights: tuple[str, ...] = WEIGHTS
    seed: int = DEFAULT_SEED


@dataclass(frozen=True)
class TableSpec:
    """A publication table: columns in order, labels, options and notes."""

    table_id: str
    title: str
    columns: tuple[Column, ...]
    labels: dict[str, str] = field(default_factory=dict)
    show_controls: bool = True
    parentheses: str = "std_error"
    notes: tuple[str, ...] = ()
    wild_bootstrap: WildBootstrapSpec | None = None
    lang: str | None = None
    """The spec file's ``lang:`` (None: not set; ``--lang`` overrides either)."""
    texts: dict[str, dict[str, str]] = field(default_factory=dict)
    """``lang -> {English text: translated text}`` of the title, headers, labels, notes."""
    source: str = ""
    """The spec file the table came from."""

    def to_json(self) -> str:
        """JSON of every field (what ``results.tables.spec`` stores); :meth:`from_json` reads it."""
        return json.dumps(asdict(self), sort_keys=True, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> TableSpec:
        """Rebuild the table spec :meth:`to_json` wrote (``results.tables``)."""
        raw = json.loads(text)
        boot = raw.get("wild_bootstrap")
        return cls(
            raw["table_id"],
            raw["title"],
            tuple(Column(c["model"], c["label"]) for c in raw["columns"]),
            dict(raw.get("labels") or {}),
            bool(raw.get("show_controls", True)),
            raw.get("parentheses", "std_error"),
            tuple(raw.get("notes") or ()),
            None
            if boot is None
            else WildBootstrapSpec(boot["reps"], tuple(boot["weights"]), boot["seed"]),
            raw.get("lang"),
            {lang: dict(own) for lang, own in (raw.get("texts") or {}).items()},
            raw.get("source", ""),
        )


@dataclass(frozen=True)
class DescriptivesSpec:
    """A descriptive-statistics table: the variables of some models, over their sample."""

    table_id: str
    title: str
    models: tuple[str, ...]
    panel: str
    sample: str | None
    variables: tuple[str, ...]
    labels: dict[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    lang: str | None = None
    texts: dict[str, dict[str, str]] = field(default_factory=dict)
    source: str = ""


@dataclass(frozen=True)
class MediationSpec:
    """Mediation analysis linking a total-effect model and a mediator model."""

    analysis_id: str
    total: str
    mediator_model: str
    n_boot: int = 5000
    seed: int = 20250905
    level: float = 0.95


@dataclass(frozen=True)
class HeterogeneitySpec:
    """Group comparison of a column model against the rest of a base sample."""

    analysis_id: str
    model: str
    flag: str
    sample: str | None = None
    n_perm: int = 1000
    seed: int = 20250905


@dataclass(frozen=True)
class Construction:
    """A regressor that is a unit part plus a time part: ``column = unit_part + p_t``.

    ``p_t`` is common to all units of a period (so year effects absorb it);
    ``unit_label`` and ``time_label`` name the two parts in notes (``ln(im_it/im_t)``,
    ``ln IM_t``); ``time_depends_on`` says what moves the time part alone (the partner
    R&D stocks and their PIM parameters).
    """

    column: str
    panel: str
    unit_part: str
    unit_label: str
    time_label: str
    time_depends_on: str | None = None
    source: str = ""
    texts: dict[str, dict[str, str]] = field(default_factory=dict, compare=False)
    """``lang -> {english: text}`` of the labels given as ``{en: ..., zh: ...}``."""

    @property
    def formula(self) -> str:
        """``unit_label + time_label``, as a note writes the construction."""
        return f"{self.unit_label} + {self.time_label}"

    def identified_by(self, time_effects: bool) -> str:
        """Which part identifies the slope: the unit part alone when year effects absorb p_t."""
        return identified_by_template(time_effects, self.time_depends_on).format(
            unit=self.unit_label, time=self.time_label, depends=self.time_depends_on
        )


IDENTIFIED_BY = {
    # (year effects?, time_depends_on given?) -> which part identifies a constructed slope;
    # English keys of resilience.i18n.ZH, so the notes are translated whole
    (True, False): "{unit} alone: the year effects absorb {time}",
    (True, True): "{unit} alone: the year effects absorb {time}, so {depends} move only the "
    "constant and the year effects",
    (False, False): "{unit} and {time} together (no year effects)",
    (False, True): "{unit} and {time} together (no year effects): {depends} move the slope too",
}


def identified_by_template(time_effects: bool, time_depends_on: str | None) -> str:
    """Return the :data:`IDENTIFIED_BY` sentence (``{unit}``, ``{time}``, ``{depends}``)."""
    return IDENTIFIED_BY[(bool(time_effects), bool(time_depends_on))]


@dataclass(frozen=True)
class SpecSet:
    """All specs of one or more files, ids unique across files."""

    models: dict[str, ModelSpec]
    tables: dict[str, TableSpec]
    hausman: tuple[str, ...] = ()
    mediation: dict[str, MediationSpec] = field(default_factory=dict)
    heterogeneity: dict[str, HeterogeneitySpec] = field(default_factory=dict)
    construction: dict[tuple[str, str], Construction] = field(default_factory=dict)
    """``(panel, column) -> Construction``."""
    descriptives: dict[str, DescriptivesSpec] = field(default_factory=dict)

    def constructions_of(self, spec: ModelSpec) -> dict[str, Construction]:
        """``term -> Construction`` for the terms of ``spec`` its panel declares built."""
        return {
            t: self.construction[(spec.panel, t)]
            for t in spec.terms
            if (spec.panel, t) in self.construction
        }

    def table_of(self, model_id: str) -> str | None:
        """First table listing ``model_id`` (None if no table does)."""
        for table in self.tables.values():
            if any(c.model == model_id for c in table.columns):
                return table.table_id
        return None

    def column_label(self, model_id: str) -> str | None:
        """Header label of ``model_id`` in its first table, else its own ``label``."""
        for table in self.tables.values():
            for column in table.columns:
                if column.model == model_id:
                    return column.label
        return self.models[model_id].label


def shipped_spec_paths() -> list[Path]:
    """Spec files shipped with the package (``resilience/specs/*.yaml``), sorted."""
    folder = resources.files("resilience") / "specs"
    return sorted(Path(str(p)) for p in folder.iterdir() if str(p).endswith(".yaml"))


def _fail(source: str, where: str, key: str, problem: str) -> SpecError:
    return SpecError(f"{source}: {where}, key {key!r}: {problem}")


def _check_keys(raw: Any, allowed: set[str], source: str, where: str) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise SpecError(f"{source}: {where} must be a mapping, got {type(raw).__name__}")
    unknown = sorted(set(raw) - allowed)
    if unknown:
        raise _fail(source, where, unknown[0], f"unknown key; allowed: {sorted(allowed)}")
    return raw


def _mapping(raw: dict[str, Any], section: str, source: str) -> dict[str, Any]:
    value = raw.get(section) or {}
    if not isinstance(value, dict):
        raise SpecError(f"{source}: section {section!r} must be a mapping of ids to entries")
    return value


def _names(raw: Any, source: str, where: str, key: str) -> tuple[str, ...]:
    if raw is None:
        return ()
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list) or not all(isinstance(x, str) and x for x in raw):
        raise _fail(source, where, key, f"must be a list of column names, got {raw!r}")
    return tuple(raw)


def _check_terms(
    outcome: str,
    regressors: tuple[str, ...],
    controls: tuple[str, ...],
    source: str,
    where: str,
) -> None:
    """Refuse a column listed twice (in regressors, controls, or both) or the outcome."""
    listed = [("regressors", x) for x in regressors] + [("controls", x) for x in controls]
    for i, (key, term) in enumerate(listed):
        if term == outcome:
            raise _fail(
                source,
                where,
                key,
                f"{outcome!r} is the outcome; a column cannot be both the "
                "outcome and a regressor, remove it",
            )
        earlier = [k for k, t in listed[:i] if t == term]
        if earlier:
            place = f"twice in {key}" if earlier[0] == key else f"in {earlier[0]} and in {key}"
            raise _fail(source, where, key, f"{term!r} is listed {place}; list each column once")


def _whole_number(
    entry: dict[str, Any], key: str, default: int, least: int, source: str, where: str
) -> int:
    """``entry[key]`` as an int >= ``least`` (a bool, a fraction or a string is refused)."""
    value = entry.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < least:
        what = "a whole number of draws, at least 1" if least else "a whole number, at least 0"
        raise _fail(source, where, key, f"must be {what}, got {value!r}")
    return value


def parse_model(model_id: str, raw: Any, defaults: dict[str, Any], source: str) -> ModelSpec:
    """Validate one model entry (defaults applied) and build its :class:`ModelSpec`."""
    where = f"model {model_id!r}"
    entry = {**defaults, **_check_keys(raw, MODEL_KEYS, source, where)}
    for key in ("panel", "outcome"):
        if not isinstance(entry.get(key), str) or not entry[key]:
            raise _fail(source, where, key, "is required (a name)")
    regressors = _names(entry.get("regressors"), source, where, "regressors")
    if not regressors:
        raise _fail(source, where, "regressors", "is required (at least one column)")
    effects = entry.get("effects", "two-way")
    if effects not in EFFECTS:
        raise _fail(source, where, "effects", f"{effects!r} is not one of {list(EFFECTS)}")
    try:
        cov = Covariance.coerce(entry.get("cov", "clustered"))
    except (ValueError, AttributeError) as exc:
        raise _fail(source, where, "cov", f"{exc}; use one of {COV_TYPES}") from exc
    sample = entry.get("sample")
    if sample is not None and not isinstance(sample, str):
        raise _fail(source, where, "sample", "must be a pandas query string")
    controls = _names(entry.get("controls"), source, where, "controls")
    _check_terms(entry["outcome"], regressors, controls, source, where)
    return ModelSpec(
        model_id,
        entry["panel"],
        entry["outcome"],
        regressors,
        controls,
        effects,
        cov,
        sample,
        entry.get("entity", "province_code"),
        entry.get("time", "year"),
        entry.get("label"),
        source,
    )


def parse_wild_bootstrap(raw: Any, source: str, where: str) -> WildBootstrapSpec | None:
    """Validate a ``wild_bootstrap`` entry: ``false`` / ``null`` (none) or a mapping."""
    if raw is None or raw is False:
        return None
    if raw is True:
        return WildBootstrapSpec()
    if not isinstance(raw, dict):
        raise _fail(
            source, where, "wild_bootstrap",
            f"must be a mapping {{reps, weights, seed}} or false, got {raw!r}",
        )  # fmt: skip
    where = f"{where}, wild_bootstrap"
    entry = _check_keys(raw, WILD_BOOTSTRAP_KEYS, source, where)
    weights = entry.get("weights", list(WEIGHTS))
    if isinstance(weights, str):
        weights = [weights]
    if (
        not isinstance(weights, list)
        or not weights
        or not all(isinstance(w, str) and w in WEIGHTS for w in weights)
        or len(set(weights)) < len(weights)
    ):
        raise _fail(
            source, where, "weights",
            f"must be a list of distinct weight types from {list(WEIGHTS)}, got {weights!r}",
        )  # fmt: skip
    return WildBootstrapSpec(
        _whole_number(entry, "reps", DEFAULT_REPS, 1, source, where),
        tuple(weights),
        _whole_number(entry, "seed", DEFAULT_SEED, 0, source, where),
    )


def _text(value: Any, texts: dict[str, dict[str, str]], source: str, where: str, key: str) -> str:
    """English of a spec text, a string or ``{en: ..., zh: ...}``; the others go to ``texts``."""
    if not isinstance(value, dict):
        return str(value)
    unknown = sorted(set(value) - set(LANGS), key=str)
    if unknown:
        raise _fail(source, where, key, f"language {unknown[0]!r} is not one of {list(LANGS)}")
    if not all(isinstance(v, str) and v for v in value.values()):
        raise _fail(source, where, key, f"each language's text must be a string, got {value!r}")
    if DEFAULT_LANG not in value:
        raise _fail(
            source, where, key,
            f"{value!r} has no {DEFAULT_LANG!r} text; give {{en: ..., zh: ...}}",
        )  # fmt: skip
    english = value[DEFAULT_LANG]
    for lang, text in value.items():
        if lang != DEFAULT_LANG:
            texts.setdefault(lang, {})[english] = text
    return english


def _labels(raw: Any, texts: dict[str, dict[str, str]], source: str, where: str) -> dict[str, str]:
    """``labels``: column -> text (a string or a mapping per language)."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise _fail(source, where, "labels", f"must map column names to labels, got {raw!r}")
    return {str(k): _text(v, texts, source, where, f"labels.{k}") for k, v in raw.items()}


def parse_lang(raw: Any, source: str) -> str | None:
    """Check the file's ``lang:`` default: None, or one of :data:`resilience.i18n.LANGS`."""
    if raw is not None and raw not in LANGS:
        raise SpecError(f"{source}: top level, key 'lang': {raw!r} is not one of {list(LANGS)}")
    return raw


def parse_table(
    table_id: str,
    raw: Any,
    models: dict[str, ModelSpec],
    source: str,
    wild_bootstrap: WildBootstrapSpec | None = None,
    lang: str | None = None,
) -> TableSpec:
    """Validate one table entry; its columns must name known models.

    ``wild_bootstrap``: the file's section, used unless the table sets its own.
    """
    where = f"table {table_id!r}"
    entry = _check_keys(raw, TABLE_KEYS, source, where)
    texts: dict[str, dict[str, str]] = {}
    columns = []
    for i, col in enumerate(entry.get("columns") or [], start=1):
        model, label = (
            (col, f"({i})")
            if isinstance(col, str)
            else (col.get("model"), col.get("label", f"({i})"))
        )
        if model not in models:
            raise _fail(source, where, "columns", f"column {i} names unknown model {model!r}")
        columns.append(Column(model, _text(label, texts, source, where, f"columns[{i}].label")))
    if not columns:
        raise _fail(source, where, "columns", "is required (a list of model ids)")
    parentheses = entry.get("parentheses", "std_error")
    if parentheses not in PARENTHESES:
        raise _fail(source, where, "parentheses", f"{parentheses!r} not in {PARENTHESES}")
    return TableSpec(
        table_id,
        _text(entry.get("title", table_id), texts, source, where, "title"),
        tuple(columns),
        _labels(entry.get("labels"), texts, source, where),
        bool(entry.get("show_controls", True)),
        parentheses,
        tuple(_text(n, texts, source, where, "notes") for n in entry.get("notes") or ()),
        parse_wild_bootstrap(entry["wild_bootstrap"], source, where)
        if "wild_bootstrap" in entry
        else wild_bootstrap,
        lang,
        texts,
        source,
    )


def parse_descriptives(
    table_id: str,
    raw: Any,
    models: dict[str, ModelSpec],
    source: str,
    lang: str | None = None,
) -> DescriptivesSpec:
    """Validate a descriptives entry: known models sharing one panel and one sample.

    The variables are the models' outcomes, then their regressors (unlagged: the panel's
    columns), then their controls, each once.
    """
    where = f"descriptives {table_id!r}"
    entry = _check_keys(raw, DESCRIPTIVES_KEYS, source, where)
    names = _names(entry.get("models"), source, where, "models")
    if not names:
        raise _fail(source, where, "models", "is required (the models whose variables to describe)")
    chosen = [models[_known_model(m, models, source, where, "models")] for m in names]
    for key in ("panel", "sample"):
        values = {getattr(m, key) for m in chosen}
        if len(values) > 1:
            raise _fail(
                source, where, "models",
                f"the models differ in {key} ({sorted(map(str, values))}); describe one "
                f"{key} per table",
            )  # fmt: skip
    variables = dict.fromkeys(
        [m.outcome for m in chosen]
        + [x for m in chosen for x in m.regressors]
        + [c for m in chosen for c in m.controls]
    )
    texts: dict[str, dict[str, str]] = {}
    return DescriptivesSpec(
        table_id,
        _text(entry.get("title", table_id), texts, source, where, "title"),
        names,
        chosen[0].panel,
        chosen[0].sample,
        tuple(variables),
        _labels(entry.get("labels"), texts, source, where),
        tuple(_text(n, texts, source, where, "notes") for n in entry.get("notes") or ()),
        lang,
        texts,
        source,
    )


def _known_model(
    value: Any, models: dict[str, ModelSpec], source: str, where: str, key: str
) -> str:
    if value not in models:
        raise _fail(source, where, key, f"unknown model {value!r}")
    return value


def parse_mediation(
    analysis_id: str, raw: Any, models: dict[str, ModelSpec], source: str
) -> MediationSpec:
    """Validate a mediation entry: both models known, same regressors and sample."""
    where = f"mediation {analysis_id!r}"
    entry = _check_keys(raw, MEDIATION_KEYS, source, where)
    total = _known_model(entry.get("total"), models, source, where, "total")
    mediator = _known_model(entry.get("mediator_model"), models, source, where, "mediator_model")
    a, b = models[total], models[mediator]
    if (a.terms, a.sample, a.panel) != (b.terms, b.sample, b.panel):
        raise _fail(
            source,
            where,
            "mediator_model",
            f"{mediator!r} must have the terms, sample and panel of {total!r}",
        )
    if b.outcome in a.terms or b.outcome == a.outcome:
        raise _fail(
            source,
            where,
            "mediator_model",
            f"the mediator {b.outcome!r} (outcome of {mediator!r}) must be neither the outcome "
            f"nor a regressor of {total!r}",
        )
    level = entry.get("level", 0.95)
    if isinstance(level, bool) or not isinstance(level, int | float) or not 0 < level < 1:
        raise _fail(source, where, "level", f"must be a number between 0 and 1, got {level!r}")
    return MediationSpec(
        analysis_id,
        total,
        mediator,
        _whole_number(entry, "n_boot", 5000, 1, source, where),
        _whole_number(entry, "seed", 20250905, 0, source, where),
        float(level),
    )


def parse_heterogeneity(
    analysis_id: str, raw: Any, models: dict[str, ModelSpec], source: str
) -> HeterogeneitySpec:
    """Validate a heterogeneity entry: the model is known, the flag a name."""
    where = f"heterogeneity {analysis_id!r}"
    entry = _check_keys(raw, HETEROGENEITY_KEYS, source, where)
    model = _known_model(entry.get("model"), models, source, where, "model")
    if not isinstance(entry.get("flag"), str):
        raise _fail(source, where, "flag", "is required (a boolean column)")
    sample = entry.get("sample")
    if sample is not None and not isinstance(sample, str):
        raise _fail(source, where, "sample", "must be a pandas query string")
    return HeterogeneitySpec(
        analysis_id,
        model,
        entry["flag"],
        sample,
        _whole_number(entry, "n_perm", 1000, 1, source, where),
        _whole_number(entry, "seed", 20250905, 0, source, where),
    )


def parse_construction(
    column: str, raw: Any, defaults: dict[str, Any], source: str
) -> Construction:
    """Validate a ``construction`` entry: the unit-part column and the two labels."""
    where = f"construction {column!r}"
    entry = _check_keys(raw, CONSTRUCTION_KEYS, source, where)
    if not isinstance(entry.get("unit_part"), str) or not entry["unit_part"]:
        raise _fail(source, where, "unit_part", "is required (a column name)")
    texts: dict[str, dict[str, str]] = {}
    labels = {}
    for key in ("unit_label", "time_label"):
        if not isinstance(entry.get(key), str | dict) or not entry[key]:
            raise _fail(source, where, key, "is required (a label, or {en: ..., zh: ...})")
        labels[key] = _text(entry[key], texts, source, where, key)
    panel = entry.get("panel", defaults.get("panel"))
    if not isinstance(panel, str) or not panel:
        raise _fail(source, where, "panel", "is required when the file has no default panel")
    depends = entry.get("time_depends_on")
    if depends is not None and (not isinstance(depends, str | dict) or not depends):
        raise _fail(source, where, "time_depends_on", "must be a text, if given")
    if depends is not None:
        depends = _text(depends, texts, source, where, "time_depends_on")
    if entry["unit_part"] == column:
        raise _fail(source, where, "unit_part", f"must be another column than {column!r}")
    return Construction(
        column,
        panel,
        entry["unit_part"],
        labels["unit_label"],
        labels["time_label"],
        depends,
        source,
        texts,
    )


def parse_file(path: Path) -> SpecSet:
    """Load and validate one YAML spec file."""
    source = str(path)
    if not Path(path).is_file():
        what = "is a folder, not a spec file" if Path(path).is_dir() else "spec file not found"
        raise SpecError(f"{source}: {what}; give a YAML spec (see python/resilience/specs/)")
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise SpecError(f"{source}: not UTF-8 (byte {exc.start}); save the spec as UTF-8") from exc
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        at = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        context = f" ({exc.context})" if exc.context else ""
        raise SpecError(
            f"{source}: {at}not valid YAML: {exc.problem}{context}; fix the syntax there"
        ) from exc
    except yaml.YAMLError as exc:
        raise SpecError(f"{source}: not valid YAML: {str(exc).splitlines()[0]}") from exc
    if raw is None:
        raise SpecError(
            f"{source}: the spec file is empty; write its models and tables (see "
            "python/resilience/specs/wang_lu.yaml)"
        )
    raw = _check_keys(raw, SECTIONS, source, "top level")
    if not raw.get("models"):
        raise SpecError(
            f"{source}: section 'models' is missing or empty; a spec file defines at least "
            "one model (see python/resilience/specs/wang_lu.yaml)"
        )
    defaults = _check_keys(raw.get("defaults") or {}, MODEL_KEYS, source, "defaults")
    models = {
        m: parse_model(m, entry, defaults, source)
        for m, entry in _mapping(raw, "models", source).items()
    }
    wild_bootstrap = parse_wild_bootstrap(raw.get("wild_bootstrap"), source, "top level")
    lang = parse_lang(raw.get("lang"), source)
    tables = {
        t: parse_table(t, entry, models, source, wild_bootstrap, lang)
        for t, entry in _mapping(raw, "tables", source).items()
    }
    descriptives = {
        t: parse_descriptives(t, entry, models, source, lang)
        for t, entry in _mapping(raw, "descriptives", source).items()
    }
    clash = sorted(set(tables) & set(descriptives))
    if clash:
        raise _fail(
            source, f"descriptives {clash[0]!r}", "descriptives",
            "the id is also a table's; table ids are file names, give it another",
        )  # fmt: skip
    hausman = _names(raw.get("hausman"), source, "hausman", "hausman")
    for model in hausman:
        _known_model(model, models, source, "hausman", "hausman")
    mediation = {
        a: parse_mediation(a, e, models, source)
        for a, e in _mapping(raw, "mediation", source).items()
    }
    heterogeneity = {
        a: parse_heterogeneity(a, e, models, source)
        for a, e in _mapping(raw, "heterogeneity", source).items()
    }
    construction = {}
    for column, entry in _mapping(raw, "construction", source).items():
        built = parse_construction(column, entry, defaults, source)
        construction[(built.panel, column)] = built
    # a table's notes say how its constructed regressors are identified: the file's
    # construction texts are the tables' own, so every translator of a table knows them
    for built in construction.values():
        for table_id, table in tables.items():
            merged = {lang: dict(own) for lang, own in table.texts.items()}
            for lang, own in built.texts.items():
                merged.setdefault(lang, {}).update(own)
            tables[table_id] = replace(table, texts=merged)
    return SpecSet(models, tables, hausman, mediation, heterogeneity, construction, descriptives)


def merge(specs: list[SpecSet]) -> SpecSet:
    """Combine spec sets; an id defined twice raises :class:`SpecError`."""
    merged: dict[str, dict[Any, Any]] = {
        k: {}
        for k in ("models", "tables", "mediation", "heterogeneity", "construction", "descriptives")
    }
    hausman: list[str] = []
    for spec in specs:
        for section, entries in merged.items():
            for key, value in getattr(spec, section).items():
                if key in entries:
                    raise SpecError(
                        f"{section[:-1] if section.endswith('s') else section} "
                        f"id {key!r} is defined in two spec files"
                    )
                entries[key] = value
        hausman.extend(spec.hausman)
    return SpecSet(
        merged["models"],
        merged["tables"],
        tuple(hausman),
        merged["mediation"],
        merged["heterogeneity"],
        merged["construction"],
        merged["descriptives"],
    )


PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\}")
"""A parameter named in a table note, e.g. ``{hp_lambda}``: filled from the build's settings."""


def with_settings(specs: SpecSet, settings: dict[str, str]) -> SpecSet:
    """Return the specs with every ``{var}`` of the table notes replaced by its build value.

    ``settings`` is ``{var: value}`` of ``marts.dim_build_settings`` (the values the marts
    were built with), so a note never states a parameter the build did not use. A
    warehouse without that mart (panels written by other means) records no settings: the
    note then says ``<var not recorded>`` rather than guess. A note naming a var that
    recorded settings lack (a typo) is a :class:`SpecError`.
    """
    tables = {}
    for table_id, table in specs.tables.items():
        notes = []
        for note in table.notes:
            for name in PLACEHOLDER.findall(note):
                if settings and name not in settings:
                    raise _fail(
                        "the specs", f"table '{table_id}'", "notes",
                        f"{{{name}}} is not a var of the build ({relations.BUILD_SETTINGS}); "
                        "name a var of dbt_project.yml's var_rules",
                    )  # fmt: skip
            notes.append(
                PLACEHOLDER.sub(
                    lambda m: settings.get(m.group(1), f"<{m.group(1)} not recorded>"), note
                )
            )
        fill = {note: filled for note, filled in zip(table.notes, notes, strict=True)}
        texts = {
            lang: {fill.get(en, en): PLACEHOLDER.sub(
                lambda m: settings.get(m.group(1), f"<{m.group(1)} not recorded>"), text
            ) for en, text in own.items()}
            for lang, own in table.texts.items()
        }  # fmt: skip
        tables[table_id] = replace(table, notes=tuple(notes), texts=texts)
    return replace(specs, tables=tables)


def load_specs(paths: str | Path | list[str | Path] | None = None) -> SpecSet:
    """Load spec files: the given ones, or all shipped with the package.

    Parameters
    ----------
    paths : path or list of paths, optional
        The user's YAML file(s); ``None`` loads ``resilience/specs/*.yaml``.

    Returns
    -------
    SpecSet
    """
    if paths is None:
        paths = shipped_spec_paths()
    elif isinstance(paths, str | Path):
        paths = [paths]
    return merge([parse_file(Path(p)) for p in paths])
