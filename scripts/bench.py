"""Benchmark: the project's build against a hand-written floor and a pandas peer.

For each tier (events: 1M and 10M by default) it generates data with
scripts/generate_data.py (commerce scaled with the events), then measures, on the
same data and in the same run:
  - the full `dbt build` (models + tests) and the clickstream family alone;
  - the floor: scripts/bench_floor.py, hand-written DuckDB SQL for the
    clickstream headline outputs;
  - the peer: scripts/bench_peer.py, pandas computing only the funnel KPIs;
  - wall time (median of --runs), peak memory of the process tree, rows/second;
  - on the largest tier, an incremental `dbt build` after appending one more
    day of events, against the full build.
It writes benchmarks/results.md and benchmarks/results.png.

Usage: python scripts/bench.py [--tiers 1M,10M] [--runs 3] [--keep-data]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
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

    @property
    def median_seconds(self) -> float:
        return statistics.median(self.seconds)

    @property
    def peak_mib(self) -> float:
        return max(self.peak_bytes) / 2**20


def run_measured(command: list[str], env: dict | None = None) -> tuple[float, int, str]:
    """Run a command; return (wall seconds, peak RSS of its process tree, output)."""
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
            time.sleep(0.05)
        seconds = time.perf_counter() - started
        log.seek(0)
        output = log.read()
    if process.returncode != 0:
        tail = "\n".join(output.splitlines()[-30:])
        raise SystemExit(
            f"bench: command failed ({process.returncode}): {' '.join(command)}\n{tail}"
        )
    return seconds, peak, output


def generate(folder: Path, events: int, seed: int = 7, **extra: str) -> float:
    customers = max(200, events // EVENTS_PER_CUSTOMER)
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
              fresh: bool = True) -> tuple[float, int, str]:
    if fresh and db_path.exists():
        db_path.unlink()
    dbt_vars = {"raw_path": str(raw_path), **(extra_vars or {})}
    env = {
        "DUCKDB_PATH": str(db_path),
        "DUCKDB_TEMP_DIRECTORY": str(db_path.parent / "duckdb_tmp"),
        "DBT_PROFILES_DIR": str(PROJECT_DIR),
        "DO_NOT_TRACK": "1",
        "DBT_THREADS": str(os.cpu_count() or 2),
    }
    return run_measured(
        [str(BIN / "dbt"), "build", "--vars", json.dumps(dbt_vars),
         "--target-path", str(db_path.parent / "target"),
         "--log-path", str(db_path.parent / "logs")],
        env,
    )


def repeat(measure: Measure, runs: int, action) -> Measure:
    for _ in range(runs):
        seconds, peak, output = action()
        measure.seconds.append(seconds)
        measure.peak_bytes.append(peak)
        measure.output = output
    return measure


def dbt_kpis(db_path: Path) -> dict:
    with duckdb.connect(str(db_path), read_only=True) as con:
        row = con.execute(f"select {', '.join(KPI_COLUMNS)} from marts.funnel_kpis").fetchone()
    return {k: float(v) for k, v in zip(KPI_COLUMNS, row)}


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
    next_day = (
        __import__("datetime").date.fromisoformat(last_day)
        + __import__("datetime").timedelta(days=1)
    ).isoformat()
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
    }


def parse_tier(text: str) -> int:
    text = text.strip().upper()
    factor = {"K": 10**3, "M": 10**6}.get(text[-1], 1)
    return int(float(text.rstrip("KM")) * factor)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tiers", default="1M,10M", help="event counts, e.g. 1M,10M,100M")
    parser.add_argument("--runs", type=int, default=3, help="runs per measure (median)")
    parser.add_argument("--work-dir", type=Path, default=None, help="where data goes")
    parser.add_argument("--keep-data", action="store_true")
    args = parser.parse_args()
    tiers = [parse_tier(t) for t in args.tiers.split(",")]

    work = args.work_dir or Path(tempfile.mkdtemp(prefix="ecommerce_bench_"))
    work.mkdir(parents=True, exist_ok=True)
    results = []
    try:
        for events in tiers:
            tier = work / f"tier_{events}"
            raw = tier / "raw"
            print(f"[bench] {events:,} events: generating", flush=True)
            generation_seconds = generate(raw, events)
            db = tier / "build" / "warehouse.duckdb"
            db.parent.mkdir(parents=True, exist_ok=True)

            print(f"[bench] {events:,} events: full dbt build x{args.runs}", flush=True)
            full = repeat(Measure("dbt build (all)"), args.runs, lambda: dbt_build(raw, db))
            kpis = dbt_kpis(db)
            print(f"[bench] {events:,} events: clickstream dbt build x{args.runs}", flush=True)
            click_db = tier / "click" / "warehouse.duckdb"
            click_db.parent.mkdir(parents=True, exist_ok=True)
            clickstream = repeat(
                Measure("dbt build (clickstream)"), args.runs,
                lambda: dbt_build(raw, click_db, {"enable_commerce": False}),
            )
            print(f"[bench] {events:,} events: floor and peer x{args.runs}", flush=True)
            floor = repeat(
                Measure("floor (DuckDB SQL)"), args.runs,
                lambda: run_measured([str(BIN / "python"), "scripts/bench_floor.py",
                                      "--raw-path", str(raw)]),
            )
            peer = repeat(
                Measure("peer (pandas KPIs)"), args.runs,
                lambda: run_measured([str(BIN / "python"), "scripts/bench_peer.py",
                                      "--raw-path", str(raw)]),
            )
            floor_kpis = json.loads(floor.output.strip().splitlines()[-1])
            peer_kpis = json.loads(peer.output.strip().splitlines()[-1])
            agreement = {
                "floor": all(abs(floor_kpis[k] - kpis[k]) < 1e-6 * max(1, abs(kpis[k]))
                             for k in KPI_COLUMNS),
                "peer": all(abs(peer_kpis[k] - kpis[k]) < 1e-6 * max(1, abs(kpis[k]))
                            for k in KPI_COLUMNS),
            }
            tier_result = {
                "events": events, "generation_seconds": generation_seconds,
                "full": full, "clickstream": clickstream, "floor": floor, "peer": peer,
                "agreement": agreement, "incremental": None,
            }
            if events == max(tiers):
                print(f"[bench] {events:,} events: incremental run after one more day",
                      flush=True)
                plus = append_one_day(raw, tier / "raw_plus_day", max(1, events // 365))
                incremental = Measure("dbt build (incremental, +1 day)")
                seconds, peak, _ = dbt_build(plus, db, fresh=False)
                incremental.seconds.append(seconds)
                incremental.peak_bytes.append(peak)
                full_again = Measure("dbt build (full, +1 day)")
                seconds, peak, _ = dbt_build(plus, tier / "full_plus" / "warehouse.duckdb")
                full_again.seconds.append(seconds)
                full_again.peak_bytes.append(peak)
                tier_result["incremental"] = (incremental, full_again)
            results.append(tier_result)
            if not args.keep_data:
                shutil.rmtree(tier, ignore_errors=True)
    finally:
        if not args.keep_data and args.work_dir is None:
            shutil.rmtree(work, ignore_errors=True)

    write_results(results, machine_facts(), args.runs)
    return 0


def write_results(results: list[dict], facts: dict, runs: int) -> None:
    RESULTS_DIR.mkdir(exist_ok=True)
    lines = [
        "# Benchmark results",
        "",
        f"Measured by `make bench` (`python scripts/bench.py`) on {facts['cores']} cores, "
        f"{facts['memory_gib']} GiB, {facts['cpu']}; Python {facts['python']}, "
        f"DuckDB {facts['duckdb']}. Medians of {runs} runs; peak memory is the whole "
        "process tree (dbt and DuckDB, or the script), sampled every 50 ms. Raw data: "
        "generator output, `--messiness light`, parquet; commerce scaled at one customer "
        f"per {EVENTS_PER_CUSTOMER} events. The machine is shared: compare ratios measured "
        "in the same run rather than absolute seconds.",
        "",
        "| events | measure | median s | rows/s | peak MiB | vs floor |",
        "|---:|---|---:|---:|---:|---:|",
    ]
    for r in results:
        floor_s = r["floor"].median_seconds
        for key in ("full", "clickstream", "floor", "peer"):
            m = r[key]
            lines.append(
                f"| {r['events']:,} | {m.name} | {m.median_seconds:.1f} | "
                f"{r['events'] / m.median_seconds:,.0f} | {m.peak_mib:,.0f} | "
                f"{m.median_seconds / floor_s:.2f}x |"
            )
    lines += ["", "## Targets", "", "| target | measured | met |", "|---|---|---|"]
    big = next((r for r in results if r["events"] == 10_000_000), results[-1])
    ratio = big["clickstream"].median_seconds / big["floor"].median_seconds
    lines.append(
        f"| {big['events']:,} events: clickstream build within 4x of the floor | "
        f"{ratio:.2f}x | {'yes' if ratio <= 4 else 'no'} |"
    )
    peak = big["clickstream"].peak_mib
    lines.append(
        f"| {big['events']:,} events: clickstream build under 4 GB peak | "
        f"{peak:,.0f} MiB | {'yes' if peak < 4096 else 'no'} |"
    )
    faster = big["clickstream"].median_seconds < big["peer"].median_seconds
    lines.append(
        f"| {big['events']:,} events: clickstream build faster than the pandas peer | "
        f"{big['clickstream'].median_seconds:.1f} s vs {big['peer'].median_seconds:.1f} s | "
        f"{'yes' if faster else 'no'} |"
    )
    if big["incremental"]:
        incremental, full_again = big["incremental"]
        share = incremental.median_seconds / full_again.median_seconds
        lines.append(
            f"| {big['events']:,} events + 1 day: incremental run at most 15% of the full "
            f"build | {incremental.median_seconds:.1f} s vs {full_again.median_seconds:.1f} s "
            f"= {share:.0%} | {'yes' if share <= 0.15 else 'no'} |"
        )
    gen = big["generation_seconds"]
    lines.append(
        f"| generator: {big['events']:,} events in about a minute | {gen:.1f} s | "
        f"{'yes' if gen <= 90 else 'no'} |"
    )
    for r in results:
        if r["events"] >= 100_000_000:
            lines.append(
                f"| {r['events']:,} events build without running out of memory | "
                f"{r['full'].median_seconds:.0f} s, {r['full'].peak_mib:,.0f} MiB | yes |"
            )
    lines += ["", "## Checks", ""]
    for r in results:
        lines.append(
            f"- {r['events']:,} events: the floor's KPIs equal the build's funnel_kpis: "
            f"{'yes' if r['agreement']['floor'] else 'NO'}; the peer's: "
            f"{'yes' if r['agreement']['peer'] else 'NO (it skips sessionisation rules)'}; "
            f"generation {r['generation_seconds']:.1f} s."
        )
    (RESULTS_DIR / "results.md").write_text("\n".join(lines) + "\n")
    plot(results)
    print("\n".join(lines))


def plot(results: list[dict]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    events = [r["events"] for r in results]
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for key, style in (("full", "o-"), ("clickstream", "s-"), ("floor", "^--"), ("peer", "v:")):
        ax.plot(events, [r[key].median_seconds for r in results], style,
                label=results[0][key].name)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("events")
    ax.set_ylabel("seconds (median)")
    ax.set_title("ecommerce_behavior: build time vs events")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(RESULTS_DIR / "results.png", dpi=120)


if __name__ == "__main__":
    sys.exit(main())
