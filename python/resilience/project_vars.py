"""The dbt vars of ``dbt_project.yml``, typed and checked by one schema before dbt runs.

``resilience build --var key=value`` hands over strings; dbt would paste them into SQL as
they are (``index_edge_fill=false`` is the non-empty string ``'false'``, true in Jinja).
Every var therefore has a rule in the ``var_rules`` entry of the ``vars:`` block, which the
macro ``typed_var`` applies in Jinja (``dbt build --vars``, strings included) and this
module applies in Python, so that dbt receives typed JSON:

======  ==========================================================================
type    accepted text (a value of that type, or its string form)
======  ==========================================================================
bool    ``true`` / ``false`` (any case)
int     an integer literal; ``min`` / ``max`` bounds
float   a finite decimal number; bounds, open with ``min_exclusive`` / ``max_exclusive``
year    an integer year (1900-2100); with ``sample_of: <var>`` inside the years of
        the index that var names (``seeds/reference/index_samples.csv`` or
        ``index_samples_path``); ``after`` / ``not_before`` / ``not_after`` another
        year var. Whether the input files cover a year is the input pre-flight's check
enum    one of ``values`` (a plain word; compared in Jinja or emitted quoted)
path    a file path or null (``*_path`` vars without a rule); no quote characters
word    a plain word (a string var without a rule; never an identifier in SQL)
======  ==========================================================================

A var without a rule takes the type of its default (``*_path``: path). The index-sample
check needs the data, so only this module makes it (and the dbt test
``year_vars_outside_index_samples``); ``typed_var`` checks the rest.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import yaml

from resilience import cells, inputs
from resilience.errors import Problem
from resilience.paths import PROJECT_ROOT

RULES_KEY = "var_rules"
OPTION_VARS = {
    **{spec.var: f"--input {spec.name}=FILE or --inputs DIR" for spec in inputs.INPUTS},
    "indicator_values_path": "--values (or --inputs DIR)",
    "indicator_system_path": "--system (or --inputs DIR)",
}
"""Vars that ``resilience build`` sets from its own options (rejected as ``--var``): the
input paths, which the pre-flight checks and ``--inputs`` skips when absent."""

INDEX_SAMPLES = Path("seeds/reference/index_samples.csv")
WORD = re.compile(r"^[A-Za-z0-9_.+-]+$")


class VarError(ValueError):
    """A var value that breaks its rule; ``str()`` is the one-line reason."""


def _project_block(project_dir: Path) -> dict:
    return yaml.safe_load((project_dir / "dbt_project.yml").read_text())["vars"]


def defaults(project_dir: Path = PROJECT_ROOT) -> dict:
    """Return every var of ``dbt_project.yml`` with its default (the rules left out)."""
    return {k: v for k, v in _project_block(project_dir).items() if k != RULES_KEY}


def rules(project_dir: Path = PROJECT_ROOT) -> dict[str, dict]:
    """Return the rule of every var: its ``var_rules`` entry, else one from name and default."""
    block = _project_block(project_dir)
    declared = block.get(RULES_KEY) or {}
    return {
        name: declared.get(name) or inferred_rule(name, default)
        for name, default in block.items()
        if name != RULES_KEY
    }


def inferred_rule(name: str, default: object) -> dict:
    """Return the rule of a var that has none in ``var_rules``: from its name and default."""
    if name.endswith("_path"):
        return {"type": "path"}
    if isinstance(default, dict):
        return {"type": "fixed"}
    if isinstance(default, bool):
        return {"type": "bool"}
    if isinstance(default, int):
        return {"type": "int"}
    if isinstance(default, float):
        return {"type": "float"}
    return {"type": "word"}


def coerce(name: str, value: object, rule: dict) -> object:
    """Return ``value`` (typed, or its string form as typed on a command line) as the rule's type.

    Checks the type and the static bounds; raises :class:`VarError` naming var, value and
    what is allowed. Cross-var and data checks are :func:`check_overrides`'s.
    """
    kind = rule["type"]
    if kind == "fixed":
        if isinstance(value, dict):  # the default itself (a mapping; --var gives a string)
            return value
        raise VarError(
            f"var {name} cannot be set: it is a fixed rule of the project (dbt_project.yml)"
        )
    text = str(value).strip() if not isinstance(value, bool) else str(value).lower()
    shown = f"var {name}={text}"
    if kind == "path":
        if value is None or text.lower() in ("", "none", "null"):
            return None
        if "'" in text or '"' in text:
            raise VarError(f"{shown}: the path contains a quote character; rename the file")
        return text
    if kind == "bool":
        if text.lower() not in ("true", "false"):
            raise VarError(f"{shown}: expected true or false")
        return text.lower() == "true"
    if not WORD.match(text):
        raise VarError(
            f"var {name} value {text!r} is not a plain number or word; "
            "rejected, it is never passed to SQL"
        )
    if kind == "enum":
        if isinstance(value, bool) or text not in rule["values"]:
            raise VarError(f"{shown}: expected one of {', '.join(map(str, rule['values']))}")
        return text
    if kind == "word":
        return text
    if kind in ("int", "year"):
        if isinstance(value, bool) or cells.parse_integer(text) is None:
            expected = "a year (an integer such as 2003)" if kind == "year" else "an integer"
            raise VarError(f"{shown}: expected {expected}")
        typed: float = int(text)
        if kind == "year" and not 1900 <= typed <= 2100:
            raise VarError(f"{shown}: expected a year (an integer such as 2003)")
    elif kind == "float":
        if isinstance(value, bool) or cells.parse_number(text) is None:
            raise VarError(f"{shown}: expected a finite number")
        typed = float(text)
    else:
        raise VarError(f"var {name} has an unknown rule type {kind!r} in var_rules")
    _check_bounds(shown, typed, rule)
    return typed


def _check_bounds(shown: str, value: float, rule: dict) -> None:
    low, high = rule.get("min"), rule.get("max")
    low_open, high_open = rule.get("min_exclusive", False), rule.get("max_exclusive", False)
    below = low is not None and (value < low or (low_open and value == low))
    above = high is not None and (value > high or (high_open and value == high))
    if not (below or above):
        return
    if low is not None and high is not None:
        allowed = f"lie in {'(' if low_open else '['}{low}, {high}{')' if high_open else ']'}"
    elif low is not None:
        allowed = f"be {'>' if low_open else '>='} {low}"
    else:
        allowed = f"be {'<' if high_open else '<='} {high}"
    raise VarError(f"{shown} must {allowed}")


def index_sample_years(
    project_dir: Path = PROJECT_ROOT, path: str | None = None
) -> dict[str, tuple[int, int]]:
    """Return ``{index_name: (first_year, last_year)}`` of the index samples file."""
    file = Path(path) if path else project_dir / INDEX_SAMPLES
    if not file.is_absolute():
        file = project_dir / file
    with open(file, encoding="utf-8-sig") as fh:
        return {
            row["index_name"]: (int(row["first_year"]), int(row["last_year"]))
            for row in csv.DictReader(fh)
        }


def data_years(samples: dict[str, tuple[int, int]]) -> tuple[int, int]:
    """Return the span of all index samples: the years of the data."""
    return min(f for f, _ in samples.values()), max(last for _, last in samples.values())


def _check_year(
    name: str, value: int, rule: dict, typed: dict, samples: dict, label: str
) -> str | None:
    """Return the problem of a year var against its index sample and the other years, or None.

    A rule ``sample_of: <var>`` ties the year to the sample of the index that var names
    (``chen_*`` to ``spillover_panel_index``, ``wl_*`` to ``export_panel_index``); when the
    samples define no such index, the panel it feeds cannot be built and nothing is checked
    here. Other year vars are not tied to the index samples: whether the input files cover
    them is the input pre-flight's check (:func:`resilience.inputs.needed_years`).
    """
    shown = f"var {name}={value}"
    index = typed.get(rule["sample_of"]) if rule.get("sample_of") else None
    if index is not None and index in samples:
        first, last = samples[index]
        if not first <= value <= last:
            return f"{shown} must lie in [{first}, {last}], the years of index {index} in {label}"
    for key, ok, word in (
        ("after", lambda a, b: a > b, "be after"),
        ("not_before", lambda a, b: a >= b, "not be before"),
        ("not_after", lambda a, b: a <= b, "not be after"),
    ):
        other = rule.get(key)
        if other is not None and not ok(value, typed[other]):
            return f"{shown} must {word} {other}={typed[other]}"
    return None


def check_overrides(
    overrides: dict[str, object], project_dir: Path = PROJECT_ROOT
) -> tuple[dict[str, object], list[Problem]]:
    """Type and check var overrides (strings or values); return (typed overrides, problems).

    Unknown names and the vars set by ``--values`` / ``--system`` are problems; so is a
    value that breaks its rule, and a year var outside the data or out of order with the
    other years (defaults included: moving ``chen_first_year`` past ``chen_last_year`` is
    caught).
    """
    all_rules, base = rules(project_dir), defaults(project_dir)
    typed: dict[str, object] = {}
    problems: list[Problem] = []

    def problem(message: str) -> None:
        problems.append(Problem("var", "--var", message))

    if not overrides:
        return typed, problems
    for name, value in overrides.items():
        if name not in all_rules:
            shown = name if re.fullmatch(r"[A-Za-z0-9_]+", name) else repr(name)
            problem(f"unknown var {shown}; known vars are in dbt_project.yml")
        elif name in OPTION_VARS:
            problem(f"var {name} is set with {OPTION_VARS[name]}, not --var")
        else:
            try:
                typed[name] = coerce(name, value, all_rules[name])
            except VarError as exc:
                problem(str(exc))
    if problems:
        return typed, problems
    merged = {**base, **typed}
    label = merged.get("index_samples_path") or str(INDEX_SAMPLES)
    try:
        samples = index_sample_years(project_dir, merged.get("index_samples_path"))
    except (OSError, KeyError, ValueError) as exc:
        problem(f"the index samples cannot be read to check the year vars: {exc}")
        return typed, problems
    years = {n: int(merged[n]) for n, r in all_rules.items() if r["type"] == "year"}
    context = {**merged, **years}
    for name in years:
        message = _check_year(name, years[name], all_rules[name], context, samples, label)
        if message:
            problem(message)
    return typed, problems


def typed_overrides(overrides: dict[str, object], project_dir: Path = PROJECT_ROOT) -> dict:
    """Return the overrides typed for ``dbt --vars`` (JSON); raise ValueError when one is bad."""
    typed, problems = check_overrides(overrides, project_dir)
    if problems:
        raise VarError(problems[0].format())
    return typed
