"""Build, test and publish the marts for BI tools (write-audit-publish).

Usage: python scripts/publish.py [--raw-path DIR] [--vars YAML] [--full-refresh] [--wait]
(`make build` runs it; `make build RAW_PATH=/data/shop VARS='{as_of: ...}'` passes both).

1. Takes the refresh lock beside the publication, so that two refreshes never
   publish at the same time (the second stops with a message, or waits with --wait).
2. Write: `dbt build` (every model, seed, data test and unit test) into the work
   database `$DUCKDB_BUILD_PATH` (default warehouse/build/ecommerce_behavior.duckdb).
3. Audit: publishes only when dbt exited 0 and every node of that build passed (a
   test with severity warn may warn; saved queries and exposures do not run);
   otherwise it says that nothing was published, why, and which publication is still
   in place.
4. Publish: copies the marts (schema `marts`, the data-quality audit included;
   nothing else) into a new file written in DuckDB's v1.4.0 storage format (DuckDB
   1.4 and every later 1.x open it), with the descriptions of the marts and their
   columns as comments; checks it; writes the exports (parquet, CSV and
   manifest.json); then swaps the new file in with one rename over
   `$DUCKDB_PATH` (default warehouse/ecommerce_behavior.duckdb) and the new
   exports over `$EXPORTS_PATH` (default warehouse/exports).

A reader that holds the previous file open keeps reading it (the rename does not
touch the open file); a new connection sees the new publication. A crash at any
moment leaves the previous publication in place: the new file is complete before
the rename, and leftovers of an interrupted publication are removed by the next one.
docs/publishing.md tells BI users and schedulers how to use it.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import fcntl
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import yaml

PROJECT_DIR = Path(__file__).resolve().parents[1]
# The storage format of the published file: DuckDB 1.4 (LTS) and every later 1.x
# read it; BI drivers (duckdb-engine, JDBC, ODBC) embed DuckDB 1.x.
STORAGE_VERSION = "v1.4.0"
# The schema BI reads, and the only one published.
PUBLISHED_SCHEMA = "marts"
# The freshness check (tests/data_quality/assert_data_is_fresh.sql); its status
# is reported, never a reason not to publish.
FRESHNESS_TEST = "assert_data_is_fresh"
# Where things are, unless the environment says otherwise (relative to the project).
DEFAULT_PUBLICATION = "warehouse/ecommerce_behavior.duckdb"  # DUCKDB_PATH
DEFAULT_BUILD_DATABASE = "warehouse/build/ecommerce_behavior.duckdb"  # DUCKDB_BUILD_PATH
DEFAULT_EXPORTS = "warehouse/exports"  # EXPORTS_PATH
# What a node of a build that may be published can end with.
PASSING_STATUSES = {"success", "pass", "warn"}
# ... and saved queries and exposures, which a build does not run ("no-op").
NOTHING_TO_RUN = ("saved_query.", "exposure.")


def env_path(name: str, default: str) -> Path:
    """An absolute path from the environment variable `name` (relative paths are
    taken from the project folder, as dbt does)."""
    path = Path(os.environ.get(name) or default)
    return path if path.is_absolute() else PROJECT_DIR / path


class RefreshLock:
    """The refresh lock: an advisory lock (flock) on a file beside the publication.
    The kernel releases it when the process ends, even on kill -9."""

    def __init__(self, publication: Path):
        self.path = publication.with_name(f".{publication.name}.lock")
        self.file = None

    def acquire(self, wait: bool) -> bool:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.file = open(self.path, "a+")  # noqa: SIM115 (held until release)
        try:
            fcntl.flock(self.file, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            self.file.seek(0)
            holder = self.file.read().strip() or "another process"
            self.file.close()
            self.file = None
            print(
                f"publish: another refresh is running ({holder}); it holds {self.path}.\n"
                "publish: nothing was built or published. Run again when it has finished, "
                "or add --wait to wait for it.",
                file=sys.stderr,
            )
            return False
        self.file.seek(0)
        self.file.truncate()
        self.file.write(f"pid {os.getpid()}, started {utc_now()}\n")
        self.file.flush()
        return True

    def release(self) -> None:
        if self.file is not None:
            fcntl.flock(self.file, fcntl.LOCK_UN)
            self.file.close()
            self.file = None


def iso_format(value) -> str:
    """JSON for what json cannot write: timestamps and dates as ISO-8601, else text."""
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def utc_now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def describe_publication(publication: Path) -> str:
    """One line on the publication in place (for the messages)."""
    if not publication.exists():
        return f"There is no publication yet at {publication}."
    manifest = env_path("EXPORTS_PATH", DEFAULT_EXPORTS) / "manifest.json"
    when = ""
    with contextlib.suppress(OSError, ValueError, KeyError):
        when = f", published {json.loads(manifest.read_text())['published_at']}"
    return f"The last publication is unchanged and readable: {publication}{when}."


def remove_leftovers(publication: Path, exports: Path) -> None:
    """Files and folders of an interrupted publication (the lock is held)."""
    for leftover in publication.parent.glob(f".{publication.name}.publishing-*"):
        leftover.unlink()
    for pattern in (f".{exports.name}.new-*", f".{exports.name}.old-*"):
        for leftover in exports.parent.glob(pattern):
            shutil.rmtree(leftover)


def run_build(dbt_vars: str | None, full_refresh: bool, target_path: Path) -> int:
    """dbt build into the work database; returns dbt's exit code."""
    # this script's project, whatever DBT_PROJECT_DIR says (the Makefile exports it)
    command = [
        str(Path(sys.executable).with_name("dbt")), "build", "--target", "duckdb",
        "--project-dir", str(PROJECT_DIR),
    ]
    if dbt_vars:
        command += ["--vars", dbt_vars]
    if full_refresh:
        command.append("--full-refresh")
    env = {**os.environ, "DBT_TARGET_PATH": str(target_path)}
    build_db = env_path("DUCKDB_BUILD_PATH", DEFAULT_BUILD_DATABASE)
    print(f"publish: {' '.join(command[1:])} into {build_db}", flush=True)
    return subprocess.run(command, cwd=PROJECT_DIR, env=env, check=False).returncode


def audit_build(exit_code: int, target_path: Path, started: float) -> tuple[list[str], dict]:
    """The reasons not to publish (empty: publish) and the build's run results."""
    results_file = target_path / "run_results.json"
    if not results_file.exists() or results_file.stat().st_mtime < started:
        return [f"dbt build exited {exit_code} without writing {results_file}"], {}
    run_results = json.loads(results_file.read_text())
    failed = [
        f"{r['unique_id']}: {r['status']}"
        + (f" ({(r.get('message') or '').splitlines()[0]})" if r.get("message") else "")
        for r in run_results["results"]
        if r["status"] not in PASSING_STATUSES
        and not (r["status"] == "no-op" and r["unique_id"].startswith(NOTHING_TO_RUN))
    ]
    reasons = []
    if exit_code != 0:
        reasons.append(f"dbt build exited {exit_code}")
    if failed:
        reasons.append(f"{len(failed)} node(s) did not pass:\n  " + "\n  ".join(failed[:20]))
    if not run_results["results"]:
        reasons.append("the build ran nothing")
    return reasons, run_results


def published_marts(manifest: dict) -> list[dict]:
    """The enabled models of schema `marts`, from dbt's manifest."""
    return sorted(
        (
            node
            for node in manifest["nodes"].values()
            if node["resource_type"] == "model" and node["schema"] == PUBLISHED_SCHEMA
        ),
        key=lambda node: node["name"],
    )


def quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def write_publication(build_db: Path, new_file: Path, marts: list[dict]) -> None:
    """The marts of the work database, copied into `new_file` (v1.4.0 storage)."""
    with duckdb.connect() as con:
        con.execute(f"attach {quoted(str(build_db))} as build (read_only)")
        con.execute(f"attach {quoted(str(new_file))} as publication "
                    f"(storage_version '{STORAGE_VERSION}')")
        con.execute(f"create schema publication.{PUBLISHED_SCHEMA}")
        for node in marts:
            target = f'publication.{PUBLISHED_SCHEMA}."{node["name"]}"'
            con.execute(
                f'create table {target} as select * from build.{PUBLISHED_SCHEMA}."{node["name"]}"'
            )
            if node.get("description"):
                con.execute(f"comment on table {target} is {quoted(node['description'])}")
            for column in node["columns"].values():
                if column.get("description"):
                    con.execute(
                        f'comment on column {target}."{column["name"]}" '
                        f"is {quoted(column['description'])}"
                    )
        con.execute("detach publication")


def check_publication(build_db: Path, new_file: Path, marts: list[dict]) -> dict[str, dict]:
    """Opens the new file on its own and checks that it holds exactly the marts, each
    with the rows of the build; returns per mart its rows, columns and types."""
    with duckdb.connect(str(build_db), read_only=True) as con:
        built_rows = {
            node["name"]: con.execute(
                f'select count(*) from {PUBLISHED_SCHEMA}."{node["name"]}"'
            ).fetchone()[0]
            for node in marts
        }
    tables: dict[str, dict] = {}
    with duckdb.connect(str(new_file), read_only=True) as con:
        found = con.execute(
            "select table_schema, table_name from information_schema.tables"
        ).fetchall()
        expected = {f"{PUBLISHED_SCHEMA}.{name}" for name in built_rows}
        unexpected = {f"{schema}.{table}" for schema, table in found} - expected
        if unexpected:
            raise RuntimeError(f"publication holds tables that are not marts: {sorted(unexpected)}")
        for name, rows in built_rows.items():
            columns = con.execute(
                "select column_name, data_type from information_schema.columns "
                "where table_schema = ? and table_name = ? order by ordinal_position",
                [PUBLISHED_SCHEMA, name],
            ).fetchall()
            published_rows = con.execute(
                f'select count(*) from {PUBLISHED_SCHEMA}."{name}"'
            ).fetchone()[0]
            if published_rows != rows:
                raise RuntimeError(f"{name}: {published_rows} rows published, {rows} built")
            tables[name] = {
                "rows": rows,
                "columns": [{"name": c, "type": t} for c, t in columns],
            }
    return tables


def write_exports(new_file: Path, folder: Path, tables: dict[str, dict]) -> None:
    """Every mart as parquet and as CSV (header, ISO-8601 timestamps, '.' decimal
    point) in `folder`."""
    folder.mkdir(parents=True)
    with duckdb.connect(str(new_file), read_only=True) as con:
        for name, table in tables.items():
            relation = f'{PUBLISHED_SCHEMA}."{name}"'
            con.execute(
                f"copy (select * from {relation}) to {quoted(str(folder / (name + '.parquet')))} "
                "(format parquet)"
            )
            con.execute(
                f"copy (select * from {relation}) to {quoted(str(folder / (name + '.csv')))} "
                "(format csv, header true, delimiter ',', dateformat '%Y-%m-%d', "
                "timestampformat '%Y-%m-%dT%H:%M:%S.%f')"
            )
            table["files"] = {"parquet": f"{name}.parquet", "csv": f"{name}.csv"}


def freshness(run_results: dict, build_db: Path) -> dict:
    """The freshness check's outcome: its status, and per family the data's latest
    timestamp and age (the rows it stored when it warned)."""
    result = next(
        (r for r in run_results["results"]
         if r["unique_id"] == f"test.ecommerce_behavior.{FRESHNESS_TEST}"),
        None,
    )
    if result is None:
        return {"status": "not run"}
    report = {"status": result["status"], "message": result.get("message")}
    if result["status"] == "warn" and result.get("relation_name"):
        with duckdb.connect(str(build_db), read_only=True) as con:
            rows = con.execute(f"select * from {result['relation_name']}").fetchall()
            names = [d[0] for d in con.description]
        report["stale"] = [dict(zip(names, row, strict=True)) for row in rows]
    return report


def git_commit() -> str | None:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=PROJECT_DIR, capture_output=True, text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"], cwd=PROJECT_DIR,
            capture_output=True, text=True, check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    return out + ("-modified" if dirty else "")


def as_of(new_file: Path) -> str | None:
    """cart_kpis.as_of, the "now" of the commerce marts (None without commerce)."""
    with duckdb.connect(str(new_file), read_only=True) as con:
        try:
            value = con.execute(f"select as_of from {PUBLISHED_SCHEMA}.cart_kpis").fetchone()
        except duckdb.CatalogException:
            return None
    return value[0].isoformat() if value and value[0] is not None else None


def fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def publish(run_results: dict, target_path: Path, dbt_vars: str | None) -> dict:
    """Steps 4: new file, checks, exports, swap. Returns the export manifest."""
    build_db = env_path("DUCKDB_BUILD_PATH", DEFAULT_BUILD_DATABASE)
    publication = env_path("DUCKDB_PATH", DEFAULT_PUBLICATION)
    exports = env_path("EXPORTS_PATH", DEFAULT_EXPORTS)
    marts = published_marts(json.loads((target_path / "manifest.json").read_text()))
    if not marts:
        raise RuntimeError("the build has no marts (both families switched off?)")

    new_file = publication.with_name(f".{publication.name}.publishing-{os.getpid()}")
    new_exports = exports.with_name(f".{exports.name}.new-{os.getpid()}")
    old_exports = exports.with_name(f".{exports.name}.old-{os.getpid()}")
    write_publication(build_db, new_file, marts)
    tables = check_publication(build_db, new_file, marts)
    write_exports(new_file, new_exports, tables)
    manifest = {
        "published_at": utc_now(),
        "git_commit": git_commit(),
        "dbt_invocation_id": run_results["metadata"]["invocation_id"],
        "vars": json.loads(dbt_vars) if dbt_vars else {},
        "as_of": as_of(new_file),
        "freshness": freshness(run_results, build_db),
        "duckdb_storage_version": STORAGE_VERSION,
        "marts": tables,
    }
    (new_exports / "manifest.json").write_text(
        json.dumps(manifest, indent=2, default=iso_format) + "\n"
    )

    # The swap. A stale write-ahead log of the old file would be replayed into the new
    # one: BI opens the publication read-only, so there is none unless someone wrote.
    stale_wal = publication.with_name(publication.name + ".wal")
    if stale_wal.exists():
        print(f"publish: removing {stale_wal} (someone opened the publication read-write)")
        stale_wal.unlink()
    fsync(new_file)
    os.replace(new_file, publication)
    fsync(publication.parent)
    if exports.exists():
        os.replace(exports, old_exports)
    os.replace(new_exports, exports)
    shutil.rmtree(old_exports, ignore_errors=True)
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--raw-path", help="folder of raw files (the var raw_path)")
    parser.add_argument("--vars", help="dbt vars (YAML or JSON), passed to dbt build")
    parser.add_argument("--full-refresh", action="store_true", help="dbt build --full-refresh")
    parser.add_argument("--wait", action="store_true", help="wait for a running refresh")
    args = parser.parse_args(argv)
    dbt_vars = yaml.safe_load(args.vars) if args.vars else {}
    if not isinstance(dbt_vars, dict):
        parser.error(f"--vars must be a mapping, e.g. '{{as_of: 2024-06-30}}'; got {args.vars!r}")
    if args.raw_path:
        dbt_vars["raw_path"] = str(Path(args.raw_path).resolve())
    vars_text = json.dumps(dbt_vars, default=str) if dbt_vars else None

    publication = env_path("DUCKDB_PATH", DEFAULT_PUBLICATION)
    exports = env_path("EXPORTS_PATH", DEFAULT_EXPORTS)
    build_db = env_path("DUCKDB_BUILD_PATH", DEFAULT_BUILD_DATABASE)
    target_path = env_path("DBT_TARGET_PATH", "target")
    build_db.parent.mkdir(parents=True, exist_ok=True)

    lock = RefreshLock(publication)
    if not lock.acquire(args.wait):
        return 3
    try:
        remove_leftovers(publication, exports)
        started = dt.datetime.now().timestamp()
        exit_code = run_build(vars_text, args.full_refresh, target_path)
        reasons, run_results = audit_build(exit_code, target_path, started)
        if reasons:
            print(
                "\npublish: NOTHING WAS PUBLISHED: " + "; ".join(reasons) + "\n"
                f"publish: {describe_publication(publication)}",
                file=sys.stderr,
            )
            return 1
        try:
            manifest = publish(run_results, target_path, vars_text)
        except Exception as error:  # any failure of the publish step itself
            print(
                f"\npublish: NOTHING WAS PUBLISHED: the publish step failed: {error}\n"
                f"publish: {describe_publication(publication)}",
                file=sys.stderr,
            )
            return 1
    finally:
        lock.release()
    print(
        f"\npublish: published {len(manifest['marts'])} marts to {publication} "
        f"(DuckDB storage {STORAGE_VERSION}) and {exports}/ (parquet, CSV, manifest.json)"
    )
    fresh = manifest["freshness"]
    for stale in fresh.get("stale", []):
        print(
            f"publish: WARNING: the {stale['data_family']} data's latest timestamp is "
            f"{iso_format(stale['latest_at'])}, {stale['days_old']} days before this build "
            f"(var freshness_warn_after_days: {stale['warn_after_days']}); is the feed stalled?"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
