"""Shared fixtures and helpers of tests/python: the one place to look before writing
a helper in a test module.

Running dbt: `run_dbt` builds the project in-process (dbtRunner) into a throw-away
DuckDB file and returns a `Build` to read the results and the printed output back,
parsing the project once per process for the same files and vars; `run_dbt_cli`
runs the real `dbt` command line, as a process. Both take their command
line from tests/dbt_invocation.py (shared with tests/spark). Every build gets its
own DuckDB file and target folder, so tests never touch the developer's warehouse/
and can run in any order. Runs used by several modules: the fixtures
`parsed_project` and `parsed_manifest` (a parse), `sample_build` and
`ecomgen_sample_build`. `copy_project` copies the project, to change it and run the
copy; `project_models` (scripts/mart_interface.py) lists the models of a manifest.

Raw data (a raw_path folder of <table>.csv files): `generate_raw` (the generator,
scripts/generate_data.py), `copy_sample_as_raw_files` (the committed sample),
`write_raw` (a hand-made table), `append_rows` and `first_row` (edit a copied
file), `read_raw_text` (a table as text) and `csv_row_count`.

Publications (scripts/publish.py run as a process, read back as BI tools read them):
publishing.py, and the module fixtures `published` and `ecomgen_work`.

Differential tests (test_*_marts_reference.py): `Case`, one data set with its build
and its pandas reference (reference/; comparison helpers in reference/compare.py).
Two builds that must publish the same marts: `mart_differences`.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

import duckdb
import pandas as pd
import pytest
from dbt_common.events.functions import capture_stdout_logs, stop_capture_stdout_logs

from reference.common import RAW_COLUMNS

# tests/: the home of dbt_invocation.py, shared with tests/spark; scripts/: compare_builds.py
sys.path.append(str(Path(__file__).resolve().parents[1]))
sys.path.append(str(Path(__file__).resolve().parents[2] / "scripts"))
from dbt_invocation import (
    ECOMGEN_SAMPLE_DIR,
    PROJECT_DIR,
    SAMPLE_DIR,
    dbt_args,
    duckdb_env,
    duckdb_path,
    published_relations,
    run_dbt_command,
    target_path,
)

from mart_interface import project_models  # noqa: F401  (a helper of the test modules)
from parses import (  # noqa: F401  (parse_key: a helper of the test modules)
    manifest_for,
    parse_key,
    release_duckdb,
    seed_partial_parse,
)
from publishing import copy_publication, publish_env, run_publish

GENERATOR = PROJECT_DIR / "scripts" / "generate_data.py"

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
# the optional marketing family (built empty without its files; docs/raw_data.md)
MARKETING_TABLES = ["campaigns", "campaign_spend"]
ALL_TABLES = COMMERCE_TABLES + ["events"] + MARKETING_TABLES

os.environ["DBT_PROFILES_DIR"] = str(PROJECT_DIR)
# One dbt thread for every build of the tests (in-process, `dbt` and publish.py processes,
# `make build`): pytest already runs a build on each core, and on the test data a build
# at one thread takes less CPU than at the Makefile's two per core (DECISIONLOG X11).
# Builds at other thread counts are test_determinism's, which gives them explicitly.
os.environ["DBT_THREADS"] = "1"

R = TypeVar("R")


# --- running dbt ----------------------------------------------------------------------


@dataclass
class Build:
    """A finished dbt run: its DuckDB file, target folder, result and console output."""

    db_path: Path
    target_path: Path
    success: bool
    result: object
    # what the `dbt` command line prints for the same run: dbt's console log, its
    # error messages, and the stack trace of an error that is not dbt's own (`run_dbt`)
    output: str = ""

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
    args: list[str],
    workdir: Path,
    dbt_vars: dict | None = None,
    threads: int | None = None,
    project_dir: Path = PROJECT_DIR,
) -> Build:
    """Run `dbt <args>` in-process with dbtRunner against a fresh DuckDB file
    (with `threads`, dbt runs that many models at once; default: the profile's;
    `project_dir`: another copy of the project).

    A `build` leaves out dbt's unit tests: they mock every input, so they give the same
    result on any data set, and they run in `make test`'s dbt build (and with other vars
    in test_rule_overrides); here they would only repeat it, at a third of each build's
    time. Data tests always run.

    dbt parses the project once per process for each parse_key (its files and vars) and
    skips parsing on the runs after (parses.py). The Build's `output` is what
    the `dbt` command line prints for the same run (dbt's console log, captured), so a
    test of a message reads it there; run_dbt_cli is for what only a process shows."""
    from dbt.cli.main import dbtRunner

    workdir.mkdir(parents=True, exist_ok=True)
    os.environ.update(duckdb_env(workdir))
    if args[:1] == ["build"] and "unit_test" not in args:
        args = [*args, "--exclude-resource-type", "unit_test"]
    # no debug log file: writing it is about 7% of a build here; what the run printed
    # is in Build.output (DECISIONLOG X11)
    cli = dbt_args(args, workdir, dbt_vars, project_dir) + ["--log-level-file", "none"]
    if threads is not None:
        cli += ["--threads", str(threads)]
    reuse_parse = args[:1] != ["parse"]
    manifest = manifest_for(project_dir, dbt_vars, workdir) if reuse_parse else None
    console = io.StringIO()
    capture_stdout_logs(console)
    try:
        result = dbtRunner(manifest=manifest).invoke(cli)
    finally:
        stop_capture_stdout_logs()
        release_duckdb()
    return Build(duckdb_path(workdir), target_path(workdir), bool(result.success), result,
                 console.getvalue())


def run_dbt_cli(
    args: list[str], workdir: Path, dbt_vars: dict | None = None
) -> subprocess.CompletedProcess:
    """Run the real `dbt` command line, to see exactly what a user sees."""
    return run_dbt_command(args, workdir, dbt_vars, env=duckdb_env(workdir), timeout=900)


def copy_project(destination: Path, with_data: bool = True) -> Path:
    """A copy of the project in `destination`, to change and build or parse with
    `run_dbt(..., project_dir=destination)`: without the venvs, git, build artefacts
    and tests/python; with data/ (the committed sample) unless `with_data` is False
    (enough for `dbt parse` and `dbt ls`)."""
    skipped = {".git", "target", "logs", "warehouse", "site", "__pycache__", "python", "data"}

    def ignore(folder: str, names: list[str]) -> list[str]:
        top = Path(folder) == PROJECT_DIR
        return [
            n for n in names
            if n.startswith(".venv") or (n in skipped and (top or Path(folder).name == "tests"))
        ]

    shutil.copytree(PROJECT_DIR, destination, ignore=ignore)
    if with_data:
        shutil.copytree(PROJECT_DIR / "data", destination / "data")
    return destination


def mart_differences(build: Build, other: Build) -> dict[str, str]:
    """mart -> how it differs between two builds, for every table of schema `marts` of
    either (scripts/compare_builds.py's comparison: the same columns and types in order,
    the same rows as multisets). An empty dict: the two builds published the same marts."""
    from compare_builds import compare_marts

    return {d.mart: d.describe() for d in compare_marts(build.db_path, other.db_path)
            if not d.identical}


@dataclass
class Case(Generic[R]):
    """One data set of a differential test (test_*_marts_reference.py): its raw
    folder, the dbt build of that folder, and the pandas reference (reference/)
    computed from the same folder."""

    name: str
    raw_dir: Path
    build: Build
    ref: R


# --- raw data ---------------------------------------------------------------------------


def generate_raw(
    destination: Path, customers: int, events: int, seed: int, messiness: str, **options
) -> Path:
    """scripts/generate_data.py's output written to `destination` (a raw_path folder):
    `--customers customers --events events --seed seed --messiness messiness`, plus
    `options` as more of its options (days=40: `--days 40`; daily_files=True: the flag
    `--daily-files`)."""
    cli = [
        sys.executable,
        str(GENERATOR),
        "--out", str(destination),
        "--customers", str(customers),
        "--events", str(events),
        "--seed", str(seed),
        "--messiness", messiness,
    ]
    for name, value in options.items():
        flag = f"--{name.replace('_', '-')}"
        cli += [flag] if value is True else [flag, str(value)]
    proc = subprocess.run(cli, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, f"generator failed: {' '.join(cli[1:])}\n{proc.stderr}"
    return destination


def copy_sample_as_raw_files(destination: Path) -> Path:
    """A copy of the committed sample (data/sample/<t>.csv) to use as a raw_path folder."""
    destination.mkdir(parents=True, exist_ok=True)
    for table in ALL_TABLES:
        shutil.copyfile(SAMPLE_DIR / f"{table}.csv", destination / f"{table}.csv")
    return destination


def write_raw(
    folder: Path,
    table: str,
    rows: Iterable[Mapping | Sequence],
    columns: Sequence[str] | None = None,
) -> Path:
    """Write a hand-made raw file <folder>/<table>.csv: the header `columns` (default:
    the table's contract columns, reference.common.RAW_COLUMNS), then `rows`, each a
    dict (a column it lacks is blank, a key that is not a column is left out) or a
    sequence of values in column order; None is written blank. Returns `folder`."""
    columns = RAW_COLUMNS[table] if columns is None else columns
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / f"{table}.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([row.get(c) for c in columns] if isinstance(row, Mapping) else row)
    return folder


def append_rows(path: Path, rows: list[dict]) -> None:
    """Append dict rows to a raw CSV file, in the order of its header (missing: blank)."""
    with path.open(newline="", encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    with path.open("a", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
        for row in rows:
            writer.writerow({column: row.get(column, "") for column in header})


def first_row(path: Path) -> dict:
    """The first data row of a raw CSV file, as a dict of text."""
    with path.open(newline="", encoding="utf-8") as handle:
        return next(csv.DictReader(handle))


def read_raw_text(folder: Path, table: str) -> pd.DataFrame:
    """<folder>/<table>.csv as it is: every column as text, blanks '' (never NaN)."""
    return pd.read_csv(folder / f"{table}.csv", dtype=str, keep_default_na=False)


def csv_row_count(path: Path) -> int:
    """Data rows of a CSV file, counted with Python's csv module (quoted newlines safe)."""
    with path.open(newline="", encoding="utf-8") as handle:
        return sum(1 for _ in csv.reader(handle)) - 1


# --- builds shared by several modules --------------------------------------------------


# the thread count of the session's shared builds (the tests' DBT_THREADS), which
# test_determinism reuses as its 1-thread build
SHARED_BUILD_THREADS = 1


@pytest.fixture(scope="session")
def ecomgen_sample_build(tmp_path_factory) -> Build:
    """The third-party ecomgen sample (commerce only: it has no events file)."""
    build = run_dbt(
        ["build"],
        tmp_path_factory.mktemp("ecomgen_sample"),
        {"raw_path": str(ECOMGEN_SAMPLE_DIR), "enable_events": False},
        threads=SHARED_BUILD_THREADS,
    )
    assert build.success, "dbt build on the ecomgen sample failed"
    return build


@pytest.fixture(scope="session")
def parsed_project(tmp_path_factory) -> Build:
    """`dbt parse` of the project, once per session: what the parse-level checks read
    (`make check`)."""
    build = run_dbt(["parse"], tmp_path_factory.mktemp("parse"))
    assert build.success, "dbt parse failed"
    return build


@pytest.fixture(scope="session")
def parsed_manifest(parsed_project) -> dict:
    """The manifest of parsed_project (read-only: copy it before changing it)."""
    return json.loads((parsed_project.target_path / "manifest.json").read_text())


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory) -> Build:
    """The committed sample (data/sample), what `make build` builds (without the unit
    tests: run_dbt)."""
    build = run_dbt(["build"], tmp_path_factory.mktemp("sample"), threads=SHARED_BUILD_THREADS)
    assert build.success, "dbt build on the committed sample failed"
    return build


# --- publications (tests/python/publishing.py) ------------------------------------------


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    """One publication of the committed sample (`make build`), in its own folder (a
    module's tests copy it before changing it)."""
    root = tmp_path_factory.mktemp("published")
    code, out, err = run_publish(root)
    assert code == 0, out[-3000:] + err
    assert f"publish: published {len(published_relations())} marts" in out, out[-2000:]
    return root


@pytest.fixture(scope="module")
def ecomgen_work(published, tmp_path_factory) -> Path:
    """A folder with the sample's publication in place and, in its work database, a
    passed build of another data set (the ecomgen sample, commerce only: fewer marts),
    not yet published."""
    root = tmp_path_factory.mktemp("ecomgen_work")
    copy_publication(published, root)
    (root / "build").mkdir()
    dbt_vars = {"raw_path": str(ECOMGEN_SAMPLE_DIR), "enable_events": False,
                "freshness_warn_after_days": None}
    env = publish_env(root)
    seed_partial_parse(root / "target", json.dumps(dbt_vars), None, env)
    result = subprocess.run(
        [str(Path(sys.executable).with_name("dbt")), "build", "--project-dir", str(PROJECT_DIR),
         "--vars", json.dumps(dbt_vars)],
        cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=900,
    )
    assert result.returncode == 0, result.stdout[-3000:]
    return root


# --- scheduling ---------------------------------------------------------------------------

# The test files that take longest (several minutes each: many builds and publications),
# slowest first. `make pytest` hands whole files to its workers in collection order
# (`--no-loadscope-reorder`: xdist would sort them by their number of tests), so
# starting these first keeps one long file from running alone at the end. Only the order
# changes; every test runs.
SLOWEST_FILES = [
    "test_publish.py",
    "test_publish_refusals.py",
    "test_foundation.py",
    "test_raw_folders.py",
    "test_bench.py",
    "test_real_exports.py",
    "test_incremental.py",
    "test_determinism.py",
    "test_generator_builds.py",
    "test_customer_marts_reference.py",
    "test_hostile_arguments.py",
    "test_cart_marts_reference.py",
    "test_rule_overrides.py",
    "test_funnel_marts_reference.py",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Collect SLOWEST_FILES first (in that order), then the others as found."""

    def rank(item: pytest.Item) -> int:
        name = item.path.name
        return SLOWEST_FILES.index(name) if name in SLOWEST_FILES else len(SLOWEST_FILES)

    items.sort(key=rank)  # stable: the tests of a file keep their order
