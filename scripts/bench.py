"""Benchmark: the project's build against a hand-written floor and a pandas peer.

For each tier (events: 1M and 10M by default) it generates data with
scripts/generate_data.py (commerce scaled with the events), then measures, on the
same data and in the same run:
  - the full `dbt build` (models + data tests; unit tests excluded, as dbt
    recommends for production runs: their input is fixed, not the data) and the
    clickstream family alone (tiers up to 10M);
  - the floor: scripts/bench_floor.py, hand-written DuckDB SQL for the
    clickstream headline outputs, with the build's DuckDB memory limit;
  - the peer: scripts/bench_peer.py, pandas computing only the funnel KPIs;
  - wall time (median of --runs), peak memory of the process tree, rows/second,
    and the peak disk used by the tier's folder (raw data, databases, spill);
  - on every tier whose full build succeeded (so at 10M and at 100M too), an
    incremental `dbt build` after appending one more day of events, against a
    full build of the same data and against an incremental run with no new data
    (dbt's fixed cost); the incremental marts must equal the full build's. With
    one run the incremental runs go on the tier's full-build database itself;
    with more, each run starts from a copy of it.
DuckDB's memory limit (DUCKDB_MEMORY_LIMIT of the builds and the floor): tiers up
to 10M run with --small-memory-limit (default 3GB); larger tiers with
--large-memory-limit if given, otherwise with the caller's DUCKDB_MEMORY_LIMIT if
set, otherwise with the profile's default. Tiers above 10M run --runs-large times
(default 1). A command whose process tree passes --memory-cap-gib is stopped and
reported as out of memory. After each build (and the floor) the DuckDB spill
folder is removed and any spill files DuckDB left are reported; databases a tier
no longer needs are removed as soon as it is done with them.
It writes results.md and results.png into --results-dir (default benchmarks/),
after every tier.

Usage: python scripts/bench.py [--tiers 1M,10M] [--runs 3] [--runs-large 1]
           [--small-memory-limit 3GB] [--large-memory-limit 12GB]
           [--memory-cap-gib G] [--results-dir DIR] [--work-dir DIR] [--keep-data]
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import functools
import json
import os
import platform
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import psutil

PROJECT_DIR = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
RESULTS_DIR = PROJECT_DIR / "benchmarks"
EVENTS_PER_CUSTOMER = 500
# the generator's id space: registered ids CUST-<n> stay below 100000 (generate_data.py)
MAX_CUSTOMERS = 165_000
KPI_COLUMNS = [
    "total_users", "view_events", "cart_events", "purchase_events", "revenue",
    "viewers", "cart_users", "purchasers",
]
LARGE_TIER = 10_000_000  # tiers above this: --runs-large, no family build, the large limit
MEMORY_SAMPLE_SECONDS = 0.05
DISK_SAMPLE_SECONDS = 1.0  # a walk of the tier folder costs more than a look at the processes
INCREMENTAL_TARGET = 0.20  # an incremental run after one more day, share of a full build
FLOOR_TARGET = 2  # the clickstream build, times the floor


@dataclass
class Run:
    """What one run of a command measured."""

    seconds: float = 0.0
    peak_bytes: int = 0
    peak_disk_bytes: int = 0
    output: str = ""
    spill_left: list[str] = field(default_factory=list)  # left by DuckDB, then removed


@dataclass
class Measure:
    """Wall times, peak memory and peak disk of repeated runs of one command."""

    name: str
    seconds: list[float] = field(default_factory=list)
    peak_bytes: list[int] = field(default_factory=list)
    peak_disk_bytes: list[int] = field(default_factory=list)
    spill_left: list[str] = field(default_factory=list)
    output: str = ""
    failure: str | None = None  # e.g. out of memory: no time to report

    @property
    def median_seconds(self) -> float:
        return statistics.median(self.seconds)

    @property
    def peak_mib(self) -> float:
        return max(self.peak_bytes) / 2**20

    @property
    def peak_disk_gib(self) -> float:
        return max(self.peak_disk_bytes) / 2**30

    def record_peaks(self, run: Run) -> None:
        """Keep a run's peaks and spill leftovers, whether or not it finished."""
        self.peak_bytes.append(run.peak_bytes)
        self.peak_disk_bytes.append(run.peak_disk_bytes)
        self.spill_left += run.spill_left


class CommandStopped(Exception):
    """The command did not finish normally; `run` holds what was measured until then."""

    def __init__(self, message: str, run: Run):
        super().__init__(message)
        self.run = run

    def failure(self) -> str:
        """The failure, as the results table says it."""
        return f"failed: {self}"


class CommandFailed(CommandStopped):
    """The command exited with an error; the message is its first error line."""


class MemoryCapExceeded(CommandStopped):
    """The command's process tree went past the memory cap and was stopped."""

    def __init__(self, run: Run):
        super().__init__(
            f"stopped at {run.peak_bytes / 2**30:.1f} GiB after {run.seconds:.0f} s", run
        )

    def failure(self) -> str:
        return f"out of memory ({self})"


@dataclass
class Tier:
    """One tier's settings: where its files go and what its commands run with."""

    events: int
    folder: Path
    runs: int
    env: dict[str, str]  # DUCKDB_MEMORY_LIMIT for the builds and the floor, or nothing
    memory_limit: str  # the limit in words, for the results
    memory_cap: int  # bytes: a process tree past it is stopped

    @property
    def raw(self) -> Path:
        return self.folder / "raw"


def disk_used(folder: Path) -> int:
    """Bytes on disk of the files under folder (links are not followed)."""
    total = 0
    for root, _, files in os.walk(folder):
        for name in files:
            with contextlib.suppress(OSError):  # a spill file may go while we walk
                total += os.lstat(os.path.join(root, name)).st_blocks * 512
    return total


def tree_rss(process: psutil.Process) -> int:
    """The resident memory of a process and all its children, in bytes."""
    try:
        tree = [process] + process.children(recursive=True)
        return sum(p.memory_info().rss for p in tree if p.is_running())
    except psutil.Error:
        return 0


def kill_tree(process: psutil.Process) -> None:
    """Kill a process and all its children, and wait for it."""
    for child in process.children(recursive=True) + [process]:
        with contextlib.suppress(psutil.Error):
            child.kill()
    process.wait()


def run_measured(command: list[str], env: dict | None = None, memory_cap: int | None = None,
                 disk_folder: Path | None = None) -> Run:
    """Run a command; return its wall seconds, the peak RSS of its process tree, the
    peak disk used under disk_folder (if given) and its output.

    Memory is sampled every 50 ms, disk every second (and once at the end). With
    memory_cap (bytes), the process tree is killed when its RSS passes it
    (MemoryCapExceeded), before the machine runs out of memory."""
    run = Run()
    next_disk_sample = 0.0
    # output goes to a file: a pipe read only at the end would fill up and block
    with tempfile.TemporaryFile(mode="w+") as log:
        started = time.perf_counter()
        process = psutil.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, text=True,
            env={**os.environ, **(env or {})}, cwd=PROJECT_DIR,
        )
        while process.poll() is None:
            run.peak_bytes = max(run.peak_bytes, tree_rss(process))
            if disk_folder is not None and time.perf_counter() >= next_disk_sample:
                run.peak_disk_bytes = max(run.peak_disk_bytes, disk_used(disk_folder))
                next_disk_sample = time.perf_counter() + DISK_SAMPLE_SECONDS
            if memory_cap is not None and run.peak_bytes > memory_cap:
                kill_tree(process)
                run.seconds = time.perf_counter() - started
                raise MemoryCapExceeded(run)
            time.sleep(MEMORY_SAMPLE_SECONDS)
        run.seconds = time.perf_counter() - started
        if disk_folder is not None:
            run.peak_disk_bytes = max(run.peak_disk_bytes, disk_used(disk_folder))
        log.seek(0)
        run.output = log.read()
    if process.returncode != 0:
        lines = run.output.splitlines()
        errors = [line.strip() for line in lines if "Error" in line and "Runtime Error" not in line]
        print(f"bench: command failed ({process.returncode}): {' '.join(command)}\n"
              + "\n".join(lines[-30:]), flush=True)
        raise CommandFailed(errors[0] if errors else f"exit code {process.returncode}", run)
    return run


def remove_spill_folder(temp_dir: Path) -> list[str]:
    """Remove a DuckDB temp (spill) folder; return the files that were left in it."""
    left = [
        f"{path.relative_to(temp_dir)} ({path.stat().st_size / 2**30:.2f} GiB)"
        for path in sorted(temp_dir.rglob("*")) if path.is_file()
    ] if temp_dir.exists() else []
    shutil.rmtree(temp_dir, ignore_errors=True)
    return left


def run_spilling(command: list[str], tier: Tier, temp_dir: Path, env: dict | None = None) -> Run:
    """run_measured for a DuckDB command of the tier, spilling to temp_dir: the folder
    is removed afterwards, and the spill files DuckDB left in it are kept in the Run."""
    env = {**tier.env, **(env or {}), "DUCKDB_TEMP_DIRECTORY": str(temp_dir)}
    try:
        run = run_measured(command, env, tier.memory_cap, tier.folder)
    except CommandStopped as stopped:
        stopped.run.spill_left = remove_spill_folder(temp_dir)
        raise
    run.spill_left = remove_spill_folder(temp_dir)
    return run


def generate(folder: Path, events: int, seed: int = 7, **extra: str) -> float:
    """Generate a raw folder of parquet files; return the seconds it took."""
    customers = min(MAX_CUSTOMERS, max(200, events // EVENTS_PER_CUSTOMER))
    command = [
        str(BIN / "python"), str(PROJECT_DIR / "scripts" / "generate_data.py"),
        "--out", str(folder), "--customers", str(customers), "--events", str(events),
        "--seed", str(seed), "--messiness", "light", "--format", "parquet",
    ]
    for key, value in extra.items():
        command += [f"--{key.replace('_', '-')}", value]
    return run_measured(command).seconds


def dbt_build(tier: Tier, raw_path: Path, db_path: Path, extra_vars: dict | None = None,
              fresh: bool = True) -> Run:
    """A production `dbt build` of raw_path into db_path (a new database if fresh)."""
    if fresh and db_path.exists():
        db_path.unlink()
    dbt_vars = {"raw_path": str(raw_path), **(extra_vars or {})}
    env = {
        "DUCKDB_BUILD_PATH": str(db_path),
        "DBT_PROFILES_DIR": str(PROJECT_DIR),
        "DO_NOT_TRACK": "1",
        "DBT_THREADS": str(2 * (os.cpu_count() or 1)),  # as the Makefile sets it
    }
    return run_spilling(
        [str(BIN / "dbt"), "build", "--exclude-resource-type", "unit_test",
         "--vars", json.dumps(dbt_vars),
         "--target-path", str(db_path.parent / "target"),
         "--log-path", str(db_path.parent / "logs")],
        tier, db_path.parent / "duckdb_tmp", env,
    )


def run_floor(tier: Tier) -> Run:
    """The floor (scripts/bench_floor.py) on the tier's raw data."""
    return run_spilling(
        [str(BIN / "python"), "scripts/bench_floor.py", "--raw-path", str(tier.raw)],
        tier, tier.folder / "floor_tmp",
    )


def run_peer(tier: Tier) -> Run:
    """The pandas peer (scripts/bench_peer.py) on the tier's raw data."""
    return run_measured(
        [str(BIN / "python"), "scripts/bench_peer.py", "--raw-path", str(tier.raw)],
        memory_cap=tier.memory_cap, disk_folder=tier.folder,
    )


def repeat(tier: Tier, name: str, action) -> Measure:
    """Run action (returning a Run) the tier's number of times; stop at the first failure."""
    measure = Measure(name)
    print(f"[bench] {tier.events:,} events: {name} x{tier.runs}", flush=True)
    for _ in range(tier.runs):
        try:
            run = action()
        except CommandStopped as stopped:
            measure.failure = stopped.failure()
            measure.record_peaks(stopped.run)
            return measure
        measure.record_peaks(run)
        measure.seconds.append(run.seconds)
        measure.output = run.output
    return measure


def sql_text(path: Path) -> str:
    """A path as an SQL string literal (a quote in it is doubled, never ends the string)."""
    return "'" + str(path).replace("'", "''") + "'"


def differing_mart_rows(db_a: Path, db_b: Path) -> int:
    """Rows in one build's marts and not in the other's (both ways), over every mart."""
    with duckdb.connect(str(db_a), read_only=True) as con:
        con.execute(f"attach {sql_text(db_b)} as other (read_only)")
        tables = [t for (t,) in con.execute(
            "select table_name from information_schema.tables "
            "where table_catalog = current_database() and table_schema = 'marts'"
        ).fetchall()]
        total = 0
        for t in tables:
            [(n,)] = con.execute(
                f"select count(*) from ((select * from marts.{t} except all "
                f"select * from other.marts.{t}) union all (select * from other.marts.{t} "
                f"except all select * from marts.{t}))"
            ).fetchall()
            total += n
    return total


def dbt_kpis(db_path: Path) -> dict:
    """The build's funnel KPIs (marts.funnel_kpis)."""
    with duckdb.connect(str(db_path), read_only=True) as con:
        row = con.execute(f"select {', '.join(KPI_COLUMNS)} from marts.funnel_kpis").fetchone()
    return {k: float(v) for k, v in zip(KPI_COLUMNS, row, strict=True)}


def kpis_agree(kpis: dict | None, measure: Measure) -> bool | None:
    """Whether the KPIs a script printed (its last line) equal the build's; None if
    either did not run to the end."""
    if kpis is None or measure.failure is not None:
        return None
    other = json.loads(measure.output.strip().splitlines()[-1])
    return all(abs(other[k] - kpis[k]) < 1e-6 * max(1, abs(kpis[k])) for k in KPI_COLUMNS)


def append_one_day(raw: Path, events_per_day: int) -> None:
    """Append one more day of events to the tier's raw events file, in place.

    The raw folder keeps its path, as a shop's export folder does from one day to the
    next: the daily run has the same vars as the build before it, so dbt keeps its
    partial parse (a changed var would make it parse the whole project again)."""
    events = raw / "events.parquet"
    with duckdb.connect() as con:
        [(last_day,)] = con.execute(
            f"select max(left(event_time, 10)) from read_parquet({sql_text(events)})"
        ).fetchall()
    next_day = (datetime.date.fromisoformat(last_day) + datetime.timedelta(days=1)).isoformat()
    day_folder = raw.parent / "one_more_day"
    generate(day_folder, events_per_day, seed=8, start_date=next_day, days="1")
    appended = raw / "events.parquet.appending"
    with duckdb.connect() as con:
        con.execute(
            f"""copy (
                select * from read_parquet({sql_text(events)})
                union all
                select * from read_parquet({sql_text(day_folder / 'events.parquet')})
            ) to {sql_text(appended)} (format parquet)"""
        )
    appended.replace(events)
    shutil.rmtree(day_folder)


def machine_facts() -> dict:
    """The machine, versions and command line of this run, for the results."""
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cores": os.cpu_count(),
        "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
        "cpu": cpu,
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "command": shlex.join(["python", "scripts/bench.py", *sys.argv[1:]]),
    }


def parse_tier(text: str) -> int:
    """An event count such as 20K, 1M or 1.5M."""
    text = text.strip().upper()
    factor = {"K": 10**3, "M": 10**6}.get(text[-1], 1)
    return int(float(text.rstrip("KM")) * factor)


def profile_memory_default() -> str:
    """The DuckDB memory limit of profiles.yml when DUCKDB_MEMORY_LIMIT is not set."""
    profiles = (PROJECT_DIR / "profiles.yml").read_text()
    found = re.search(r"env_var\('DUCKDB_MEMORY_LIMIT', '([^']+)'\)", profiles)
    return found.group(1) if found else "unknown"


def limit_in_words(limit: str) -> str:
    """A DuckDB memory limit for a reader: a percentage is of the machine's RAM."""
    return f"{limit} of RAM" if limit.strip().endswith("%") else limit


def memory_limit(events: int, small_limit: str, large_limit: str | None,
                 environ: dict) -> tuple[dict[str, str], str]:
    """The DUCKDB_MEMORY_LIMIT to set for a tier's commands (nothing: the caller's
    environment or the profile's default applies), and the limit in words."""
    if events <= LARGE_TIER:
        return ({"DUCKDB_MEMORY_LIMIT": small_limit},
                f"{limit_in_words(small_limit)} (--small-memory-limit)")
    if large_limit:
        return ({"DUCKDB_MEMORY_LIMIT": large_limit},
                f"{limit_in_words(large_limit)} (--large-memory-limit)")
    if environ.get("DUCKDB_MEMORY_LIMIT"):
        return {}, (f"{limit_in_words(environ['DUCKDB_MEMORY_LIMIT'])} "
                    "(DUCKDB_MEMORY_LIMIT of the environment)")
    return {}, f"{limit_in_words(profile_memory_default())} (profile default)"


def parse_args() -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tiers", default="1M,10M", help="event counts, e.g. 1M,10M,100M")
    parser.add_argument("--runs", type=int, default=3, help="runs per measure (median)")
    parser.add_argument("--runs-large", type=int, default=1,
                        help="runs per measure on tiers above 10M")
    parser.add_argument("--memory-cap-gib", type=float,
                        default=round(0.7 * psutil.virtual_memory().total / 2**30, 1),
                        help="stop a command whose process tree passes this (default 70%% of RAM)")
    parser.add_argument("--small-memory-limit", default="3GB",
                        help="DUCKDB_MEMORY_LIMIT for tiers up to 10M (default 3GB)")
    parser.add_argument("--large-memory-limit", default=None,
                        help="DUCKDB_MEMORY_LIMIT for tiers above 10M (default: the caller's "
                             "DUCKDB_MEMORY_LIMIT if set, otherwise the profile's)")
    parser.add_argument("--work-dir", type=Path, default=None, help="where data goes")
    parser.add_argument("--keep-data", action="store_true",
                        help="keep each tier's folder (raw data and the databases of the "
                             "incremental comparison)")
    parser.add_argument("--results-dir", type=Path, default=RESULTS_DIR,
                        help="where results.md and results.png go")
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    work = args.work_dir or Path(tempfile.mkdtemp(prefix="ecommerce_bench_"))
    work.mkdir(parents=True, exist_ok=True)
    results = []
    try:
        for events in sorted(parse_tier(t) for t in args.tiers.split(",")):
            env, limit = memory_limit(events, args.small_memory_limit,
                                      args.large_memory_limit, dict(os.environ))
            tier = Tier(
                events=events, folder=work / f"tier_{events}",
                runs=args.runs if events <= LARGE_TIER else args.runs_large,
                env=env, memory_limit=limit, memory_cap=int(args.memory_cap_gib * 2**30),
            )
            results.append(measure_tier(tier))
            # written after every tier: a failure later keeps what was measured
            write_results(results, machine_facts(), args.results_dir)
            if not args.keep_data:
                shutil.rmtree(tier.folder, ignore_errors=True)
    finally:
        if not args.keep_data and args.work_dir is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


def measure_tier(tier: Tier) -> dict:
    """Generate the tier's data and measure every command on it."""
    print(f"[bench] {tier.events:,} events: generating", flush=True)
    generation_seconds = generate(tier.raw, tier.events)
    db = tier.folder / "build" / "warehouse.duckdb"
    db.parent.mkdir(parents=True, exist_ok=True)
    full = repeat(tier, "dbt build (all)", functools.partial(dbt_build, tier, tier.raw, db))
    kpis = dbt_kpis(db) if full.failure is None else None
    clickstream = None
    if tier.events <= LARGE_TIER:
        click_db = tier.folder / "click" / "warehouse.duckdb"
        click_db.parent.mkdir(parents=True, exist_ok=True)
        clickstream = repeat(tier, "dbt build (clickstream)", functools.partial(
            dbt_build, tier, tier.raw, click_db, {"enable_commerce": False}))
        shutil.rmtree(click_db.parent)  # not needed any more: room on disk
    floor = repeat(tier, "floor (DuckDB SQL)", functools.partial(run_floor, tier))
    peer = repeat(tier, "peer (pandas KPIs)", functools.partial(run_peer, tier))
    incremental = measure_incremental(tier, db) if full.failure is None else None
    return {
        "events": tier.events, "runs": tier.runs, "generation_seconds": generation_seconds,
        "full": full, "clickstream": clickstream, "floor": floor, "peer": peer,
        "agreement": {"floor": kpis_agree(kpis, floor), "peer": kpis_agree(kpis, peer)},
        "incremental": incremental, "memory_limit": tier.memory_limit,
    }


def measure_incremental(tier: Tier, db: Path) -> dict:
    """One more day of events: incremental runs from the tier's full build, a full build
    of the same data, and an incremental run with nothing new (dbt's fixed cost).

    The incremental runs are daily production runs: the same raw folder, database path
    and target folder as the full build before them (dbt's partial parse kept). With one
    run they go on the full build's database itself; with more, a snapshot of it is
    copied back before each run (at 100M events a copy costs tens of GB of disk)."""
    append_one_day(tier.raw, max(1, tier.events // 365))
    if tier.runs == 1:
        incremental_run = functools.partial(dbt_build, tier, tier.raw, db, fresh=False)
    else:
        snapshot = tier.folder / "snapshot.duckdb"
        shutil.copy(db, snapshot)

        def incremental_run() -> Run:
            shutil.copy(snapshot, db)
            return dbt_build(tier, tier.raw, db, fresh=False)

    incremental = repeat(tier, "dbt build (incremental, +1 day)", incremental_run)
    partial_parse = kept_partial_parse(db.parent / "logs" / "dbt.log")
    nothing_new = repeat(tier, "dbt build (incremental, nothing new)", functools.partial(
        dbt_build, tier, tier.raw, db, fresh=False))
    if tier.runs > 1:
        snapshot.unlink()
    full_db = tier.folder / "full_plus" / "warehouse.duckdb"
    full_db.parent.mkdir(parents=True, exist_ok=True)
    full_again = repeat(tier, "dbt build (full, +1 day)",
                        functools.partial(dbt_build, tier, tier.raw, full_db))
    compared = incremental.failure is None and full_again.failure is None
    return {
        "incremental": incremental, "nothing_new": nothing_new, "full": full_again,
        "differing_mart_rows": differing_mart_rows(db, full_db) if compared else None,
        "partial_parse": partial_parse,
    }


def kept_partial_parse(log: Path) -> bool:
    """Whether the last dbt run logged in `log` kept its partial parse (did not parse the
    whole project again)."""
    last_run = log.read_text(errors="replace").rsplit("Running with dbt", 1)[-1]
    return "Unable to do partial parsing" not in last_run and "Partial parsing enabled" in last_run


def seconds_cell(m: Measure) -> str:
    """The median seconds of a measure, or its failure."""
    return m.failure if m.failure else f"{m.median_seconds:.1f}"


def incremental_target(r: dict, target_here: bool) -> str:
    """The target row of a tier's incremental run: its share of a full build of the same
    data, against the target (set at the 10M tier; measured against it elsewhere)."""
    inc = r["incremental"]
    what = (f"incremental run at most {INCREMENTAL_TARGET:.0%} of the full build" if target_here
            else f"incremental run, share of the full build (the {INCREMENTAL_TARGET:.0%} "
                 "target is set at 10M)")
    label = f"| {r['events']:,} events + 1 day: {what} |"
    failed = inc["incremental"].failure or inc["full"].failure
    if failed:
        return f"{label} {failed} | no |"
    share = inc["incremental"].median_seconds / inc["full"].median_seconds
    nothing_new = inc["nothing_new"]
    fixed = (f"{nothing_new.median_seconds:.1f} s = "
             f"{nothing_new.median_seconds / inc['full'].median_seconds:.0%}"
             if nothing_new.failure is None else nothing_new.failure)
    return (
        f"{label} {inc['incremental'].median_seconds:.1f} s vs "
        f"{inc['full'].median_seconds:.1f} s = {share:.0%} (a run with nothing new: "
        f"{fixed}) | {'yes' if share <= INCREMENTAL_TARGET else 'no'} |"
    )


def family_targets(big: dict) -> list[str]:
    """The target rows measured on the 10M tier (or the largest tier up to 10M)."""
    lines: list[str] = []
    click, floor, peer = big["clickstream"], big["floor"], big["peer"]
    ratio = click.median_seconds / floor.median_seconds
    lines.append(
        f"| {big['events']:,} events: clickstream build within {FLOOR_TARGET}x of the floor | "
        f"{ratio:.2f}x | {'yes' if ratio <= FLOOR_TARGET else 'no'} |"
    )
    lines.append(
        f"| {big['events']:,} events: clickstream build under 4 GB peak, DuckDB memory limit "
        f"{big['memory_limit']} | {click.peak_mib:,.0f} MiB | "
        f"{'yes' if click.peak_mib < 4096 else 'no'} |"
    )
    faster = peer.failure is not None or click.median_seconds < peer.median_seconds
    lines.append(
        f"| {big['events']:,} events: clickstream build faster than the pandas peer | "
        f"{click.median_seconds:.1f} s vs {seconds_cell(peer)} s | "
        f"{'yes' if faster else 'no'} |"
    )
    if big["incremental"]:
        lines.append(incremental_target(big, target_here=True))
    gen = big["generation_seconds"]
    lines.append(
        f"| generator: {big['events']:,} events in about a minute | {gen:.1f} s | "
        f"{'yes' if gen <= 90 else 'no'} |"
    )
    return lines


def large_targets(r: dict, big: dict | None) -> list[str]:
    """The target rows of a tier above 10M: the build, and the incremental run."""
    full = r["full"]
    growth = (
        f"; {full.median_seconds / big['full'].median_seconds:.1f}x the time of "
        f"{big['events']:,} for {r['events'] / big['events']:.0f}x the events"
        if full.failure is None and big is not None and big["full"].failure is None else ""
    )
    lines = [
        f"| {r['events']:,} events: builds without running out of memory, time "
        f"roughly linear | {full.failure or f'{full.median_seconds:.0f} s'}, "
        f"{full.peak_mib:,.0f} MiB peak{growth} | {'yes' if full.failure is None else 'no'} |"
    ]
    if r["incremental"]:
        lines.append(incremental_target(r, target_here=False))
    return lines


def tier_measures(r: dict) -> list[Measure]:
    """Every measure of a tier, in the order of the results table."""
    measures = [r[k] for k in ("full", "clickstream", "floor", "peer") if r[k] is not None]
    if r["incremental"]:
        measures += [r["incremental"][k] for k in ("incremental", "nothing_new", "full")]
    return measures


def check_lines(r: dict) -> list[str]:
    """The Checks of a tier: KPI agreement, memory limit, spill files, incremental marts."""

    def said(value):
        return "not run" if value is None else ("yes" if value else "NO")

    agreement = r["agreement"]
    spill = [f"{m.name}: {', '.join(m.spill_left)}" for m in tier_measures(r) if m.spill_left]
    lines = [
        f"- {r['events']:,} events: the floor's KPIs equal the build's funnel_kpis: "
        f"{said(agreement['floor'])}; the peer's: {said(agreement['peer'])}; "
        f"generation {r['generation_seconds']:.1f} s; DuckDB memory limit "
        f"{r['memory_limit']}; spill files left after the builds and the floor: "
        f"{'; '.join(spill) + ' (removed)' if spill else 'none'}."
    ]
    if r["incremental"]:
        n = r["incremental"]["differing_mart_rows"]
        equal = ("not compared (a build failed)" if n is None
                 else "yes" if n == 0 else f"NO ({n} rows differ)")
        lines.append(
            f"- {r['events']:,} events + 1 day: the incremental run's marts equal the "
            f"full build's: {equal}; it kept dbt's partial parse (same vars, database and "
            f"target folder as the build before it): "
            f"{'yes' if r['incremental']['partial_parse'] else 'NO'}."
        )
    return lines


def write_results(results: list[dict], facts: dict, results_dir: Path) -> None:
    """Write results.md and results.png into results_dir, and print results.md."""
    results_dir.mkdir(parents=True, exist_ok=True)
    runs_note = ", ".join(f"{r['events']:,} events: {r['runs']}" for r in results)
    lines = [
        "# Benchmark results",
        "",
        f"Measured by `{facts['command']}` on {facts['cores']} cores, "
        f"{facts['memory_gib']} GiB, {facts['cpu']}; Python {facts['python']}, "
        f"DuckDB {facts['duckdb']}. Medians of the runs per tier ({runs_note}); peak "
        "memory is the whole process tree (dbt and DuckDB, or the script), sampled every "
        "50 ms; peak disk is everything under the tier's folder (raw data, databases, "
        "DuckDB spill files), sampled every second. Builds are production builds: models "
        "and data tests, unit tests excluded (`--exclude-resource-type unit_test`: their "
        "input is fixed, so they are run by CI, not per data size). The builds and the "
        "floor run with the same DuckDB memory limit (`DUCKDB_MEMORY_LIMIT`): "
        "`--small-memory-limit` (default 3GB) on tiers up to 10M events; above, "
        "`--large-memory-limit` if given, otherwise the caller's `DUCKDB_MEMORY_LIMIT`, "
        "otherwise the profile's default; the limit of each tier is under Checks. "
        "Raw data: generator output, `--messiness light`, parquet; "
        f"commerce scaled at one customer per {EVENTS_PER_CUSTOMER} events (at most "
        f"{MAX_CUSTOMERS:,}, the generator's id space). The machine is "
        "shared: compare ratios measured in the same run rather than absolute seconds.",
        "",
        "| events | measure | median s | rows/s | peak MiB | peak disk GiB | vs floor |",
        "|---:|---|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        floor_s = r["floor"].median_seconds if not r["floor"].failure else None
        for m in tier_measures(r):
            ok = m.failure is None
            rate = f"{r['events'] / m.median_seconds:,.0f}" if ok else "-"
            versus = f"{m.median_seconds / floor_s:.2f}x" if ok and floor_s else "-"
            lines.append(
                f"| {r['events']:,} | {m.name} | {seconds_cell(m)} | {rate} | "
                f"{m.peak_mib:,.0f} | {m.peak_disk_gib:,.2f} | {versus} |"
            )
    lines += ["", "## Targets", "", "| target | measured | met |", "|---|---|---|"]
    with_family = [r for r in results if r["clickstream"] is not None]
    big = next((r for r in results if r["events"] == LARGE_TIER),
               max(with_family, key=lambda r: r["events"]) if with_family else None)
    if big is not None:
        lines += family_targets(big)
    for r in results:
        if r["events"] > LARGE_TIER:
            lines += large_targets(r, big)
    lines += ["", "## Checks", ""]
    for r in results:
        lines += check_lines(r)
    (results_dir / "results.md").write_text("\n".join(lines) + "\n")
    plot(results, results_dir)
    print("\n".join(lines))


def plot_series(results: list[dict]) -> list[tuple[str, str, list[tuple[int, float]]]]:
    """The lines of results.png: (label, matplotlib style, (events, median seconds))
    for each measure that finished on at least one tier."""
    measures = {
        "o-": [r["full"] for r in results],
        "s-": [r["clickstream"] for r in results],
        "^--": [r["floor"] for r in results],
        "v:": [r["peer"] for r in results],
        "D-": [r["incremental"] and r["incremental"]["incremental"] for r in results],
    }
    series = []
    for style, per_tier in measures.items():
        points = [(r["events"], m.median_seconds) for r, m in zip(results, per_tier, strict=True)
                  if m is not None and m.failure is None]
        if points:
            series.append((next(m.name for m in per_tier if m is not None), style, points))
    return series


def plot(results: list[dict], results_dir: Path) -> None:
    """results.png: the median seconds of each measure against the events, log-log."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.5))
    for label, style, points in plot_series(results):
        ax.plot(*zip(*points, strict=True), style, label=label)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("events")
    ax.set_ylabel("seconds (median)")
    ax.set_title("ecommerce_behavior: build time vs events")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(results_dir / "results.png", dpi=120)


if __name__ == "__main__":
    sys.exit(main())
