"""How the tests run dbt on this project: the one place that builds a dbt command line.

Used by tests/python/conftest.py (`run_dbt`, in-process with dbtRunner, and
`run_dbt_cli`, the real `dbt` command) and by tests/spark/test_spark_parity.py.
Every run gets its own work folder: the DuckDB file, dbt's target and log folders
and DuckDB's spill folder all live in it, so tests never touch the developer's
warehouse/ or target/ and can run in any order.

Importable from both test folders: tests/python/conftest.py and
tests/spark/test_spark_parity.py put this folder (tests/) on sys.path.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import yaml

PROJECT_DIR = Path(__file__).resolve().parents[1]
# The committed sample (generator output), what a plain `dbt build` reads.
SAMPLE_DIR = PROJECT_DIR / "data" / "sample"
# The third-party ecomgen sample, committed as test data (tests/data/ecomgen_sample/README.md).
ECOMGEN_SAMPLE_DIR = PROJECT_DIR / "tests" / "data" / "ecomgen_sample"
# dbt of the venv that runs the tests (.venv or .venv-spark)
DBT = str(Path(sys.executable).with_name("dbt"))

os.environ.setdefault("DO_NOT_TRACK", "1")


def duckdb_path(workdir: Path) -> Path:
    """The throw-away DuckDB file of a run in `workdir`."""
    return workdir / "warehouse.duckdb"


def target_path(workdir: Path) -> Path:
    """dbt's target folder (manifest, run_results, compiled SQL) of a run in `workdir`."""
    return workdir / "target"


def duckdb_env(workdir: Path) -> dict[str, str]:
    """The environment variables profiles.yml's duckdb target reads: the DuckDB file
    and DuckDB's temporary (spill) folder, both in `workdir`."""
    return {
        "DUCKDB_BUILD_PATH": str(duckdb_path(workdir)),
        "DUCKDB_TEMP_DIRECTORY": str(workdir / "duckdb_tmp"),
    }


def dbt_args(
    args: list[str],
    workdir: Path,
    dbt_vars: dict | None = None,
    project_dir: Path = PROJECT_DIR,
) -> list[str]:
    """`dbt <args>` (without the `dbt`) with the options of every test run: the
    project (`project_dir`: this one, or a copy of it) and its profiles.yml, target
    and log folders in `workdir`, no partial parsing, and `dbt_vars` as JSON."""
    cli = [
        *args,
        "--project-dir",
        str(project_dir),
        "--profiles-dir",
        str(project_dir),
        "--target-path",
        str(target_path(workdir)),
        "--log-path",
        str(workdir / "logs"),
        "--no-partial-parse",
    ]
    if dbt_vars:
        cli += ["--vars", json.dumps(dbt_vars)]
    return cli


def run_dbt_command(
    args: list[str],
    workdir: Path,
    dbt_vars: dict | None = None,
    env: dict[str, str] | None = None,
    timeout: float | None = None,
) -> subprocess.CompletedProcess:
    """Run the real `dbt` command line (`dbt_args`) in the project folder, with the
    process's environment plus `env`; its output is captured as text."""
    workdir.mkdir(parents=True, exist_ok=True)
    return subprocess.run(
        [DBT, *dbt_args(args, workdir, dbt_vars)],
        cwd=PROJECT_DIR,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def published_relations() -> list[str]:
    """The relation names (without schema) of every mart version in the published interface,
    docs/mart_interface.yml: what a build publishes, counted from the document."""
    interface = yaml.safe_load((PROJECT_DIR / "docs" / "mart_interface.yml").read_text())
    return sorted(v["relation"].split(".", 1)[1] for versions in interface.values()
                  for v in versions)
