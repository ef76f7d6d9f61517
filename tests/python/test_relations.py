"""One catalog of the relations Python reads (``resilience.relations``), kept true.

* every catalog relation is a model of the dbt project (the manifest of ``dbt parse``) or a
  table the results module creates, and is in a built warehouse;
* no module of ``python/resilience`` but ``relations.py`` spells a relation's name in code
  (a scanner over the string literals, itself tested on a snippet so it can fail);
* the report reads marts and results only, never staging or intermediate;
* the dbt exposures (``models/exposures.yml``) depend on exactly the marts ``READS`` lists
  for their consumer, so ``dbt docs`` and the code cannot drift apart.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import duckdb
import pytest

from conftest import PROJECT_ROOT, run_dbt
from resilience import relations, report, results
from resilience.relations import CATALOG, READS

RELATION = (
    r"(?:marts|results|staging|intermediate|reference|raw|warehouse_meta)\.[a-z_][a-z0-9_]*"
    r"|(?:stg|int|fct|dim|panel|bdg)_[a-z0-9_]+"
)
NAMED = re.compile(rf"\+?(?:{RELATION})\+?")
"""A literal that is a relation's name, a dbt selector of one, or a model-name prefix."""
IN_SQL = re.compile(rf"\b(?:from|join|into|table)\s+\"?(?:{RELATION})\b", re.IGNORECASE)
"""SQL text that reads or writes a named relation."""
PACKAGE = PROJECT_ROOT / "python" / "resilience"


def _docstrings(tree: ast.AST) -> set[int]:
    """Ids of the string statements (module, class, function and attribute docstrings)."""
    return {
        id(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    }


def relation_literals(source: str) -> list[tuple[int, str]]:
    """``(line, literal)`` of each string literal in ``source`` that names a relation in code.

    A literal counts when it is a relation name (``"marts.fct_index_scores"``,
    ``"fct_index_scores"``, ``"+fct_martin_resilience"``, ``"stg_reference__"``) or SQL
    naming one (``"select * from marts.x"``). Docstrings, and prose that mentions a relation
    for a reader (an error message, a note), do not count; the parts of an f-string are
    checked one by one, so ``f"select * from {relations.INDEX_SCORES}"`` passes.
    """
    tree = ast.parse(source)
    skipped = _docstrings(tree)
    return sorted(
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in skipped
        and (NAMED.fullmatch(node.value.strip()) or IN_SQL.search(node.value))
    )


def test_the_scanner_finds_relation_names_in_code():
    snippet = '''
"""Docstring naming marts.fct_index_scores: fine."""
A = "marts.fct_index_scores"
B = "fct_index_weights"
C = ["+fct_martin_resilience"]
D = "select x from marts.panel_dataflow_export where y"
E = f"select * from intermediate.int_exports_rebased {A}"
F = name.startswith("stg_reference__")
G = f"select * from {A} order by all"
H = "Not built yet: marts.fct_index_weights is not in the warehouse."
I = "weights.csv"
'''
    found = [text for _, text in relation_literals(snippet)]
    assert found == [
        "marts.fct_index_scores",
        "fct_index_weights",
        "+fct_martin_resilience",
        "select x from marts.panel_dataflow_export where y",
        "select * from intermediate.int_exports_rebased ",
        "stg_reference__",
    ]


def test_no_module_but_the_catalog_names_a_relation():
    found = [
        f"{path.name}:{line}: {text!r}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if path.name != "relations.py"
        for line, text in relation_literals(path.read_text(encoding="utf-8"))
    ]
    assert not found, "relation names outside resilience.relations:\n" + "\n".join(found)


def test_the_catalog_names_each_relation_once():
    names = [str(r) for r in CATALOG]
    assert len(names) == len(set(names))
    assert all(r in CATALOG for reads in READS.values() for r in reads)


def test_the_report_reads_marts_and_results_only():
    assert set(report.TABLES.values()) <= set(READS["report"])
    assert set(READS["sensitivity"]) <= set(READS["report"])
    wrong = [str(r) for r in READS["report"] if r.schema in ("staging", "intermediate")]
    assert not wrong, f"the report reads {wrong}: add a mart for it"
    # only the commands that run dbt name staging nodes (to select them, or to stand a
    # user's file in for one); none reads an intermediate relation
    for consumer, reads in READS.items():
        layers = {r.schema for r in reads}
        assert "intermediate" not in layers, consumer
        if consumer not in ("build", "indices"):
            assert "staging" not in layers, consumer


@pytest.fixture(scope="module")
def manifest(tmp_path_factory) -> dict:
    tmp = tmp_path_factory.mktemp("relations")
    proc = run_dbt(["parse"], tmp / "unused.duckdb", tmp)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return json.loads((tmp / "target" / "manifest.json").read_text())


def test_every_dbt_relation_of_the_catalog_is_a_model(manifest):
    models = {
        (node["schema"], node["name"])
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model"
    }
    missing = [str(r) for r in CATALOG if r.is_dbt_model and (r.schema, r.name) not in models]
    assert not missing, f"not models of the dbt project: {missing}"


def test_every_python_written_relation_is_created_by_the_results_module():
    con = duckdb.connect()
    results.ensure_schema(con)
    con.execute(results.CURVE_DDL)
    con.execute(results.CURVE_SUMMARY_DDL)
    results.record_build(con, "b", __import__("datetime").datetime.now(results.UTC))
    tables = {
        f"{s}.{t}"
        for s, t in con.execute("select schema_name, table_name from duckdb_tables()").fetchall()
    }
    missing = [str(r) for r in CATALOG if not r.is_dbt_model and str(r) not in tables]
    assert not missing, f"not created by resilience.results: {missing}"


def test_every_mart_of_the_catalog_is_in_the_built_warehouse(built_warehouse: Path):
    with duckdb.connect(str(built_warehouse), read_only=True) as con:
        present = {
            f"{s}.{t}"
            for s, t in con.execute(
                "select table_schema, table_name from information_schema.tables"
            ).fetchall()
        }
    missing = [str(r) for r in CATALOG if r.is_dbt_model and str(r) not in present]
    assert not missing, f"not in the built warehouse: {missing}"


def test_the_exposures_depend_on_exactly_what_each_consumer_reads(manifest):
    exposures = {e["name"]: e for e in manifest["exposures"].values()}
    consumers = {c for c, reads in READS.items() if any(r.schema == "marts" for r in reads)}
    assert set(exposures) == consumers
    names = {uid: node["name"] for uid, node in manifest["nodes"].items()}
    for consumer in consumers:
        declared = sorted(names[uid] for uid in exposures[consumer]["depends_on"]["nodes"])
        read = sorted(r.name for r in READS[consumer] if r.is_dbt_model)
        assert declared == read, f"exposure {consumer} (models/exposures.yml) vs READS"


def test_the_relation_is_written_as_sql_names_it():
    assert str(relations.INDEX_SCORES) == "marts.fct_index_scores"
    assert relations.INDEX_SCORES.is_dbt_model
    assert not relations.MODELS.is_dbt_model


def test_the_panel_and_index_marts_python_reads_have_enforced_contracts(manifest):
    read = {r.name for reads in READS.values() for r in reads if r.is_dbt_model}
    guarded = {
        node["name"]: node["contract"]["enforced"]
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model"
        and node["name"] in read
        and node["language"] == "sql"  # dbt enforces no contract on a Python model
        and (node["name"].startswith("panel_") or node["path"].startswith("marts/indices/"))
    }
    assert {"panel_spillover_resilience", "fct_index_scores"} <= set(guarded)
    assert all(guarded.values()), [name for name, on in guarded.items() if not on]
