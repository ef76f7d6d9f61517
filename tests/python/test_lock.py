"""The environment is the lock: exact versions with hashes, refreshed by ``make lock``.

``make install`` installs ``requirements.lock`` and ``make install-test``
``requirements-test.lock`` with ``--require-hashes --no-deps``, then the package itself
without dependencies (Makefile); ``make test`` runs this file in that environment.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from conftest import PROJECT_ROOT

PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^ \\;]+)")


def pins(name: str) -> dict[str, str]:
    """``{canonical name: version}`` of a pip-compile lock file; every pin has a hash."""
    text = (PROJECT_ROOT / name).read_text()
    found = {}
    for block in re.split(r"\n(?=[A-Za-z0-9])", text):
        match = PIN.match(block)
        if match:
            assert "--hash=sha256:" in block, f"{name}: {match.group(1)} has no hash"
            found[canonicalize_name(match.group(1))] = match.group(2)
    return found


def test_the_locks_pin_every_dependency_within_pyproject_ranges():
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]
    runtime, test = pins("requirements.lock"), pins("requirements-test.lock")
    wanted = [(Requirement(r), runtime) for r in project["dependencies"]]
    wanted += [(Requirement(r), test) for r in project["optional-dependencies"]["test"]]
    for requirement, lock in wanted:
        name = canonicalize_name(requirement.name)
        assert name in lock, f"{requirement.name} is not in the lock; run make lock"
        assert requirement.specifier.contains(lock[name], prereleases=True), (
            f"{requirement.name}=={lock[name]} is outside pyproject.toml's "
            f"{requirement.specifier}; run make lock"
        )
    # the test environment is the runtime one plus the test tools, never other versions
    differ = {n: (v, test.get(n)) for n, v in runtime.items() if test.get(n) != v}
    assert not differ, f"runtime and test locks disagree: {differ}; run make lock"


def test_the_installed_environment_is_exactly_the_test_lock():
    frozen = subprocess.run(
        [sys.executable, "-m", "pip", "freeze", "--exclude-editable"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    installed = {}
    for line in frozen:
        match = PIN.match(line)
        if match:
            installed[canonicalize_name(match.group(1))] = match.group(2)
        elif line.strip() and not line.startswith("#"):
            pytest.fail(f"pip freeze lists {line!r}, which is not an exact pin")
    locked = pins("requirements-test.lock")
    extra = {n: v for n, v in installed.items() if n not in locked}
    missing = {n: v for n, v in locked.items() if n not in installed}
    other = {
        n: (installed[n], v) for n, v in locked.items() if n in installed and installed[n] != v
    }
    assert not (extra or missing or other), (
        f"the environment is not the lock (make install-test installs it): not locked "
        f"{extra}, not installed {missing}, other versions (installed, locked) {other}"
    )
