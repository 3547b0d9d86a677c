"""What the benchmark measures: a tier's data, the commands run on it, and their checks.

A tier's raw data is generated (scripts/generate_data.py); the production `dbt build`, the
floor (scripts/bench_floor.py) and the pandas peer (scripts/bench_peer.py) run on it through
the harness (bench_harness.py), each as many times as the tier says; one more day of events
is appended for the incremental runs; the KPIs and the marts are compared. Also the DuckDB
memory limit each tier runs with. What a tier measures, and why, is in scripts/bench.py's
docstring and benchmarks/README.md; the results are written by bench_report.py.
"""

from __future__ import annotations

import datetime
import functools
import json
import os
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb

from bench_harness import (
    PROJECT_DIR,
    CommandStopped,
    Measure,
    Run,
    remove_spill_folder,
    run_measured,
)

BIN = Path(sys.executable).parent
EVENTS_PER_CUSTOMER = 500
# the generator's id space: registered ids CUST-<n> stay below 100000 (generate_data.py)
MAX_CUSTOMERS = 165_000
KPI_COLUMNS = [
    "total_users", "view_events", "cart_events", "purchase_events", "revenue",
    "viewers", "cart_users", "purchasers",
]
LARGE_TIER = 10_000_000  # tiers above this: --runs-large, no family build, the large limit


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
        # the caller's DBT_THREADS (the Makefile's two per core; the tests' one), else
        # the Makefile's default
        "DBT_THREADS": os.environ.get("DBT_THREADS") or str(2 * (os.cpu_count() or 1)),
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
