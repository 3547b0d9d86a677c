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

This file is the command line only. The work is split by concern: bench_harness.py runs and
supervises one measured command (time, memory, disk, the memory cap, spill folders);
bench_measures.py is what a tier measures (its data, the builds, the floor, the peer, the
incremental runs, the checks); bench_report.py writes results.md and results.png.

Usage: python scripts/bench.py [--tiers 1M,10M] [--runs 3] [--runs-large 1]
           [--small-memory-limit 3GB] [--large-memory-limit 12GB]
           [--memory-cap-gib G] [--results-dir DIR] [--work-dir DIR] [--keep-data]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

import psutil

from bench_harness import PROJECT_DIR, machine_facts
from bench_measures import LARGE_TIER, Tier, measure_tier, memory_limit
from bench_report import write_results

RESULTS_DIR = PROJECT_DIR / "benchmarks"


def parse_tier(text: str) -> int:
    """An event count such as 20K, 1M or 1.5M."""
    text = text.strip().upper()
    factor = {"K": 10**3, "M": 10**6}.get(text[-1], 1)
    return int(float(text.rstrip("KM")) * factor)


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


if __name__ == "__main__":
    sys.exit(main())
