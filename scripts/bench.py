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
  - wall time (median of --runs), peak memory of the process tree, rows/second;
  - on the 10M tier (or the largest tier below it), an incremental `dbt build`
    after appending one more day of events, against a full build of the same
    data and against an incremental run with no new data (dbt's fixed cost);
    not on tiers above 10M;
    the incremental marts must equal the full build's.
Tiers above 10M run --runs-large times (default 1), with DUCKDB_MEMORY_LIMIT set
to --large-memory-limit if given; a command whose process tree passes
--memory-cap-gib is stopped and reported as out of memory.
It writes results.md and results.png into --results-dir (default benchmarks/),
after every tier.

Usage: python scripts/bench.py [--tiers 1M,10M] [--runs 3] [--runs-large 1]
           [--large-memory-limit 12GB] [--memory-cap-gib G] [--results-dir DIR]
           [--work-dir DIR] [--keep-data]
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import functools
import json
import os
import platform
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


@dataclass
class Measure:
    """Wall times and peak memory of repeated runs of one command."""

    name: str
    seconds: list[float] = field(default_factory=list)
    peak_bytes: list[int] = field(default_factory=list)
    output: str = ""
    failure: str | None = None  # e.g. out of memory: no time to report

    @property
    def median_seconds(self) -> float:
        return statistics.median(self.seconds)

    @property
    def peak_mib(self) -> float:
        return max(self.peak_bytes) / 2**20


class CommandFailed(Exception):
    """The command exited with an error; the message is its first error line."""


class MemoryCapExceeded(Exception):
    """The command's process tree went past the memory cap and was stopped."""

    def __init__(self, peak: int, seconds: float):
        super().__init__(f"stopped at {peak / 2**30:.1f} GiB after {seconds:.0f} s")
        self.peak, self.seconds = peak, seconds


def run_measured(command: list[str], env: dict | None = None,
                 memory_cap: int | None = None) -> tuple[float, int, str]:
    """Run a command; return (wall seconds, peak RSS of its process tree, output).

    With memory_cap (bytes), the process tree is killed when its RSS passes it
    (MemoryCapExceeded), before the machine runs out of memory."""
    # output goes to a file: a pipe read only at the end would fill up and block
    with tempfile.TemporaryFile(mode="w+") as log:
        started = time.perf_counter()
        process = psutil.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, text=True,
            env={**os.environ, **(env or {})}, cwd=PROJECT_DIR,
        )
        peak = 0
        # sample the whole process tree's memory while it runs
        while process.poll() is None:
            try:
                tree = [process] + process.children(recursive=True)
                peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
            except psutil.Error:
                pass
            if memory_cap is not None and peak > memory_cap:
                for child in process.children(recursive=True) + [process]:
                    with contextlib.suppress(psutil.Error):
                        child.kill()
                process.wait()
                raise MemoryCapExceeded(peak, time.perf_counter() - started)
            time.sleep(0.05)
        seconds = time.perf_counter() - started
        log.seek(0)
        output = log.read()
    if process.returncode != 0:
        lines = output.splitlines()
        errors = [line.strip() for line in lines if "Error" in line and "Runtime Error" not in line]
        print(f"bench: command failed ({process.returncode}): {' '.join(command)}\n"
              + "\n".join(lines[-30:]), flush=True)
        raise CommandFailed(errors[0] if errors else f"exit code {process.returncode}")
    return seconds, peak, output


def generate(folder: Path, events: int, seed: int = 7, **extra: str) -> float:
    customers = min(MAX_CUSTOMERS, max(200, events // EVENTS_PER_CUSTOMER))
    command = [
        str(BIN / "python"), str(PROJECT_DIR / "scripts" / "generate_data.py"),
        "--out", str(folder), "--customers", str(customers), "--events", str(events),
        "--seed", str(seed), "--messiness", "light", "--format", "parquet",
    ]
    for key, value in extra.items():
        command += [f"--{key.replace('_', '-')}", value]
    seconds, _, _ = run_measured(command)
    return seconds


def dbt_build(raw_path: Path, db_path: Path, extra_vars: dict | None = None,
              fresh: bool = True, memory_cap: int | None = None) -> tuple[float, int, str]:
    if fresh and db_path.exists():
        db_path.unlink()
    dbt_vars = {"raw_path": str(raw_path), **(extra_vars or {})}
    env = {
        "DUCKDB_BUILD_PATH": str(db_path),
        "DUCKDB_TEMP_DIRECTORY": str(db_path.parent / "duckdb_tmp"),
        "DBT_PROFILES_DIR": str(PROJECT_DIR),
        "DO_NOT_TRACK": "1",
        "DBT_THREADS": str(os.cpu_count() or 2),
    }
    return run_measured(
        [str(BIN / "dbt"), "build", "--exclude-resource-type", "unit_test",
         "--vars", json.dumps(dbt_vars),
         "--target-path", str(db_path.parent / "target"),
         "--log-path", str(db_path.parent / "logs")],
        env,
        memory_cap,
    )


def repeat(measure: Measure, runs: int, action) -> Measure:
    for _ in range(runs):
        try:
            seconds, peak, output = action()
        except MemoryCapExceeded as stopped:
            measure.failure = f"out of memory ({stopped})"
            measure.peak_bytes.append(stopped.peak)
            return measure
        except CommandFailed as failed:
            measure.failure = f"failed: {failed}"
            measure.peak_bytes.append(0)
            return measure
        measure.seconds.append(seconds)
        measure.peak_bytes.append(peak)
        measure.output = output
    return measure


def differing_mart_rows(db_a: Path, db_b: Path) -> int:
    """Rows in one build's marts and not in the other's (both ways), over every mart."""
    with duckdb.connect(str(db_a), read_only=True) as con:
        con.execute(f"attach '{db_b}' as other (read_only)")
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
    with duckdb.connect(str(db_path), read_only=True) as con:
        row = con.execute(f"select {', '.join(KPI_COLUMNS)} from marts.funnel_kpis").fetchone()
    return {k: float(v) for k, v in zip(KPI_COLUMNS, row, strict=True)}


def append_one_day(raw: Path, target: Path, events_per_day: int) -> Path:
    """A copy of the tier's raw folder whose events have one more day at the end."""
    target.mkdir(parents=True, exist_ok=True)
    for file in raw.iterdir():
        if file.name != "events.parquet":
            (target / file.name).symlink_to(file)
    with duckdb.connect() as con:
        [(last_day,)] = con.execute(
            f"select max(left(event_time, 10)) from read_parquet('{raw / 'events.parquet'}')"
        ).fetchall()
    next_day = (datetime.date.fromisoformat(last_day) + datetime.timedelta(days=1)).isoformat()
    day_folder = target.parent / (target.name + "_day")
    generate(day_folder, events_per_day, seed=8, start_date=next_day, days="1")
    with duckdb.connect() as con:
        con.execute(
            f"""copy (
                select * from read_parquet('{raw / 'events.parquet'}')
                union all
                select * from read_parquet('{day_folder / 'events.parquet'}')
            ) to '{target / 'events.parquet'}' (format parquet)"""
        )
    return target


def machine_facts() -> dict:
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
    text = text.strip().upper()
    factor = {"K": 10**3, "M": 10**6}.get(text[-1], 1)
    return int(float(text.rstrip("KM")) * factor)


LARGE_TIER = 10_000_000  # tiers above this run --runs-large times, without the family build


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tiers", default="1M,10M", help="event counts, e.g. 1M,10M,100M")
    parser.add_argument("--runs", type=int, default=3, help="runs per measure (median)")
    parser.add_argument("--runs-large", type=int, default=1,
                        help="runs per measure on tiers above 10M")
    parser.add_argument("--memory-cap-gib", type=float,
                        default=round(0.7 * psutil.virtual_memory().total / 2**30, 1),
                        help="stop a command whose process tree passes this (default 70%% of RAM)")
    parser.add_argument("--large-memory-limit", default=None,
                        help="DUCKDB_MEMORY_LIMIT for tiers above 10M (default: the profile's)")
    parser.add_argument("--work-dir", type=Path, default=None, help="where data goes")
    parser.add_argument("--keep-data", action="store_true")
    parser.add_argument("--results-dir", type=Path, default=RESULTS_DIR,
                        help="where results.md and results.png go")
    args = parser.parse_args()
    tiers = sorted(parse_tier(t) for t in args.tiers.split(","))
    small = [t for t in tiers if t <= LARGE_TIER]
    # the incremental runs need three more builds and a copy of the database: only up to 10M
    incremental_tier = max(small) if small else None
    memory_cap = int(args.memory_cap_gib * 2**30)

    work = args.work_dir or Path(tempfile.mkdtemp(prefix="ecommerce_bench_"))
    work.mkdir(parents=True, exist_ok=True)
    results = []
    try:
        for events in tiers:
            runs = args.runs if events <= LARGE_TIER else args.runs_large
            if events > LARGE_TIER and args.large_memory_limit:
                os.environ["DUCKDB_MEMORY_LIMIT"] = args.large_memory_limit
            tier = work / f"tier_{events}"
            raw = tier / "raw"
            print(f"[bench] {events:,} events: generating", flush=True)
            generation_seconds = generate(raw, events)
            db = tier / "build" / "warehouse.duckdb"
            db.parent.mkdir(parents=True, exist_ok=True)

            print(f"[bench] {events:,} events: full dbt build x{runs}", flush=True)
            full = repeat(Measure("dbt build (all)"), runs,
                          functools.partial(dbt_build, raw, db, memory_cap=memory_cap))
            kpis = dbt_kpis(db) if full.failure is None else None
            clickstream = None
            if events <= LARGE_TIER:
                print(f"[bench] {events:,} events: clickstream dbt build x{runs}", flush=True)
                click_db = tier / "click" / "warehouse.duckdb"
                click_db.parent.mkdir(parents=True, exist_ok=True)
                clickstream = repeat(
                    Measure("dbt build (clickstream)"), runs,
                    functools.partial(dbt_build, raw, click_db, {"enable_commerce": False},
                                      memory_cap=memory_cap),
                )
            print(f"[bench] {events:,} events: floor and peer x{runs}", flush=True)
            floor = repeat(
                Measure("floor (DuckDB SQL)"), runs,
                functools.partial(run_measured, [str(BIN / "python"), "scripts/bench_floor.py",
                                                 "--raw-path", str(raw)],
                                  {"DUCKDB_TEMP_DIRECTORY": str(tier / "floor_tmp")},
                                  memory_cap=memory_cap),
            )
            peer = repeat(
                Measure("peer (pandas KPIs)"), runs,
                functools.partial(run_measured, [str(BIN / "python"), "scripts/bench_peer.py",
                                                 "--raw-path", str(raw)], memory_cap=memory_cap),
            )
            agreement = {}
            for name, measure in (("floor", floor), ("peer", peer)):
                if kpis is None or measure.failure is not None:
                    agreement[name] = None
                    continue
                other = json.loads(measure.output.strip().splitlines()[-1])
                agreement[name] = all(
                    abs(other[k] - kpis[k]) < 1e-6 * max(1, abs(kpis[k])) for k in KPI_COLUMNS
                )
            tier_result = {
                "events": events, "runs": runs, "generation_seconds": generation_seconds,
                "full": full, "clickstream": clickstream, "floor": floor, "peer": peer,
                "agreement": agreement, "incremental": None,
                "memory_limit": os.environ.get("DUCKDB_MEMORY_LIMIT", "3GB (profile default)"),
            }
            if events == incremental_tier and full.failure is None:
                tier_result["incremental"] = measure_incremental(tier, raw, db, events, runs)
            results.append(tier_result)
            # written after every tier: a failure later keeps what was measured
            write_results(results, machine_facts(), args.results_dir)
            if not args.keep_data:
                shutil.rmtree(tier, ignore_errors=True)
    finally:
        if not args.keep_data and args.work_dir is None:
            shutil.rmtree(work, ignore_errors=True)

    return 0


def measure_incremental(tier: Path, raw: Path, db: Path, events: int, runs: int) -> dict:
    """One more day of events: incremental runs from the same full build, a full build
    of the same data, and an incremental run with nothing new (dbt's fixed cost)."""
    print(f"[bench] {events:,} events: incremental runs after one more day x{runs}",
          flush=True)
    plus = append_one_day(raw, tier / "raw_plus_day", max(1, events // 365))
    snapshot = tier / "snapshot.duckdb"
    shutil.copy(db, snapshot)
    incremental_db = tier / "incremental" / "warehouse.duckdb"
    incremental_db.parent.mkdir(parents=True, exist_ok=True)

    def incremental_run():
        shutil.copy(snapshot, incremental_db)
        return dbt_build(plus, incremental_db, fresh=False)

    incremental = repeat(Measure("dbt build (incremental, +1 day)"), runs, incremental_run)
    nothing_new = repeat(Measure("dbt build (incremental, nothing new)"), runs,
                         lambda: dbt_build(plus, incremental_db, fresh=False))
    full_db = tier / "full_plus" / "warehouse.duckdb"
    full_db.parent.mkdir(parents=True, exist_ok=True)
    full_again = repeat(Measure("dbt build (full, +1 day)"), runs,
                        lambda: dbt_build(plus, full_db))
    return {
        "incremental": incremental, "nothing_new": nothing_new, "full": full_again,
        "differing_mart_rows": differing_mart_rows(incremental_db, full_db),
    }


def seconds_cell(m: Measure) -> str:
    return m.failure if m.failure else f"{m.median_seconds:.1f}"


def family_targets(big: dict, results: list[dict]) -> list[str]:
    """The target rows measured on the 10M tier (or the largest tier up to 10M)."""
    lines: list[str] = []
    click, floor, peer = big["clickstream"], big["floor"], big["peer"]
    ratio = click.median_seconds / floor.median_seconds
    lines.append(
        f"| {big['events']:,} events: clickstream build within 4x of the floor | "
        f"{ratio:.2f}x | {'yes' if ratio <= 4 else 'no'} |"
    )
    lines.append(
        f"| {big['events']:,} events: clickstream build under 4 GB peak | "
        f"{click.peak_mib:,.0f} MiB | {'yes' if click.peak_mib < 4096 else 'no'} |"
    )
    faster = peer.failure is not None or click.median_seconds < peer.median_seconds
    lines.append(
        f"| {big['events']:,} events: clickstream build faster than the pandas peer | "
        f"{click.median_seconds:.1f} s vs {seconds_cell(peer)} s | "
        f"{'yes' if faster else 'no'} |"
    )
    for r in results:
        if not r["incremental"]:
            continue
        inc = r["incremental"]
        share = inc["incremental"].median_seconds / inc["full"].median_seconds
        fixed = inc["nothing_new"].median_seconds / inc["full"].median_seconds
        lines.append(
            f"| {r['events']:,} events + 1 day: incremental run at most 15% of the full "
            f"build | {inc['incremental'].median_seconds:.1f} s vs "
            f"{inc['full'].median_seconds:.1f} s = {share:.0%} (a run with nothing new: "
            f"{inc['nothing_new'].median_seconds:.1f} s = {fixed:.0%}) | "
            f"{'yes' if share <= 0.15 else 'no'} |"
        )
    gen = big["generation_seconds"]
    lines.append(
        f"| generator: {big['events']:,} events in about a minute | {gen:.1f} s | "
        f"{'yes' if gen <= 90 else 'no'} |"
    )
    return lines


def write_results(results: list[dict], facts: dict, results_dir: Path) -> None:
    results_dir.mkdir(parents=True, exist_ok=True)
    runs_note = ", ".join(f"{r['events']:,} events: {r['runs']}" for r in results)
    lines = [
        "# Benchmark results",
        "",
        f"Measured by `{facts['command']}` on {facts['cores']} cores, "
        f"{facts['memory_gib']} GiB, {facts['cpu']}; Python {facts['python']}, "
        f"DuckDB {facts['duckdb']}. Medians of the runs per tier ({runs_note}); peak "
        "memory is the whole process tree (dbt and DuckDB, or the script), sampled every "
        "50 ms. Builds are production builds: models and data tests, unit tests excluded "
        "(`--exclude-resource-type unit_test`: their input is fixed, so they are run by CI, "
        "not per data size). The floor runs with the build's DuckDB memory limit "
        "(`DUCKDB_MEMORY_LIMIT`, default 3GB; the limit of each tier is under Checks). "
        "Raw data: generator output, `--messiness light`, parquet; "
        f"commerce scaled at one customer per {EVENTS_PER_CUSTOMER} events (at most "
        f"{MAX_CUSTOMERS:,}, the generator's id space). The machine is "
        "shared: compare ratios measured in the same run rather than absolute seconds.",
        "",
        "| events | measure | median s | rows/s | peak MiB | vs floor |",
        "|---:|---|---:|---:|---:|---:|",
    ]
    for r in results:
        floor_s = r["floor"].median_seconds if not r["floor"].failure else None
        measures = [r["full"], r["clickstream"], r["floor"], r["peer"]]
        if r["incremental"]:
            measures += [r["incremental"][k] for k in ("incremental", "nothing_new", "full")]
        for m in measures:
            if m is None:
                continue
            ok = m.failure is None
            rate = f"{r['events'] / m.median_seconds:,.0f}" if ok else "-"
            versus = f"{m.median_seconds / floor_s:.2f}x" if ok and floor_s else "-"
            lines.append(
                f"| {r['events']:,} | {m.name} | {seconds_cell(m)} | {rate} | "
                f"{m.peak_mib:,.0f} | {versus} |"
            )
    lines += ["", "## Targets", "", "| target | measured | met |", "|---|---|---|"]
    with_family = [r for r in results if r["clickstream"] is not None]
    big = next((r for r in results if r["events"] == 10_000_000),
               max(with_family, key=lambda r: r["events"]) if with_family else None)
    if big is not None:
        lines += family_targets(big, results)
    for r in results:
        if r["events"] > LARGE_TIER:
            full = r["full"]
            growth = (
                f"; {full.median_seconds / big['full'].median_seconds:.1f}x the time of "
                f"{big['events']:,} for {r['events'] / big['events']:.0f}x the events"
                if full.failure is None and big is not None else ""
            )
            lines.append(
                f"| {r['events']:,} events: builds without running out of memory, time "
                f"roughly linear | {full.failure or f'{full.median_seconds:.0f} s'}, "
                f"{full.peak_mib:,.0f} MiB peak"
                f"{growth} | {'yes' if full.failure is None else 'no'} |"
            )
    lines += ["", "## Checks", ""]
    for r in results:
        agreement = r["agreement"]

        def said(value):
            return "not run" if value is None else ("yes" if value else "NO")

        lines.append(
            f"- {r['events']:,} events: the floor's KPIs equal the build's funnel_kpis: "
            f"{said(agreement['floor'])}; the peer's: {said(agreement['peer'])}; "
            f"generation {r['generation_seconds']:.1f} s; DuckDB memory limit "
            f"{r['memory_limit']}."
        )
        if r["incremental"]:
            n = r["incremental"]["differing_mart_rows"]
            lines.append(
                f"- {r['events']:,} events + 1 day: the incremental run's marts equal the "
                f"full build's: {'yes' if n == 0 else f'NO ({n} rows differ)'}."
            )
    (results_dir / "results.md").write_text("\n".join(lines) + "\n")
    plot(results, results_dir)
    print("\n".join(lines))


def plot(results: list[dict], results_dir: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.5))
    for key, style in (("full", "o-"), ("clickstream", "s-"), ("floor", "^--"), ("peer", "v:")):
        points = [(r["events"], r[key].median_seconds) for r in results
                  if r[key] is not None and r[key].failure is None]
        if points:
            name = next(r[key].name for r in results if r[key] is not None)
            ax.plot(*zip(*points, strict=True), style, label=name)
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
