"""`dbt docs generate` works, and every model, seed and column it shows is described.

The catalog lists the columns each relation really has in the warehouse; the manifest
holds what the YAML documents. A column that exists but is undocumented, or a model or
seed without a description, fails with its name.
"""

from __future__ import annotations

import json

import pytest

from conftest import PROJECT_ROOT, run_dbt

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def docs(built_warehouse, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("docs")
    proc = run_dbt(["docs", "generate"], built_warehouse, tmp)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    manifest = json.loads((tmp / "target" / "manifest.json").read_text())
    catalog = json.loads((tmp / "target" / "catalog.json").read_text())
    return manifest, catalog


def own_nodes(manifest, resource_types=("model", "seed")):
    return {
        uid: node
        for uid, node in manifest["nodes"].items()
        if node["resource_type"] in resource_types
        and node["package_name"] == manifest["metadata"]["project_name"]
    }


def test_every_model_and_seed_has_a_description(docs):
    manifest, _ = docs
    missing = sorted(
        n["name"] for n in own_nodes(manifest).values() if not n["description"].strip()
    )
    assert missing == []


def test_every_column_in_the_warehouse_is_documented(docs):
    manifest, catalog = docs
    undocumented = []
    for uid, node in own_nodes(manifest).items():
        actual = catalog["nodes"].get(uid, {}).get("columns", {})
        documented = {
            name.lower()
            for name, column in node["columns"].items()
            if column.get("description", "").strip()
        }
        undocumented += [f"{node['name']}.{c}" for c in actual if c.lower() not in documented]
    assert undocumented == []


def test_the_overview_is_the_landing_page(docs):
    manifest, _ = docs
    overview = [
        d
        for d in manifest["docs"].values()
        if d["name"] == "__overview__" and d["package_name"] == manifest["metadata"]["project_name"]
    ]
    assert overview and "staging" in overview[0]["block_contents"]


def test_formula_doc_blocks_are_used_on_model_pages(docs):
    manifest, _ = docs
    nodes = own_nodes(manifest)
    weights = next(n for n in nodes.values() if n["name"] == "fct_index_weights")
    assert "ln" in weights["description"] and "{{" not in weights["description"]


def test_model_header_comments_have_no_stray_apostrophe():
    """dbt docs highlights a model's Source as SQL, where ``{# … #}`` is no comment: a
    possessive or a prime (``Tibet's``, ``z'``) opens a string literal and garbles the rest
    of the tab. Header comments write ’ and ′; a quote pairs on its line (``'imports'``)."""
    import re

    stray = []
    for path in sorted((PROJECT_ROOT / "models").rglob("*.sql")):
        text = path.read_text(encoding="utf-8")
        for comment in re.finditer(r"\{#(.*?)#\}", text, re.S):
            for line in comment.group(1).splitlines():
                if "'" in re.sub(r"'[^'\n]*'", "", line):
                    stray.append(f"{path.relative_to(PROJECT_ROOT)}: {line.strip()}")
    assert not stray, "write ’ (or ′ for a prime) in header comments:\n" + "\n".join(stray)
