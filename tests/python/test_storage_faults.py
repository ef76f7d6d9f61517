"""The one mapping of file-system and warehouse-file faults to exit 7 and 8 (in-process)."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from resilience import lock, results
from resilience.cli import _exit_code_for, _one_line
from resilience.errors import (
    StorageError,
    WarehouseDamaged,
    classify,
    storage_cause_in_log,
    storage_faults,
)
from resilience.paths import write_atomically


@pytest.mark.parametrize(
    ("code", "text"),
    [
        (errno.ENOSPC, "No space left on device"),
        (errno.EDQUOT, "Disk quota exceeded"),
        (errno.EROFS, "Read-only file system"),
        (errno.EACCES, "Permission denied"),
        (errno.EPERM, "Operation not permitted"),
    ],
)
def test_an_os_error_of_a_refused_write_is_exit_7_with_cause_and_path(code, text):
    mapped = classify(OSError(code, os.strerror(code), "/data/x.csv"), doing="cannot write x")
    assert isinstance(mapped, StorageError) and mapped.exit_code == 7
    assert str(mapped) == f"{text} on /data/x.csv: cannot write x"
    assert _exit_code_for(mapped) == 7 and _one_line(mapped) == str(mapped)


def test_other_errors_are_not_storage_faults():
    assert classify(FileNotFoundError(errno.ENOENT, "No such file", "/x")) is None
    assert classify(ValueError("bad")) is None
    assert classify(duckdb.CatalogException("Table with name x does not exist")) is None


def test_a_duckdb_io_error_naming_the_cause_keeps_its_file():
    exc = duckdb.IOException(
        'IO Error: Could not write file "/wh/warehouse.duckdb.wal": No space left on device'
    )
    mapped = classify(exc, "/wh/warehouse.duckdb", "cannot write the results")
    assert isinstance(mapped, StorageError)
    assert str(mapped) == (
        "No space left on device on /wh/warehouse.duckdb.wal: cannot write the results"
    )


@pytest.mark.parametrize(
    "text",
    [
        'IO Error: The file "/wh/w.duckdb" exists, but it is not a valid DuckDB database file!',
        'IO Error: Could not read enough bytes from file "/wh/w.duckdb": attempted to read 4096 '
        "bytes from location 4096",
        "Corrupt database file: computed checksum 1 does not match stored checksum 2 in block",
    ],
)
def test_a_duckdb_error_saying_the_file_is_no_database_is_exit_8(text):
    mapped = classify(duckdb.IOException(text), "/wh/w.duckdb")
    assert isinstance(mapped, WarehouseDamaged) and mapped.exit_code == 8
    assert str(mapped).startswith("warehouse /wh/w.duckdb is damaged, not a readable DuckDB ")
    assert "IO Error" not in mapped.cause


def test_dbt_log_lines_name_the_cause_behind_a_logging_error(tmp_path):
    lines = [
        "--- Logging error ---",
        "OSError: [Errno 28] No space left on device",
        "Arguments: ()",
    ]
    assert storage_cause_in_log(lines, tmp_path) == "No space left on device"
    # a permission problem counts only on a path the build writes (not an input it reads)
    denied = ["Permission denied: '/home/me/inputs/values.csv'"]
    assert storage_cause_in_log(denied, tmp_path) is None
    assert storage_cause_in_log([f"Permission denied: '{tmp_path}/x.duckdb'"], tmp_path) == (
        "Permission denied"
    )
    assert storage_cause_in_log(["Arguments: ()"], tmp_path) is None


def test_storage_faults_context_maps_and_passes_others_through(tmp_path):
    with pytest.raises(StorageError, match="^Disk quota exceeded on /q: cannot write it$"):
        with storage_faults("cannot write it", "/q"):
            raise OSError(errno.EDQUOT, os.strerror(errno.EDQUOT))
    with pytest.raises(KeyError), storage_faults("x"):
        raise KeyError("k")


def test_write_atomically_leaves_no_half_written_file(tmp_path, monkeypatch):
    target = tmp_path / "out.txt"
    target.write_text("old\n")
    real_replace = os.replace

    def full(src, dst):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(src))

    monkeypatch.setattr(os, "replace", full)
    with pytest.raises(OSError) as info:
        write_atomically(target, "new\n")
    assert info.value.filename == str(target)  # the file asked for, not the temporary one
    monkeypatch.setattr(os, "replace", real_replace)
    assert target.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


class _FailingCommit:
    """A connection whose commit fails the way a full disk makes it fail."""

    def __init__(self, con):
        self.con = con

    def __getattr__(self, name):
        return getattr(self.con, name)

    def execute(self, sql, *args):
        if sql.strip() == "commit":
            self.con.execute("rollback")  # DuckDB ends the transaction when commit fails
            raise duckdb.IOException(
                'IO Error: Could not write file "/wh/w.duckdb.wal": No space left on device'
            )
        return self.con.execute(sql, *args)


def test_a_failed_commit_raises_its_cause_not_the_rollbacks(tmp_path):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    try:
        results.ensure_schema(con)
        tests = pd.DataFrame(
            [{"model_id": "m", "table_id": "t", "test_name": "hausman", "statistic": 1.0, "df": 1.0,
              "p_value": 0.5, "detail": "{}"}]
        )  # fmt: skip
        with pytest.raises(duckdb.IOException, match="No space left on device"):
            results.write_results(_FailingCommit(con), [], tests)
        assert con.execute("select count(*) from results.tests").fetchone()[0] == 0
    finally:
        con.close()


def test_connect_names_a_damaged_file_and_check_readable_refuses_it(tmp_path):
    bad = tmp_path / "w.duckdb"
    bad.write_bytes(b"not a database\n")
    with pytest.raises(WarehouseDamaged) as info:
        lock.check_readable(bad)
    assert info.value.path == bad
    assert bad.read_bytes() == b"not a database\n"
    lock.check_readable(tmp_path / "absent.duckdb")  # nothing to read: passes
    assert not Path(tmp_path / "absent.duckdb").exists()
