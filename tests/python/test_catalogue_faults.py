"""Failure catalogue, faults: a full disk, a read-only or forbidden folder, an immutable
file (exit 7) and a damaged warehouse file (exit 8), through the real command line.

The faults are real where the machine lets a test make them: ``/dev/full`` as the output
file, a small tmpfs or a read-only bind mount in a private mount namespace (``unshare -m``),
root's permission override dropped (``setpriv``), ``chattr +i``. Two moments no real
condition can pick out (the disk filling exactly while the build records its outcome, or
while it renames the new warehouse over the old one) are injected by a ``sitecustomize``
module the test puts on ``PYTHONPATH`` (test code only: the package has no hook). A case
whose tool the machine lacks is skipped.

Each catalogue case names the exact one-line message; the harness (failure_catalogue.py)
checks the exit code and that the warehouse copy is byte-identical afterwards with nothing
half-written beside it. The damaged-file tests damage the warehouse on purpose, so they
check instead that ``estimate`` and ``report`` leave its bytes alone and that ``build``
moves it aside, byte-identical, to the place it names and builds a warehouse that passes.
"""

from __future__ import annotations

import functools
import os
import re
import shlex
import subprocess
import textwrap
from pathlib import Path

import pytest

from failure_catalogue import Case, _sha256, prepare, run_case, run_cli
from resilience import build as build_module
from resilience.fingerprint import fingerprint

pytestmark = pytest.mark.slow

GDP = "地区,2021年,2022年\n北京市,1,2\n河北,…,4\n"
KEPT = "warehouse {db} kept unchanged"
NO_SPACE = "No space left on device"
READ_ONLY = "Read-only file system"
DENIED = "Permission denied"
NOT_PERMITTED = "Operation not permitted"
EST = ("estimate", "--db", "{db}", "--tables", "wl_table2")


# ---- real conditions ---------------------------------------------------------------------


@functools.cache
def _works(*command: str) -> bool:
    try:
        return subprocess.run(command, capture_output=True, timeout=30).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


def _need_namespace() -> None:
    if not _works("unshare", "-m", "--propagation", "private", "sh", "-c",
                  "mount -t tmpfs -o size=4k tmpfs /mnt"):  # fmt: skip
        pytest.skip("no private mount namespace with tmpfs here (unshare -m, mount)")


def _in_namespace(script: str, command: list[str], after: str = ":") -> list[str]:
    """``command`` run by ``sh`` in a private mount namespace after ``script``, then ``after``."""
    _need_namespace()
    body = f'set -e\n{script}\nset +e\n"$@"\nrc=$?\n{after}\nexit $rc'
    return ["unshare", "-m", "--propagation", "private", "sh", "-c", body, "sh", *command]


def tmpfs(folder: str, size):
    """Run in a namespace where ``{tmp}/<folder>`` is a tmpfs of ``size`` bytes (or size(db)).

    The folder's files are copied in first; a copy of what the command left is made in
    ``{tmp}/after`` (the tmpfs disappears with the namespace).
    """

    def wrap(command: list[str], tmp: Path, db: Path) -> list[str]:
        where, stage, after = tmp / folder, tmp / ".stage", tmp / "after"
        where.mkdir(parents=True, exist_ok=True)
        nbytes = size(db) if callable(size) else size
        q = shlex.quote
        script = (
            f"mkdir -p {q(str(stage))} {q(str(after))}\n"
            f"cp -a {q(str(where))}/. {q(str(stage))}/\n"
            f"mount -t tmpfs -o size={nbytes} tmpfs {q(str(where))}\n"
            f"cp -a {q(str(stage))}/. {q(str(where))}/"
        )
        return _in_namespace(script, command, f"cp -a {q(str(where))}/. {q(str(after))}/")

    return wrap


def read_only(folder: str):
    """Run in a namespace where ``{tmp}/<folder>`` is bind-mounted read-only."""

    def wrap(command: list[str], tmp: Path, db: Path) -> list[str]:
        where = shlex.quote(str(tmp / folder))
        (tmp / folder).mkdir(parents=True, exist_ok=True)
        script = f"mount --bind {where} {where}\nmount -o remount,ro,bind {where} {where}"
        return _in_namespace(script, command)

    return wrap


def without_override(command: list[str], tmp: Path, db: Path) -> list[str]:
    """Run as root without CAP_DAC_OVERRIDE, so a folder's mode 555 refuses a write."""
    if os.geteuid() != 0:
        return command  # an ordinary user is refused by the mode anyway
    if not _works("setpriv", "--bounding-set=-dac_override,-dac_read_search", "true"):
        pytest.skip("setpriv cannot drop root's permission override here")
    return ["setpriv", "--bounding-set=-dac_override,-dac_read_search", *command]


def mode_555(folder: str):
    def setup(tmp: Path, db: Path) -> None:
        (tmp / folder).mkdir(parents=True, exist_ok=True)
        (tmp / folder).chmod(0o555)

    return setup


def _chattr(flag: str, target: str):
    def change(tmp: Path, db: Path) -> None:
        path = db if target == "{db}" else tmp / target
        if flag == "+i":
            path.parent.mkdir(parents=True, exist_ok=True)
            if not path.exists():
                path.write_text("old\n")
            if subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode:
                pytest.skip("chattr +i does not work on this file system")
        else:
            subprocess.run(["chattr", "-i", str(path)], capture_output=True)

    return change


def immutable(target: str) -> dict:
    """``setup``/``cleanup`` making ``{db}`` or ``{tmp}/<target>`` immutable (chattr +i)."""
    return {"setup": _chattr("+i", target), "cleanup": _chattr("-i", target)}


def injected(rule: str) -> dict:
    """``setup``/``env`` putting a test-only ``sitecustomize`` on PYTHONPATH that raises.

    ``rule`` is Python: the body of ``refuse(kind, path)``, returning an errno (raise) or
    None (let the call through), for ``kind`` "replace" (``os.replace``'s target) and
    "write" (``Path.write_text``).
    """
    source = textwrap.dedent(
        """
        import errno, os, pathlib

        def refuse(kind, path):
        {rule}

        _replace, _write_text = os.replace, pathlib.Path.write_text

        def replace(src, dst, *args, **kwargs):
            code = refuse("replace", str(dst))
            if code:
                raise OSError(code, os.strerror(code), str(dst))
            return _replace(src, dst, *args, **kwargs)

        def write_text(self, *args, **kwargs):
            code = refuse("write", str(self))
            if code:
                raise OSError(code, os.strerror(code), str(self))
            return _write_text(self, *args, **kwargs)

        os.replace, pathlib.Path.write_text = replace, write_text
        """
    ).replace("{rule}", textwrap.indent(textwrap.dedent(rule).strip(), "    "))

    def setup(tmp: Path, db: Path) -> None:
        (tmp / "inject").mkdir(exist_ok=True)
        (tmp / "inject" / "sitecustomize.py").write_text(source)

    pythonpath = os.pathsep.join(p for p in ("{tmp}/inject", os.environ.get("PYTHONPATH")) if p)
    return {"setup": setup, "env": {"PYTHONPATH": pythonpath}}


def db_plus(extra: int):
    """A tmpfs size: the warehouse copy's bytes plus ``extra`` (the sidecars take a page each)."""
    return lambda db: db.stat().st_size + extra


AFTER = "{tmp}/after/warehouse.duckdb"

CASES = [
    # ---- no space left on device (exit 7) ----
    Case(
        id="build_no_space_for_the_new_warehouse",
        argv=("build", "--db", "{db}"),
        wrap=tmpfs("wh", db_plus(1 << 20)),
        inspect=AFTER,
        last_line=True,
        exit_code=7,
        message=f"error: {NO_SPACE} on {{tmp}}/wh: dbt could not write the new warehouse there "
        f"(warehouse.building.duckdb, build/warehouse/); {KEPT}",
    ),
    Case(
        id="build_no_space_for_the_build_record",
        argv=("build", "--db", "{db}"),
        **injected("return errno.ENOSPC if path.endswith('.last_build.json.tmp') else None"),
        last_line=True,
        exit_code=7,
        message=f"error: {NO_SPACE} on {{tmp}}/wh/warehouse.last_build.json: cannot record "
        f"the build; {KEPT}",
    ),
    Case(
        id="build_no_space_while_swapping",
        argv=("build", "--db", "{db}"),
        **injected("return errno.ENOSPC if path.endswith('/wh/warehouse.duckdb') else None"),
        last_line=True,
        exit_code=7,
        message=f"error: {NO_SPACE} on {{db}}: cannot replace the warehouse with the new build; "
        f"{KEPT}",
    ),
    Case(
        id="estimate_no_space_for_the_results",
        argv=(*EST, "--out-dir", "{tmp}/tables"),
        wrap=tmpfs("wh", db_plus(8192)),
        inspect=AFTER,
        exit_code=7,
        message=f"error: {NO_SPACE} on {{tmp}}/wh/warehouse.duckdb.wal: cannot write the "
        "results into {db}; nothing was written",
    ),
    Case(
        id="estimate_no_space_for_the_tables",
        argv=(*EST, "--out-dir", "{tmp}/out"),
        wrap=tmpfs("out", 4096),
        exit_code=7,
        message=f"error: {NO_SPACE} on {{tmp}}/out/wl_table2.tex: cannot write the tables "
        "into {tmp}/out; nothing was written",
    ),
    Case(
        id="report_no_space_dev_full",
        argv=("report", "--db", "{db}", "--out", "/dev/full"),
        exit_code=7,
        message=f"error: {NO_SPACE} on /dev/full: cannot write the report; nothing was written",
    ),
    Case(
        id="report_no_space_tmpfs",
        argv=("report", "--db", "{db}", "--out", "{tmp}/out/index.html"),
        wrap=tmpfs("out", 4096),
        exit_code=7,
        message=f"error: {NO_SPACE} on {{tmp}}/out/index.html: cannot write the report; "
        "nothing was written",
    ),
    Case(
        id="import_no_space_dev_full",
        argv=("import", "{tmp}/gdp.csv", "--indicator", "gdp", "--out", "/dev/full"),
        files={"gdp.csv": GDP},
        exit_code=7,
        message=f"error: {NO_SPACE} on /dev/full: cannot write the imported values; nothing "
        "was written",
    ),
    Case(
        id="import_disk_quota_exceeded",
        argv=("import", "{tmp}/gdp.csv", "--indicator", "gdp", "--out", "{tmp}/v.csv"),
        files={"gdp.csv": GDP},
        **injected("return errno.EDQUOT if path.endswith('/v.csv') else None"),
        exit_code=7,
        message="error: Disk quota exceeded on {tmp}/v.csv: cannot write the imported values; "
        "nothing was written",
    ),
    # ---- read-only file system (exit 7) ----
    Case(
        id="build_read_only_folder",
        argv=("build", "--db", "{db}"),
        wrap=read_only("wh"),
        exit_code=7,
        message=f"error: {READ_ONLY} on {{db}}.build.lock: the build cannot write beside the "
        f"warehouse; {KEPT}",
    ),
    Case(
        id="estimate_read_only_folder",
        argv=(*EST, "--out-dir", "{tmp}/tables"),
        wrap=read_only("wh"),
        exit_code=7,
        message=f"error: {READ_ONLY} on {{db}}.build.lock: cannot write the results into {{db}}; "
        "nothing was written",
    ),
    Case(
        id="report_read_only_folder",
        argv=("report", "--db", "{db}", "--out", "{tmp}/out/index.html"),
        wrap=read_only("out"),
        exit_code=7,
        message=f"error: {READ_ONLY} on {{tmp}}/out/index.html: cannot write the report; "
        "nothing was written",
    ),
    Case(
        id="import_read_only_folder",
        argv=("import", "{tmp}/gdp.csv", "--indicator", "gdp", "--out", "{tmp}/out/v.csv"),
        files={"gdp.csv": GDP},
        wrap=read_only("out"),
        exit_code=7,
        message=f"error: {READ_ONLY} on {{tmp}}/out/v.csv: cannot write the imported values; "
        "nothing was written",
    ),
    # ---- permission denied: a folder of mode 555 (exit 7) ----
    Case(
        id="build_permission_denied",
        argv=("build", "--db", "{db}"),
        setup=mode_555("wh"),
        wrap=without_override,
        exit_code=7,
        message=f"error: {DENIED} on {{db}}.build.lock: the build cannot write beside the "
        f"warehouse; {KEPT}",
    ),
    Case(
        id="estimate_permission_denied",
        argv=(*EST, "--out-dir", "{tmp}/tables"),
        setup=mode_555("wh"),
        wrap=without_override,
        exit_code=7,
        message=f"error: {DENIED} on {{db}}.build.lock: cannot write the results into {{db}}; "
        "nothing was written",
    ),
    Case(
        id="report_permission_denied",
        argv=("report", "--db", "{db}", "--out", "{tmp}/out/index.html"),
        setup=mode_555("out"),
        wrap=without_override,
        exit_code=7,
        message=f"error: {DENIED} on {{tmp}}/out/index.html: cannot write the report; nothing "
        "was written",
    ),
    Case(
        id="import_permission_denied",
        argv=("import", "{tmp}/gdp.csv", "--indicator", "gdp", "--out", "{tmp}/out/v.csv"),
        files={"gdp.csv": GDP},
        setup=mode_555("out"),
        wrap=without_override,
        exit_code=7,
        message=f"error: {DENIED} on {{tmp}}/out/v.csv: cannot write the imported values; "
        "nothing was written",
    ),
    # ---- immutable files and folders: operation not permitted (exit 7) ----
    Case(
        id="estimate_immutable_warehouse",
        argv=(*EST, "--out-dir", "{tmp}/tables"),
        **immutable("{db}"),
        exit_code=7,
        message=f"error: {NOT_PERMITTED} on {{db}}: cannot write the results into {{db}}; "
        "nothing was written",
    ),
    Case(
        id="build_immutable_warehouse",
        argv=("build", "--db", "{db}"),
        **immutable("{db}"),
        last_line=True,
        exit_code=7,
        message=f"error: {NOT_PERMITTED} on {{db}}: cannot replace the warehouse with the new "
        f"build; {KEPT}",
    ),
    Case(
        id="build_immutable_folder",
        argv=("build", "--db", "{db}"),
        **immutable("wh"),
        exit_code=7,
        message=f"error: {NOT_PERMITTED} on {{db}}.build.lock: the build cannot write beside the "
        f"warehouse; {KEPT}",
    ),
    Case(
        id="report_over_an_immutable_file",
        argv=("report", "--db", "{db}", "--out", "{tmp}/out/index.html"),
        **immutable("out/index.html"),
        exit_code=7,
        message=f"error: {NOT_PERMITTED} on {{tmp}}/out/index.html: cannot write the report; "
        "nothing was written",
    ),
    # ---- a folder in the output path is a file (exit 7) ----
    Case(
        id="report_out_under_a_file",
        argv=("report", "--db", "{db}", "--out", "{tmp}/afile/index.html"),
        files={"afile": "not a folder\n"},
        exit_code=7,
        message="error: Not a directory on {tmp}/afile: cannot write the report; nothing was "
        "written",
    ),
    Case(
        id="import_out_under_a_file",
        argv=("import", "{tmp}/gdp.csv", "--indicator", "gdp", "--out", "{tmp}/afile/v.csv"),
        files={"gdp.csv": GDP, "afile": "not a folder\n"},
        exit_code=7,
        message="error: Not a directory on {tmp}/afile: cannot write the imported values; "
        "nothing was written",
    ),
    Case(
        id="estimate_out_dir_under_a_file",
        argv=(*EST, "--out-dir", "{tmp}/afile/tables"),
        files={"afile": "not a folder\n"},
        exit_code=7,
        message="error: Not a directory on {tmp}/afile: cannot write the tables into "
        "{tmp}/afile/tables; nothing was written",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_catalogue_faults(case, cli_built_warehouse, tmp_path):
    run_case(case, cli_built_warehouse, tmp_path)


# ---- a damaged warehouse file (exit 8; build moves it aside) -------------------------------


def _damage(kind: str, built: Path) -> bytes:
    return {
        "random_bytes": lambda: os.urandom(256 * 1024),
        "first_4k": lambda: built.read_bytes()[:4096],
        "empty": lambda: b"",
        "text": lambda: b"this is a text file, not a warehouse\n",
        "truncated_half": lambda: built.read_bytes()[: built.stat().st_size // 2],
    }[kind]()


DAMAGE = ["random_bytes", "first_4k", "empty", "text", "truncated_half"]
CAUSE = {
    "random_bytes": 'The file "{db}" exists, but it is not a valid DuckDB database file!',
    "empty": 'The file "{db}" exists, but it is not a valid DuckDB database file!',
    "text": 'The file "{db}" exists, but it is not a valid DuckDB database file!',
    "first_4k": 'Could not read enough bytes from file "{db}": attempted to read 4096 bytes '
    "from location 4096",
}


def _damaged_copy(kind: str, built: Path, tmp: Path) -> tuple[Path, dict, bytes]:
    case = Case(id=kind, argv=(), exit_code=8, message="")
    db, subs, _ = prepare(case, built, tmp)
    blob = _damage(kind, built)
    db.write_bytes(blob)
    return db, subs, blob


@pytest.mark.parametrize("command", ["estimate", "report"])
@pytest.mark.parametrize("kind", DAMAGE)
def test_damaged_warehouse_is_refused_and_left_alone(command, kind, cli_built_warehouse, tmp_path):
    db, subs, blob = _damaged_copy(kind, cli_built_warehouse, tmp_path)
    before = sorted(p.name for p in db.parent.iterdir())
    out = ["--out-dir", str(tmp_path / "tables")] if command == "estimate" else []
    out = out or ["--out", str(tmp_path / "out" / "index.html")]
    case = Case(id=kind, argv=(), exit_code=8, message="")
    proc = run_cli(case, [command, "--db", str(db), *out], subs, tmp_path, db)
    stderr = proc.stderr.strip()
    assert proc.returncode == 8, (proc.returncode, stderr)
    assert "Traceback" not in stderr and len(stderr.splitlines()) == 1, stderr
    cause = CAUSE.get(kind, r"Could not read enough bytes from file \"{db}\": .*")
    cause = cause.replace("{db}", str(db))
    pattern = (
        re.escape(f"error: warehouse {db} is damaged, not a readable DuckDB database (")
        + (re.escape(cause) if kind in CAUSE else cause)
        + re.escape("); run `resilience build`: it moves the damaged file aside and builds a "
                    "new warehouse")
    )  # fmt: skip
    assert re.fullmatch(pattern, stderr), stderr
    assert db.read_bytes() == blob, "the damaged warehouse was written to"
    assert sorted(p.name for p in db.parent.iterdir()) == before
    assert not (tmp_path / "tables").exists() or not any((tmp_path / "tables").iterdir())
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("kind", ["random_bytes", "first_4k"])
def test_build_moves_a_damaged_warehouse_aside_and_builds_anew(kind, cli_built_warehouse, tmp_path):
    db, subs, blob = _damaged_copy(kind, cli_built_warehouse, tmp_path)
    case = Case(id=kind, argv=(), exit_code=0, message="")
    proc = run_cli(case, ["build", "--db", str(db)], subs, tmp_path, db)
    assert proc.returncode == 0, (proc.stderr[-3000:], proc.stdout[-3000:])
    moved = re.search(r"moved aside to (\S+)\.\s*$", proc.stdout, re.M)
    assert moved, proc.stdout
    aside = Path(moved.group(1))
    assert re.fullmatch(r"warehouse\.damaged-\d{8}T\d{6}Z\.duckdb", aside.name), aside
    assert aside.parent == db.parent
    assert aside.read_bytes() == blob, "the damaged file was not moved aside byte for byte"
    assert f"Damaged warehouse {db} (" in " ".join(proc.stdout.split())
    assert fingerprint(db) == fingerprint(cli_built_warehouse)
    record = build_module.last_build(db)
    assert record["ok"] and record["moved_aside"] == str(aside) and record["damaged"]
    assert _sha256(db) != _sha256(aside)
    names = sorted(p.name for p in db.parent.iterdir() if p.name != "build")
    assert names == sorted(
        ["warehouse.duckdb", aside.name, "warehouse.duckdb.build.lock", "warehouse.last_build.json"]
    )
    # and the new warehouse serves estimate again
    est = run_cli(case, ["estimate", "--db", str(db), "--tables", "wl_table2", "--out-dir",
                         str(tmp_path / "tables")], subs, tmp_path, db)  # fmt: skip
    assert est.returncode == 0, est.stderr[-2000:]
