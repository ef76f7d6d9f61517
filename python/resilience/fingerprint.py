"""A content fingerprint of a warehouse: one SHA-256 per table over its sorted rows.

Two warehouses with equal fingerprints hold the same rows, whatever the order dbt wrote
them in or the file's bytes. The determinism tests compare two builds from the same
inputs with it, the failure catalogue checks that a refused command left the marts and
``results`` unchanged, and the benchmark compares thread counts; the build never calls it.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from resilience import lock

VOLATILE_COLUMNS = frozenset(
    {"estimated_at", "built_at", "created_at", "run_at", "updated_at", "build_id"}
)


def fingerprint(db_path: Path, schemas: tuple[str, ...] = ("marts", "results")) -> dict[str, str]:
    """Return ``{schema.table: sha256}`` over each table's sorted rows.

    Timestamp columns and the names in :data:`VOLATILE_COLUMNS` are left out: they record
    when (or which build), not what. Floats are hashed by their exact ``repr``.
    """
    out = {}
    con = lock.connect(db_path, read_only=True)
    try:
        tables = con.execute(
            "select schema_name, table_name from duckdb_tables() where schema_name in "
            f"({', '.join('?' for _ in schemas)}) order by 1, 2",
            list(schemas),
        ).fetchall()
        for schema, table in tables:
            cols = con.execute(
                "select column_name, data_type from duckdb_columns() "
                "where schema_name = ? and table_name = ? order by column_index",
                [schema, table],
            ).fetchall()
            keep = [
                c for c, t in cols if c.lower() not in VOLATILE_COLUMNS and "TIMESTAMP" not in t
            ]
            select = ", ".join('"{}"'.format(c.replace('"', '""')) for c in keep) or "1"
            rows = con.execute(f'select {select} from "{schema}"."{table}"').fetchall()
            digest = hashlib.sha256()
            digest.update(repr(keep).encode())
            for rec in sorted(repr(r) for r in rows):
                digest.update(rec.encode())
                digest.update(b"\n")
            out[f"{schema}.{table}"] = digest.hexdigest()
    finally:
        con.close()
    return out
