"""The project parsed once per test process and reused (DECISIONLOG X10, X12).

A parse is about a third of a build on the test data. `run_dbt` (conftest.py) hands
dbt an in-process parse of the same project files and vars (`manifest_for`); a `dbt`
process that the tests start (scripts/publish.py, a `dbt build` command) finds the same
parse in its target folder as dbt's own partial-parse file (`seed_partial_parse`), so it
skips parsing too. Both rest on `parse_key`: what a parse depends on. test_parse_reuse.py
holds that key to what dbt does, and checks that a seeded process does not parse again.
"""

from __future__ import annotations

import io
import json
import os
from argparse import Namespace
from pathlib import Path

import yaml
from dbt_common.events.functions import capture_stdout_logs, stop_capture_stdout_logs
from dbt_invocation import PROJECT_DIR, dbt_args, duckdb_env, target_path

# folders of tests/ that hold no dbt file (Python, raw data): not part of a parse
TEST_CODE = {("tests", "python"), ("tests", "spark"), ("tests", "data"), ("tests", "bi")}

# The parsed projects of this process (msgpack, as dbt's partial parsing stores it), by parse_key.
_PARSED: dict[tuple, bytes] = {}


def parse_key(project_dir: Path, dbt_vars: dict | None, database: str = "warehouse") -> tuple:
    """What a parse of the project depends on: the project's folder and the size and time
    of each of its dbt files, every var but `raw_path`, which only chooses between the
    sources' defaults (models/staging/*/_*__sources.yml) by being set or not (the folder
    itself is read when the models run, never while parsing), and the name of the DuckDB
    database, its file's name without `.duckdb` (every node names its database)."""
    dbt_vars = dict(dbt_vars or {})
    raw_path_set = dbt_vars.pop("raw_path", None) is not None
    files = []
    for top in ("models", "macros", "tests", "seeds", "analyses"):
        for path in sorted((project_dir / top).rglob("*")):
            if path.is_file() and path.relative_to(project_dir).parts[:2] not in TEST_CODE:
                stat = path.stat()
                files.append((str(path), stat.st_size, stat.st_mtime_ns))
    for name in ("dbt_project.yml", "profiles.yml"):
        stat = (project_dir / name).stat()
        files.append((name, stat.st_size, stat.st_mtime_ns))
    return (str(project_dir), tuple(files), json.dumps(dbt_vars, sort_keys=True), raw_path_set,
            database)


def release_duckdb() -> None:
    """Close the DuckDB instance dbt-duckdb keeps open in this process after a run,
    so that the tests can open the file themselves (DuckDB refuses a second
    connection with another configuration in the same process)."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    environment = DuckDBConnectionManager._ENV
    if environment is not None:
        environment.close()
    DuckDBConnectionManager.close_all_connections()


def _parsed(
    project_dir: Path, dbt_vars: dict | None, workdir: Path, database_file: Path | None = None
) -> bytes | None:
    """The msgpack of this process's parse for parse_key(project_dir, dbt_vars, the
    database's name): a `dbt parse` in `workdir` the first time (into `database_file`,
    default run_dbt's duckdb_path); None when that parse fails (a bad var: the run that
    wanted it then parses and stops as the command line would)."""
    from dbt.cli.main import dbtRunner
    from dbt.parser.manifest import extended_mashumaro_encoder

    env = duckdb_env(workdir)
    if database_file is not None:
        env["DUCKDB_BUILD_PATH"] = str(workdir / database_file.name)
    key = parse_key(project_dir, dbt_vars, Path(env["DUCKDB_BUILD_PATH"]).stem)
    if key not in _PARSED:
        workdir.mkdir(parents=True, exist_ok=True)
        os.environ.update(env)
        cli = dbt_args(["parse"], workdir, dbt_vars, project_dir) + ["--log-level-file", "none"]
        capture_stdout_logs(io.StringIO())
        try:
            result = dbtRunner().invoke(cli)
        finally:
            stop_capture_stdout_logs()
            release_duckdb()
        if not result.success:
            return None
        _PARSED[key] = result.result.to_msgpack(extended_mashumaro_encoder)
    return _PARSED[key]


def manifest_for(project_dir: Path, dbt_vars: dict | None, workdir: Path):
    """A fresh copy of the parsed project for an in-process run with `dbt_vars` in
    `workdir`, with its manifest.json and semantic_manifest.json written to the run's
    target folder as a parse would; None when the parse fails."""
    # the round trip of dbt's partial parsing (Manifest's pickle and deepcopy lose fields)
    from dbt.contracts.graph.manifest import Manifest
    from dbt.parser.manifest import extended_mashumuro_decoder, write_manifest

    parsed = _parsed(project_dir, dbt_vars, workdir)
    if parsed is None:
        return None
    manifest = Manifest.from_msgpack(parsed, decoder=extended_mashumuro_decoder)
    write_manifest(manifest, str(target_path(workdir)))
    return manifest


def seed_partial_parse(
    target_dir: Path, vars_text: str | None, target: str | None, env: dict[str, str],
    project_dir: Path = PROJECT_DIR,
) -> None:
    """Write this process's parse into `target_dir` as dbt's partial-parse file, for a
    `dbt` process that will run in `project_dir` with `--vars vars_text` (and `--target
    target`, if given), that target folder and the environment `env`: it then reads the
    parse instead of making it.

    dbt reuses the file only when its record of the command line's vars and target, the
    profile's connection (the database file's path is one) and the project's env vars
    equals the process's. The parse itself is the same for any raw_path folder and any
    folder of a database file of that name (parse_key), so that record is made for the
    process, by dbt's own code (ManifestLoader.build_manifest_state_check). Should dbt
    not reuse it, the process parses as before: slower, never wrong (test_parse_reuse.py
    sees it)."""
    from dbt.contracts.graph.manifest import Manifest
    from dbt.parser.manifest import extended_mashumaro_encoder, extended_mashumuro_decoder

    cli_vars = yaml.safe_load(vars_text) if vars_text else {}  # dbt reads --vars as YAML
    database_file = Path(env["DUCKDB_BUILD_PATH"])
    parsed = _parsed(project_dir, cli_vars, target_dir.parent / "seed_parse", database_file)
    if parsed is None:
        return
    manifest = Manifest.from_msgpack(parsed, decoder=extended_mashumuro_decoder)
    manifest.state_check = _state_check(project_dir, cli_vars, target, target_dir, env)
    target_dir.mkdir(parents=True, exist_ok=True)
    (target_dir / "partial_parse.msgpack").write_bytes(
        manifest.to_msgpack(extended_mashumaro_encoder))


def _state_check(project_dir: Path, cli_vars: dict, target: str | None, target_dir: Path,
                 env: dict[str, str]):
    """What a dbt process in `env` with these vars, target and target folder records of
    its command line, profile and project, to decide whether a saved parse is its own."""
    from dbt import flags
    from dbt.config.runtime import RuntimeConfig
    from dbt.parser.manifest import ManifestLoader
    from dbt_common.context import set_invocation_context

    set_invocation_context(env)  # what env_var() reads in profiles.yml
    flags.set_from_args(Namespace(
        project_dir=str(project_dir), profiles_dir=str(project_dir), profile=None,
        target=target, target_path=str(target_dir), vars=cli_vars, threads=None), None)
    config = RuntimeConfig.from_args(flags.get_flags())
    return ManifestLoader(config, config.load_dependencies()).build_manifest_state_check()
