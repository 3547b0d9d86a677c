"""Build, test and publish the marts for BI tools (write-audit-publish).

Usage: python scripts/publish.py [--raw-path DIR] [--vars YAML] [--full-refresh] [--wait]
       [--accept-history-change WHY]
(`make build` runs it; `make build RAW_PATH=/data/shop VARS='{as_of: ...}'
ACCEPT_HISTORY_CHANGE="why"` hands them over as the environment variables RAW_PATH, VARS
and ACCEPT_HISTORY_CHANGE, read here when the options are not given: as data, never
pasted into a command line).

1. Takes the refresh lock beside the publication, so that two refreshes never
   publish at the same time (the second stops with a message, or waits with --wait).
2. Write: `dbt build` (every model, seed, data test and unit test) into the work
   database `$DUCKDB_BUILD_PATH` (default warehouse/build/ecommerce_behavior.duckdb).
3. Audit: publishes only when dbt exited 0 and every node of that build passed (a
   test with severity warn may warn; saved queries and exposures do not run), and
   when the publish gate (scripts/publish_gate.py) passes: no quarantine check took
   more than its share of a table (the test assert_quarantine_shares_are_bounded,
   explained with sample values), and no day older than the lookback moved against
   the publication in place (unless --accept-history-change says why); otherwise it
   says that nothing was published, why, and which publication is still in place.
4. Publish: a new publication folder `<name>.publications/<id>/` beside
   `$DUCKDB_PATH` (default warehouse/ecommerce_behavior.duckdb) receives the marts
   (schema `marts`, the data-quality audit included; nothing else) in a new file
   written in DuckDB's v1.4.0 storage format (DuckDB 1.4 and every later 1.x open
   it), with the descriptions of the marts and their columns as comments; the file
   is checked; the exports (parquet, CSV and manifest.json) are written from it; a
   marker says the folder is complete. Then ONE rename switches the link
   `<name>.current` to the new folder. `$DUCKDB_PATH` and `$EXPORTS_PATH` (default
   warehouse/exports) are links through `<name>.current`, so the database and its
   exports change together, in that one step.

A reader that holds the previous file open keeps reading it (nothing touches an open
file); a new connection sees the new publication. A crash at any moment leaves the
previous pair in place: everything new is complete before the switch. The next run
removes what an interrupted one left behind (never the publication in place, nor the
one before it, kept for readers that still hold it), and never follows a symbolic
link it did not make. docs/publishing.md tells BI users and schedulers how to use it.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import datetime as dt
import errno
import fcntl
import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import yaml

import publish_gate

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
# A publication folder is complete when it holds this file (written last, before the switch).
COMPLETE_MARKER = ".complete"
# The folder of a publication adopted from the single-file layout (sorts before any other).
LEGACY_PUBLICATION = "00000000T000000.000000Z-adopted"
# Publications kept besides the one in place: the one before it, for readers that hold it.
PREVIOUS_KEPT = 1
# What a node of a build that may be published can end with.
PASSING_STATUSES = {"success", "pass", "warn"}
# ... and saved queries and exposures, which a build does not run ("no-op").
NOTHING_TO_RUN = ("saved_query.", "exposure.")


def env_path(name: str, default: str) -> Path:
    """An absolute path from the environment variable `name` (relative paths are
    taken from the project folder, as dbt does)."""
    path = Path(os.environ.get(name) or default)
    return path if path.is_absolute() else PROJECT_DIR / path


class PublishRefused(Exception):
    """The publication's folder is in a state a refresh will not touch (the message says why)."""


class RefreshLock:
    """The refresh lock: an advisory lock (flock) on a file beside the publication.
    The kernel releases it when the process ends, even on kill -9."""

    def __init__(self, publication: Path):
        self.path = publication.with_name(f".{publication.name}.lock")
        self.file = None

    def acquire(self, wait: bool) -> bool:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            # never through a link: a link planted here would have its target overwritten
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
        except OSError as error:
            if error.errno != errno.ELOOP:
                raise
            raise PublishRefused(
                f"the lock file {self.path} is a symbolic link; a refresh never writes "
                f"through one. Remove the link (rm {shlex.quote(str(self.path))}) and run again."
            ) from None
        self.file = os.fdopen(fd, "r+")
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


class Layout:
    """Where a publication lives (docs/publishing.md, "How a publication is laid out").

    Beside the publication path P (`$DUCKDB_PATH`), for P = warehouse/ecommerce_behavior.duckdb:
    - warehouse/ecommerce_behavior.publications/<id>/: one folder per publication, holding
      the database `ecommerce_behavior.duckdb`, `exports/` and, once complete, `.complete`;
    - warehouse/ecommerce_behavior.current: a link to the folder in place, switched by one
      rename;
    - P itself, and the exports path E (`$EXPORTS_PATH`): links through `.current`, made
      once, so that the names BI tools know keep working and change together.
    """

    def __init__(self, publication: Path, exports: Path):
        self.publication = publication
        self.exports = exports
        stem = publication.name.removesuffix(".duckdb")
        self.store = publication.with_name(f"{stem}.publications")
        self.current = publication.with_name(f"{stem}.current")

    def link_targets(self) -> dict[Path, str]:
        """The links BI tools read, and the (relative) target each must have."""
        return {
            self.publication: f"{self.current.name}/{self.publication.name}",
            self.exports: os.path.relpath(self.current / "exports", self.exports.parent),
        }

    def folder_in_place(self) -> Path | None:
        """The publication folder `.current` names (read as a link, never followed), if it
        names one of the store that is complete."""
        if not self.current.is_symlink():
            return None
        target = os.readlink(self.current)
        store, _, name = target.partition("/")
        folder = self.store / name
        if store != self.store.name or "/" in name or not is_complete(folder):
            return None
        return folder

    def check_no_foreign_links(self) -> None:
        """Refuses what a refresh did not make and would have to write through or delete:
        the store as a link or a file, `.current` or the publication path as a real folder."""
        if self.store.is_symlink() or (self.store.exists() and not self.store.is_dir()):
            raise PublishRefused(
                f"{self.store} is a symbolic link or a file, not the folder of publications; "
                "a refresh never writes through a link. Move it away and run again."
            )
        for path in (self.current, self.publication):
            if path.is_dir() and not path.is_symlink():
                raise PublishRefused(
                    f"{path} is a folder; a refresh keeps a link there and never deletes a "
                    "folder it did not make. Move it away and run again."
                )


def is_complete(folder: Path) -> bool:
    """A real publication folder (no link) with its completion marker."""
    return (not folder.is_symlink() and folder.is_dir()
            and (folder / COMPLETE_MARKER).is_file())


def remove_entry(path: Path) -> None:
    """Removes a file, a link (the link itself, never what it points to) or a real folder."""
    if path.is_symlink() or not path.is_dir():
        path.unlink(missing_ok=True)
    else:
        shutil.rmtree(path)  # does not follow the links inside


def describe_publication(layout: Layout) -> str:
    """One line on the publication in place (for the messages)."""
    folder = layout.folder_in_place()
    if folder is None:
        if layout.publication.is_file() and not layout.publication.is_symlink():
            return f"The last publication is unchanged and readable: {layout.publication}."
        return f"There is no publication yet at {layout.publication}."
    when = ""
    with contextlib.suppress(OSError, ValueError, KeyError):
        manifest = json.loads((folder / "exports" / "manifest.json").read_text())
        when = f", published {manifest['published_at']}"
    return (f"The last publication is unchanged and readable: {layout.publication} "
            f"and {layout.exports}/ ({folder.name}{when}).")


def publication_in_place(layout: Layout) -> tuple[Path | None, str | None]:
    """The database file of the publication in place and its name (None, None without
    one), for the history check."""
    folder = layout.folder_in_place()
    if folder is not None:
        return folder / layout.publication.name, folder.name
    if layout.publication.is_file() and not layout.publication.is_symlink():
        return layout.publication, f"{layout.publication.name}, single-file layout"
    return None, None


def models_all_built(run_results: dict) -> bool:
    """Every model of the build was built (tests may have failed): its marts can be compared."""
    models = [r for r in run_results.get("results", []) if r["unique_id"].startswith("model.")]
    return bool(models) and all(r["status"] == "success" for r in models)


def audit_data(run_results: dict, layout: Layout, build_db: Path, rule: dict,
               accepted: str | None, full_refresh: bool, build_passed: bool):
    """The publish gate on the build's data (scripts/publish_gate.py): the reasons not to
    publish it, the lines that explain them, and the history entry of the manifest."""
    reasons, lines = [], []
    try:
        share_lines = publish_gate.quarantine_share_report(run_results, build_db)
    except duckdb.Error as error:  # the failed test is a reason already; say why no detail
        share_lines = [f"(the rows of the quarantine-share test could not be read: {error})"]
    if share_lines:
        reasons.append("a data-quality check took more than its share of a table")
        lines += share_lines
    if not models_all_built(run_results):
        return reasons, lines, None
    published, publication_id = publication_in_place(layout)
    try:
        history = publish_gate.check_history(published, publication_id, build_db, rule)
    except duckdb.Error as error:
        if build_passed:
            reasons.append(f"the history check failed: {error}")
        return reasons, lines, None
    if history.moved and not accepted:
        reasons.append("the history changed")
        lines += history.refusal(rule, full_refresh)
    return reasons, lines, history


def remove_leftovers(layout: Layout) -> None:
    """What interrupted refreshes left (the lock is held): temporary links, the files of
    older versions of this script, and every publication folder but the one in place and
    the PREVIOUS_KEPT complete ones before it. Without a publication in place, complete
    folders are kept (one may be the only good copy); incomplete ones always go."""
    layout.check_no_foreign_links()
    parent = layout.publication.parent
    patterns = (
        *(f".{path.name}.{kind}-*" for path in (layout.current, layout.publication,
                                               layout.exports) for kind in ("link", "legacy")),
        # what earlier versions (the single-file layout) left
        f".{layout.publication.name}.publishing-*", f".{layout.exports.name}.new-*",
        f".{layout.exports.name}.old-*",
    )
    for pattern in patterns:
        for leftover in {*parent.glob(pattern), *layout.exports.parent.glob(pattern)}:
            remove_entry(leftover)
    if not layout.store.is_dir():
        return
    in_place = layout.folder_in_place()
    folders = sorted(layout.store.iterdir(), key=lambda path: path.name)
    if in_place is None:
        keep = {folder for folder in folders if is_complete(folder)}
    else:
        before = [f for f in folders if f.name < in_place.name and is_complete(f)]
        keep = {in_place, *before[len(before) - PREVIOUS_KEPT:]} if PREVIOUS_KEPT else {in_place}
    for folder in folders:
        if folder not in keep:
            remove_entry(folder)


def published_marker(build_db: Path) -> Path:
    """The file beside the work database that says its last build was published (written
    after a publication, removed when a build starts): scripts/metrics.py reads it."""
    return build_db.with_name(build_db.name + ".published")


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
    out_of_sync = [r["unique_id"] for r in run_results["results"]
                   if "incremental model are out of sync" in (r.get("message") or "")]
    if out_of_sync:
        reasons.append(
            f"{', '.join(out_of_sync)}: the columns of an incremental model changed since it was "
            "built (an upgrade of the project, through a macro); rebuild it once with "
            "make build FULL_REFRESH=1 (docs/raw_data.md, \"Switching the raw data\")")
    if not run_results["results"]:
        reasons.append("the build ran nothing")
    return reasons, run_results


def published_marts(manifest: dict) -> list[dict]:
    """The enabled models of schema `marts`, from dbt's manifest, by relation name (a
    model's alias: each version of a versioned mart is its own relation)."""
    return sorted(
        (
            node
            for node in manifest["nodes"].values()
            if node["resource_type"] == "model" and node["schema"] == PUBLISHED_SCHEMA
        ),
        key=lambda node: node["alias"],
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
            target = f'publication.{PUBLISHED_SCHEMA}."{node["alias"]}"'
            con.execute(
                f'create table {target} as select * from build.{PUBLISHED_SCHEMA}."{node["alias"]}"'
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
            node["alias"]: con.execute(
                f'select count(*) from {PUBLISHED_SCHEMA}."{node["alias"]}"'
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


def write_new_publication(
    folder: Path, layout: Layout, run_results: dict, target_path: Path, dbt_vars: str | None,
    history: dict | None = None,
) -> dict:
    """The new publication, complete in its own folder: database, exports, manifest and
    the completion marker, each flushed to disk. Returns the export manifest."""
    build_db = env_path("DUCKDB_BUILD_PATH", DEFAULT_BUILD_DATABASE)
    marts = published_marts(json.loads((target_path / "manifest.json").read_text()))
    if not marts:
        raise RuntimeError("the build has no marts (both families switched off?)")
    folder.mkdir(parents=True)
    new_file = folder / layout.publication.name
    write_publication(build_db, new_file, marts)
    tables = check_publication(build_db, new_file, marts)
    write_exports(new_file, folder / "exports", tables)
    manifest = {
        "publication_id": folder.name,
        "published_at": utc_now(),
        "git_commit": git_commit(),
        "dbt_invocation_id": run_results["metadata"]["invocation_id"],
        "vars": json.loads(dbt_vars) if dbt_vars else {},
        "as_of": as_of(new_file),
        "freshness": freshness(run_results, build_db),
        "history": history,
        "duckdb_storage_version": STORAGE_VERSION,
        "marts": tables,
    }
    (folder / "exports" / "manifest.json").write_text(
        json.dumps(manifest, indent=2, default=iso_format) + "\n"
    )
    for path in (new_file, *(folder / "exports").iterdir(), folder / "exports"):
        fsync(path)
    (folder / COMPLETE_MARKER).write_text(f"{folder.name}\n")
    fsync(folder / COMPLETE_MARKER)
    fsync(folder)
    fsync(layout.store)
    return manifest


def exchange(first: Path, second: Path) -> bool:
    """Swaps two names in one step (Linux renameat2 with RENAME_EXCHANGE); False where the
    system or the file system cannot."""
    renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if renameat2 is None:
        return False
    at_cwd, rename_exchange = -100, 2
    if renameat2(at_cwd, os.fsencode(first), at_cwd, os.fsencode(second), rename_exchange):
        error = ctypes.get_errno()
        if error in (errno.EINVAL, errno.ENOSYS):
            return False
        raise OSError(error, os.strerror(error), str(second))
    return True


def replace_with_link(path: Path, target: str) -> None:
    """`path` becomes a link to `target` in one step: a file or link there is replaced by
    a rename (never followed); a real folder (the exports of the single-file layout) is
    swapped with the new link by `exchange`, then removed. Where the system cannot
    exchange, the folder is renamed aside first (a moment without the name)."""
    if path.is_symlink() and os.readlink(path) == target:
        return
    link = path.with_name(f".{path.name}.link-{os.getpid()}")
    remove_entry(link)
    link.symlink_to(target)
    if path.is_dir() and not path.is_symlink():
        if not exchange(link, path):
            os.rename(path, link.with_name(f".{path.name}.legacy-{os.getpid()}"))
            os.replace(link, path)
    else:
        os.replace(link, path)
    fsync(path.parent)
    for leftover in (link, link.with_name(f".{path.name}.legacy-{os.getpid()}")):
        remove_entry(leftover)


def adopt_single_file_layout(layout: Layout) -> None:
    """The publication of an earlier version (a file at the publication's name, a folder
    at the exports' name, no `.current`) becomes a publication folder of its own, with
    the same content (hard links where possible), and `.current` points to it: when the
    names then become links, they show what they showed before."""
    legacy_file = layout.publication.is_file() and not layout.publication.is_symlink()
    legacy_exports = layout.exports.is_dir() and not layout.exports.is_symlink()
    if not (legacy_file or legacy_exports):
        return
    folder = layout.store / LEGACY_PUBLICATION
    remove_entry(folder)
    folder.mkdir(parents=True)
    if legacy_file:
        try:
            os.link(layout.publication, folder / layout.publication.name)
        except OSError:  # another file system
            shutil.copy2(layout.publication, folder / layout.publication.name)
    if legacy_exports:
        shutil.copytree(layout.exports, folder / "exports", symlinks=True,
                        copy_function=link_or_copy)
    (folder / COMPLETE_MARKER).write_text("adopted from the single-file layout\n")
    fsync(folder)
    replace_with_link(layout.current, f"{layout.store.name}/{folder.name}")


def link_or_copy(source: str, destination: str) -> None:
    """A hard link of a file, or a copy on another file system."""
    try:
        os.link(source, destination)
    except OSError:
        shutil.copy2(source, destination)


def switch_to(folder: Path, layout: Layout) -> None:
    """The swap: the names BI tools read made links through `.current` where they are not
    (they still show the publication in place), then ONE rename of `.current`."""
    # A stale write-ahead log beside the publication's name would be replayed into the new
    # file: BI opens the publication read-only, so there is none unless someone wrote.
    stale_wal = layout.publication.with_name(layout.publication.name + ".wal")
    if stale_wal.exists() or stale_wal.is_symlink():
        print(f"publish: removing {stale_wal} (someone opened the publication read-write)")
        remove_entry(stale_wal)
    if not layout.current.is_symlink():
        adopt_single_file_layout(layout)
    for path, target in layout.link_targets().items():
        replace_with_link(path, target)
    replace_with_link(layout.current, f"{layout.store.name}/{folder.name}")


def publish(run_results: dict, target_path: Path, dbt_vars: str | None,
            history: dict | None = None) -> dict:
    """Step 4: the new publication in its own folder, the switch, the old ones pruned.
    Returns the export manifest (`history`: what the history check found)."""
    layout = Layout(env_path("DUCKDB_PATH", DEFAULT_PUBLICATION),
                    env_path("EXPORTS_PATH", DEFAULT_EXPORTS))
    layout.check_no_foreign_links()
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S.%fZ")
    folder = layout.store / f"{stamp}-{os.getpid()}"
    manifest = write_new_publication(folder, layout, run_results, target_path, dbt_vars,
                                     history)
    switch_to(folder, layout)
    try:
        remove_leftovers(layout)
    except (OSError, PublishRefused) as error:  # published all the same: say so, go on
        print(f"publish: WARNING: old publications were not all removed: {error}",
              file=sys.stderr)
    return manifest


def build_vars(raw_path: str | None, vars_yaml: str | None) -> dict:
    """The vars of the build: `vars_yaml` (a YAML mapping) and `raw_path` (resolved) as the
    var raw_path; a ValueError says what is wrong with `vars_yaml`."""
    try:
        dbt_vars = yaml.safe_load(vars_yaml) if vars_yaml else {}
    except yaml.YAMLError as error:
        raise ValueError(f"--vars (or VARS) is not YAML: {error}") from error
    if not isinstance(dbt_vars, dict):
        raise ValueError(
            f"--vars must be a mapping, e.g. '{{as_of: 2024-06-30}}'; got {vars_yaml!r}")
    if raw_path:
        dbt_vars["raw_path"] = str(Path(raw_path).resolve())
    return dbt_vars


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--raw-path", default=os.environ.get("RAW_PATH") or None,
                        help="folder of raw files (the var raw_path; default $RAW_PATH)")
    parser.add_argument("--vars", default=os.environ.get("VARS") or None,
                        help="dbt vars (YAML or JSON), passed to dbt build (default $VARS)")
    parser.add_argument("--full-refresh", action="store_true", help="dbt build --full-refresh")
    parser.add_argument("--wait", action="store_true", help="wait for a running refresh")
    parser.add_argument(
        "--accept-history-change", metavar="WHY",
        default=os.environ.get("ACCEPT_HISTORY_CHANGE") or None,
        help="publish although days older than the lookback moved against the publication "
        "in place; the reason and the moved days go to manifest.json "
        "(default $ACCEPT_HISTORY_CHANGE)")
    args = parser.parse_args(argv)
    if args.accept_history_change is not None and not args.accept_history_change.strip():
        parser.error("--accept-history-change needs a reason, e.g. "
                     "--accept-history-change 'orders of March corrected by the shop'")
    try:
        dbt_vars = build_vars(args.raw_path, args.vars)
    except ValueError as error:
        parser.error(str(error))
    vars_text = json.dumps(dbt_vars, default=str) if dbt_vars else None
    try:
        rule = publish_gate.rule_vars(PROJECT_DIR, dbt_vars)
    except publish_gate.GateVarError as error:
        parser.error(str(error))

    layout = Layout(env_path("DUCKDB_PATH", DEFAULT_PUBLICATION),
                    env_path("EXPORTS_PATH", DEFAULT_EXPORTS))
    build_db = env_path("DUCKDB_BUILD_PATH", DEFAULT_BUILD_DATABASE)
    target_path = env_path("DBT_TARGET_PATH", "target")
    build_db.parent.mkdir(parents=True, exist_ok=True)

    lock = RefreshLock(layout.publication)
    try:
        if not lock.acquire(args.wait):
            return 3
        remove_leftovers(layout)
    except PublishRefused as error:
        lock.release()
        print(f"publish: {error}\npublish: nothing was built or published.", file=sys.stderr)
        return 1
    try:
        # the work database is about to change: until it is published, metrics refuse it
        published_marker(build_db).unlink(missing_ok=True)
        started = dt.datetime.now().timestamp()
        exit_code = run_build(vars_text, args.full_refresh, target_path)
        reasons, run_results = audit_build(exit_code, target_path, started)
        data_reasons, explained, history = audit_data(
            run_results, layout, build_db, rule, args.accept_history_change,
            args.full_refresh, build_passed=not reasons)
        reasons += data_reasons
        if reasons:
            print(
                "\npublish: NOTHING WAS PUBLISHED: " + "; ".join(reasons) + "\n"
                + "".join(f"publish: {line}\n" for line in explained)
                + f"publish: {describe_publication(layout)}",
                file=sys.stderr,
            )
            return 1
        history_entry = history.report(args.accept_history_change) if history else None
        try:
            manifest = publish(run_results, target_path, vars_text, history_entry)
        except Exception as error:  # any failure of the publish step itself
            print(
                f"\npublish: NOTHING WAS PUBLISHED: the publish step failed: {error}\n"
                f"publish: {describe_publication(layout)}",
                file=sys.stderr,
            )
            return 1
        published_marker(build_db).write_text(json.dumps({
            "publication_id": manifest["publication_id"],
            "dbt_invocation_id": manifest["dbt_invocation_id"],
        }) + "\n")
    finally:
        lock.release()
    print(
        f"\npublish: published {len(manifest['marts'])} marts to {layout.publication} "
        f"(DuckDB storage {STORAGE_VERSION}) and {layout.exports}/ (parquet, CSV, manifest.json)"
        f"; publication {manifest['publication_id']}"
    )
    if history is not None and history.moved:
        print(
            f"publish: WARNING: {len(history.moved)} day(s) moved against the publication "
            f"before ({history.compared_with}), accepted: {args.accept_history_change!r}; "
            "manifest.json lists them under history"
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
