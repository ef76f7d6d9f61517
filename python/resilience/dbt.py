"""Running dbt and reading what it leaves behind: the one module that talks to dbt.

Every command that runs dbt goes through here: ``resilience build`` and its Spark target
(:func:`run`, JSON logs for the live progress), the index and Martin builds on a user's
files, ``resilience sql --analysis`` and ``resilience docs`` (:func:`run_plain`, plain
output). The same environment for all (``RESILIENCE_DB`` names the DuckDB file; the
child dies with its parent where the kernel allows), the artifacts read in one place
(:func:`load_artifacts`), and one wording of a failure:

* a failing row of a data test is named by its test's ``meta.message`` template, filled
  from the row (:func:`failure_text`); dbt holds those messages (``tests/dbt/generic/``,
  the built-in tests overridden there, the singular tests' ``config()``), Python says
  nothing of its own about what a test means;
* the stored failing rows are read from schema ``test_failures``
  (:func:`failures_relation`, :func:`failing_rows`) through :func:`resilience.lock.connect`,
  which turns DuckDB's lock error into :class:`~resilience.errors.WarehouseLocked`;
* a node that errored is named by the line its error raised (:func:`error_line`), dbt
  that could not run at all by its ``... Error`` line (:func:`crash_line`).
"""

from __future__ import annotations

import ctypes
import json
import os
import re
import signal
import subprocess
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from resilience import lock, relations
from resilience.errors import Problem
from resilience.paths import DBT, PROJECT_ROOT

FAILING_ROWS_SHOWN = 5
"""Failing rows quoted per failing test (all of them stay queryable in test_failures)."""


# ---- running dbt --------------------------------------------------------------------------


def environment(
    db_file: Path, project_dir: Path = PROJECT_ROOT, extra_env: dict | None = None
) -> dict:
    """Return the environment dbt runs in: ours, with ``RESILIENCE_DB`` naming ``db_file``."""
    return {
        **os.environ, "RESILIENCE_DB": str(db_file), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "PWD": str(project_dir), **(extra_env or {}),
    }  # fmt: skip


def _die_with_parent() -> None:  # pragma: no cover - runs in the child
    """Ask the kernel to SIGKILL dbt when the build process dies (Linux prctl)."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def run(
    args: list[str],
    db_file: Path,
    work: Path,
    project_dir: Path = PROJECT_ROOT,
    on_event: Callable[[dict], None] | None = None,
    extra_env: dict[str, str] | None = None,
) -> tuple[int, list[str]]:
    """Run ``dbt <args>`` with JSON logs against ``db_file``; return (exit code, error lines).

    dbt writes its artifacts to ``work/target`` and its log to ``work/logs``; it is killed
    when this process dies. Each JSON log line is passed to ``on_event`` as it arrives
    (live progress). ``extra_env`` adds environment variables (the Spark target's folder).
    """
    env = environment(db_file, project_dir, extra_env)
    cmd = [
        DBT, *args, "--log-format", "json",
        "--target-path", str(work / "target"), "--log-path", str(work / "logs"),
    ]  # fmt: skip
    errors: list[str] = []
    with subprocess.Popen(
        cmd, cwd=project_dir, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True, bufsize=1, preexec_fn=_die_with_parent,
    ) as proc:  # fmt: skip
        try:
            for line in proc.stdout:
                try:
                    event = json.loads(line)
                except json.JSONDecodeError:
                    errors.append(line.rstrip())
                    continue
                info = event.get("info", {})
                if info.get("level") == "error":
                    errors.append(info.get("msg", ""))
                if on_event is not None:
                    on_event(event)
        except BaseException:
            proc.kill()
            raise
        code = proc.wait()
    return code, errors


def run_plain(
    args: list[str],
    db_file: Path,
    target_path: Path | None = None,
    log_path: Path | None = None,
    capture: bool = True,
) -> subprocess.CompletedProcess:
    """Run ``dbt <args>`` from the project root against ``db_file`` with plain output.

    ``target_path`` / ``log_path`` are passed on when given; with ``capture`` the output
    is returned as text, else it goes to the terminal (``dbt docs serve``).
    """
    cmd = [DBT, *args]
    if target_path is not None:
        cmd += ["--target-path", str(target_path)]
    if log_path is not None:
        cmd += ["--log-path", str(log_path)]
    return subprocess.run(
        cmd, cwd=PROJECT_ROOT, env=environment(Path(db_file).resolve()), capture_output=capture,
        text=capture, preexec_fn=_die_with_parent,
    )  # fmt: skip


def run_results_path(work: Path) -> Path:
    """Return where a run into ``work`` leaves ``run_results.json`` (absent: dbt did not run)."""
    return work / "target" / "run_results.json"


def load_artifacts(work: Path) -> tuple[list[dict], dict]:
    """Return (the results of every node, the manifest) of the last run into ``work``."""
    run_results = json.loads(run_results_path(work).read_text())["results"]
    manifest = json.loads((work / "target" / "manifest.json").read_text())
    return run_results, manifest


def dependent_models(manifest: dict, name: str) -> list[str]:
    """Models downstream of source ``inputs.<name>`` (the ones a skipped input leaves out)."""
    children = manifest.get("child_map", {})
    start = f"source.{manifest['metadata'].get('project_name', 'resilience_warehouse')}"
    stack, seen = list(children.get(f"{start}.inputs.{name}", [])), set()
    while stack:
        uid = stack.pop()
        if uid in seen:
            continue
        seen.add(uid)
        stack.extend(children.get(uid, []))
    return sorted(uid.split(".")[-1] for uid in seen if uid.startswith("model."))


ANSI = re.compile(r"\x1b\[[0-9;]*m")
LOG_TIME = re.compile(r"^\d\d:\d\d:\d\d\s+")


def crash_line(proc: subprocess.CompletedProcess) -> str:
    """Return why dbt gave up, on one line: its ``... Error`` line and the line below it.

    E.g. ``Compilation Error in model int_indicators_normalized: var index_scope=weekly:
    expected one of pooled, per_year``; else dbt's last line of output.
    """
    lines = [
        LOG_TIME.sub("", ANSI.sub("", line)).strip()
        for line in (proc.stdout + "\n" + proc.stderr).splitlines()
    ]
    lines = [line for line in lines if line]
    for i, line in enumerate(lines):
        if re.search(r"\b\w+ Error\b", line) and not line.startswith(">"):
            head = re.sub(r"\s*\([^)]*\)$", "", line)
            detail = lines[i + 1] if i + 1 < len(lines) and not lines[i + 1].startswith(">") else ""
            return f"{head}: {detail}" if detail else head
    return lines[-1] if lines else f"dbt exited with code {proc.returncode}"


# ---- turning failing tests into messages --------------------------------------------------


@dataclass
class NodeOutcome:
    """One dbt node that did not pass (failing/warning test, erroring model, skipped node)."""

    unique_id: str
    name: str
    resource_type: str
    status: str
    message: str
    failures: int | None = None
    relation: str | None = None
    rows: list[dict] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)


UNIT_COLUMNS = ("unit_id", "province_code", "country_code", "unit")


def raw_files(node_id: str, manifest: dict, user_files: dict[str, str]) -> list[str]:
    """Return the raw input files upstream of a node (user files replace their seeds)."""
    nodes, sources = manifest["nodes"], manifest.get("sources", {})
    seen, stack, files = set(), [node_id], []
    while stack:
        uid = stack.pop()
        if uid in sources:  # an input file read where it lies (external_location)
            config = sources[uid].get("config") or {}
            location = config.get("external_location") or (sources[uid].get("meta") or {}).get(
                "external_location"
            )
            if location:
                files.append(shown_path(location))
            continue
        if uid in seen or uid not in nodes:
            continue
        seen.add(uid)
        node = nodes[uid]
        if node["name"] in user_files:
            files.append(user_files[node["name"]])
            continue
        if node["resource_type"] == "seed":
            files.append(node["original_file_path"])
        stack.extend(node.get("depends_on", {}).get("nodes", []))
    own = [f for f in files if "/reference/" not in f]  # reference seeds only when alone
    return sorted(set(own or files))


def shown_path(location: str) -> str:
    """Return a path as messages show it: relative to the project root when inside it."""
    path = Path(location.strip("'"))
    if not path.is_absolute():
        return str(path)
    try:
        return str(path.relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)


class _Missing:
    """A null cell of a failing row: empty in ``{field}``, ``None`` in ``{field!r}``."""

    def __format__(self, spec: str) -> str:
        return format("", spec)

    def __repr__(self) -> str:
        return "None"


class _TemplateFields(dict):
    """The fields of a message template: the failing row's columns, then the test's arguments."""

    def __init__(self, row: dict, kwargs: dict):
        super().__init__({k: _Missing() if v is None else v for k, v in row.items()})
        self.kwargs = kwargs

    def __missing__(self, key: str):
        if key in self.kwargs:
            return self.kwargs[key]
        raise KeyError(key)


def failure_text(node: dict, row: dict) -> str:
    """Return what a failing row of a test means: its ``meta.message`` filled from the row.

    Every data test declares its message template in dbt (``config.meta.message``: the
    generic tests under ``tests/dbt/generic/``, the built-in ones overridden there too, the
    singular tests in their ``config()``, a YAML test in its ``config: meta:``). A
    placeholder names a column of the failing row (``{n_rows}``, ``{value_text!r}``) or,
    failing that, an argument of the test as written in the YAML (``{to}``,
    ``{expression}``). A template that cannot be filled is returned as it stands.
    """
    template = (node.get("config", {}).get("meta") or {}).get("message") or (
        node.get("meta") or {}
    ).get("message")
    if not template:
        return node.get("description") or f"fails test {node['name']}"
    kwargs = (node.get("test_metadata") or {}).get("kwargs", {})
    try:
        return template.format_map(_TemplateFields(row, kwargs))
    except (KeyError, IndexError, ValueError, AttributeError):
        return template


def describe_failure(node: dict, row: dict, manifest: dict, user_files: dict[str, str]) -> str:
    """Return the one-line message of a failing row: file (model), unit, year, indicator, what."""
    meta = node.get("test_metadata") or {}
    kind, kwargs = meta.get("name"), meta.get("kwargs", {})
    column = node.get("column_name") or kwargs.get("column_name")
    deps = node.get("depends_on", {}).get("nodes", [])
    attached = node.get("attached_node") or next(
        (d for d in deps if d.split(".")[-1] not in {r.name for r in relations.REFERENCE_STAGED}),
        deps[0] if deps else None,
    )
    model = manifest["nodes"].get(attached, {}).get("name", attached or node["name"])
    files = raw_files(attached, manifest, user_files) if attached else []
    source = f"{files[0]} ({model})" if len(files) == 1 else model
    lower = {k.lower(): v for k, v in row.items()}
    unit = next((lower[c] for c in UNIT_COLUMNS if lower.get(c) not in (None, "")), None)
    indicator = lower.get("indicator")
    # a test whose meta says so names the failing cell's indicator by its column (a
    # column of a wide input file): not_null, accepted_range, expression_is_true
    meta = {**(node.get("meta") or {}), **((node.get("config") or {}).get("meta") or {})}
    by_column = bool(meta.get("column_is_indicator"))
    if indicator is None and by_column and column and column not in UNIT_COLUMNS + ("year",):
        indicator = column
    problem = Problem(
        check=kind or "singular",
        file=source,
        message=f"{failure_text(node, lower)} [{node['name']}]",
        unit=None if unit is None else str(unit),
        year=None if lower.get("year") is None else str(lower.get("year")),
        indicator=None if indicator is None else str(indicator),
    )
    return problem.format()


def failures_relation(node: dict) -> str:
    """Return the table (``"test_failures"."<test>"``) where dbt stored a test's failing rows."""
    alias = node.get("alias") or node["name"]
    schema = node.get("schema") or "test_failures"
    return '"{}"."{}"'.format(schema.replace('"', '""'), alias.replace('"', '""'))


def failing_rows(con, node: dict, limit: int) -> list[dict]:
    """Read up to ``limit`` stored failing rows of a test from schema test_failures."""
    try:
        cur = con.execute(f"select * from {failures_relation(node)} limit {int(limit)}")
    except Exception:  # noqa: BLE001 - a missing table just means no stored rows
        return []
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, rec, strict=True)) for rec in cur.fetchall()]


_ERROR_PREFIX = re.compile(
    r"^(?:[A-Z][A-Za-z]* )*(?:Error|Exception)\s*:\s*|^[A-Za-z_.]*(?:Error|Exception):\s*"
)


def error_line(message: str) -> str:
    """Return the informative line of a dbt node error (the raised message, not the stack)."""
    lines = [line.strip() for line in (message or "").splitlines() if line.strip()]
    if not lines:
        return "failed"
    if any(line.startswith("Traceback") for line in lines):  # a Python model raised
        raised = [line for line in lines if re.match(r"^[A-Za-z_.]*(Error|Exception): ", line)]
        if raised:
            return _ERROR_PREFIX.sub("", raised[-1])
    body = [
        line for line in lines if not re.match(r"^(Runtime|Compilation|Database) Error in ", line)
    ]
    return _ERROR_PREFIX.sub("", (body or lines)[0])


def node_error_message(node: dict, message: str, manifest: dict, user_files: dict[str, str]) -> str:
    """One line for a node that errored: ``file (model): <the error it raised>``."""
    files = raw_files(node.get("unique_id", ""), manifest, user_files)
    source = f"{files[0]} ({node['name']})" if len(files) == 1 else node["name"]
    return f"{source}: {error_line(message)}"


def collect_outcomes(
    run_results: list[dict], manifest: dict, db_file: Path | None,
    user_files: dict[str, str], limit: int = FAILING_ROWS_SHOWN,
) -> tuple[dict[str, Counter], list[NodeOutcome], list[NodeOutcome]]:  # fmt: skip
    """Count node statuses and describe every failing / warning node with its rows."""
    counts: dict[str, Counter] = {}
    failing, warnings = [], []
    con = lock.connect(db_file, read_only=True) if db_file and db_file.exists() else None
    try:
        for res in run_results:
            uid = res["unique_id"]
            node = manifest["nodes"].get(uid, {"name": uid, "resource_type": uid.split(".")[0]})
            rtype = node["resource_type"]
            counts.setdefault(rtype, Counter())[res["status"]] += 1
            if res["status"] not in ("fail", "warn", "error"):
                continue
            outcome = NodeOutcome(
                uid, node["name"], rtype, res["status"], (res.get("message") or "").strip(),
                failures=res.get("failures"), relation=node.get("relation_name"),
            )  # fmt: skip
            if rtype == "test" and res["status"] != "error" and con is not None:
                outcome.rows = failing_rows(con, node, limit)
                outcome.messages = [
                    describe_failure(node, row, manifest, user_files) for row in outcome.rows
                ]
            if not outcome.messages:
                outcome.messages = [node_error_message(node, outcome.message, manifest, user_files)]
            (warnings if res["status"] == "warn" else failing).append(outcome)
    finally:
        if con is not None:
            con.close()
    return counts, failing, warnings
