"""Shared fixtures: build the project with dbt (through dbtRunner) into a
throw-away DuckDB file, and read the results back.

Every build gets its own DuckDB file and target folder, so tests never touch the
developer's warehouse/ and can run in any order.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

PROJECT_DIR = Path(__file__).resolve().parents[2]
# The third-party ecomgen sample, committed as test data (tests/data/ecomgen_sample/README.md).
ECOMGEN_SAMPLE_DIR = PROJECT_DIR / "tests" / "data" / "ecomgen_sample"
SAMPLE_SEEDS_DIR = PROJECT_DIR / "seeds" / "sample"
DBT = str(Path(sys.executable).with_name("dbt"))

COMMERCE_TABLES = [
    "customers",
    "product_catalog",
    "shopping_carts",
    "cart_items",
    "orders",
    "order_items",
    "returns",
    "return_items",
]
ALL_TABLES = COMMERCE_TABLES + ["events"]

os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ["DBT_PROFILES_DIR"] = str(PROJECT_DIR)


@dataclass
class Build:
    """A finished dbt build: its DuckDB file, target folder and result."""

    db_path: Path
    target_path: Path
    success: bool
    result: object

    def query(self, sql: str) -> list[tuple]:
        with duckdb.connect(str(self.db_path), read_only=True) as con:
            return con.execute(sql).fetchall()

    def df(self, sql: str):
        with duckdb.connect(str(self.db_path), read_only=True) as con:
            return con.execute(sql).df()

    def statuses(self) -> dict[str, str]:
        """unique_id -> status of every node dbt ran."""
        run_results = json.loads((self.target_path / "run_results.json").read_text())
        return {r["unique_id"]: r["status"] for r in run_results["results"]}


def run_dbt(
    args: list[str], workdir: Path, dbt_vars: dict | None = None, threads: int | None = None
) -> Build:
    """Run `dbt <args>` in-process with dbtRunner against a fresh DuckDB file
    (with `threads`, dbt runs that many models at once; default: the profile's)."""
    from dbt.cli.main import dbtRunner

    workdir.mkdir(parents=True, exist_ok=True)
    db_path = workdir / "warehouse.duckdb"
    target_path = workdir / "target"
    os.environ["DUCKDB_PATH"] = str(db_path)
    os.environ["DUCKDB_TEMP_DIRECTORY"] = str(workdir / "duckdb_tmp")
    cli = [
        *args,
        "--project-dir",
        str(PROJECT_DIR),
        "--profiles-dir",
        str(PROJECT_DIR),
        "--target-path",
        str(target_path),
        "--log-path",
        str(workdir / "logs"),
        "--no-partial-parse",
    ]
    if dbt_vars:
        cli += ["--vars", json.dumps(dbt_vars)]
    if threads is not None:
        cli += ["--threads", str(threads)]
    try:
        result = dbtRunner().invoke(cli)
    finally:
        release_duckdb()
    return Build(db_path, target_path, bool(result.success), result)


def release_duckdb() -> None:
    """Close the DuckDB instance dbt-duckdb keeps open in this process after a run,
    so that the tests can open the file themselves (DuckDB refuses a second
    connection with another configuration in the same process)."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    environment = DuckDBConnectionManager._ENV
    if environment is not None:
        environment.close()
    DuckDBConnectionManager.close_all_connections()


def run_dbt_cli(
    args: list[str], workdir: Path, dbt_vars: dict | None = None
) -> subprocess.CompletedProcess:
    """Run the real `dbt` command line, to see exactly what a user sees."""
    workdir.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env["DUCKDB_PATH"] = str(workdir / "warehouse.duckdb")
    env["DUCKDB_TEMP_DIRECTORY"] = str(workdir / "duckdb_tmp")
    cli = [
        DBT,
        *args,
        "--project-dir",
        str(PROJECT_DIR),
        "--profiles-dir",
        str(PROJECT_DIR),
        "--target-path",
        str(workdir / "target"),
        "--log-path",
        str(workdir / "logs"),
        "--no-partial-parse",
    ]
    if dbt_vars:
        cli += ["--vars", json.dumps(dbt_vars)]
    return subprocess.run(cli, capture_output=True, text=True, env=env, timeout=900)


def csv_row_count(path: Path) -> int:
    """Data rows of a CSV file, counted with Python's csv module (quoted newlines safe)."""
    with path.open(newline="", encoding="utf-8") as handle:
        return sum(1 for _ in csv.reader(handle)) - 1


def copy_sample_as_raw_files(destination: Path) -> Path:
    """The committed sample seeds as a raw_path folder: seeds/sample/*/sample_<t>.csv -> <t>.csv."""
    destination.mkdir(parents=True, exist_ok=True)
    for table in ALL_TABLES:
        [seed] = SAMPLE_SEEDS_DIR.glob(f"*/sample_{table}.csv")
        shutil.copyfile(seed, destination / f"{table}.csv")
    return destination


@pytest.fixture(scope="session")
def ecomgen_sample_build(tmp_path_factory) -> Build:
    """The third-party ecomgen sample (commerce only: it has no events file)."""
    build = run_dbt(
        ["build"],
        tmp_path_factory.mktemp("ecomgen_sample"),
        {"raw_path": str(ECOMGEN_SAMPLE_DIR), "enable_events": False},
    )
    assert build.success, "dbt build on the ecomgen sample failed"
    return build


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory) -> Build:
    """The committed sample (seeds), exactly what `make build` builds."""
    build = run_dbt(["build"], tmp_path_factory.mktemp("sample"))
    assert build.success, "dbt build on the committed sample failed"
    return build
