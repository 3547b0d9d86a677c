"""The benchmark harness runs end to end (on a tiny tier) and reports every target.

The numbers of a 20K-event run mean nothing; what is checked is that `make bench`
works: every measure with its peak disk, the targets table, the KPI agreement of the
floor and the peer, the DuckDB memory limit of the tier, the spill folders and the
clickstream database removed, and the incremental run's marts equal to a full build of
the same data. The helpers behind the memory limit, the disk sampling and the spill
clean-up are checked on their own, without dbt.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import PROJECT_DIR

sys.path.insert(0, str(PROJECT_DIR / "scripts"))
import bench_harness  # noqa: E402
import bench_measures  # noqa: E402
import bench_report  # noqa: E402

MEASURES = (
    "dbt build (all)", "dbt build (clickstream)", "floor (DuckDB SQL)", "peer (pandas KPIs)",
    "dbt build (incremental, +1 day)", "dbt build (incremental, nothing new)",
    "dbt build (full, +1 day)",
)


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench")
    # a small limit other than the default: the results must name the one given
    finished = subprocess.run(
        [sys.executable, str(PROJECT_DIR / "scripts" / "bench.py"), "--tiers", "20K",
         "--runs", "1", "--small-memory-limit", "2GB", "--results-dir", str(out),
         "--work-dir", str(out / "work"), "--keep-data"],
        cwd=PROJECT_DIR, capture_output=True, text=True,
    )
    assert finished.returncode == 0, finished.stdout[-3000:] + finished.stderr[-3000:]
    return out


def table_rows(text: str) -> dict[str, dict[str, str]]:
    """The rows of the 20,000-event tier in the main table, by measure, as {column: cell}."""
    lines = text.splitlines()
    header_at = next(i for i, line in enumerate(lines) if line.startswith("| events |"))
    header = [cell.strip() for cell in lines[header_at].strip("|").split("|")]
    rows = {}
    for line in lines[header_at + 2:]:
        if not line.startswith("|"):
            break
        cells = dict(zip(header, (c.strip() for c in line.strip("|").split("|")), strict=True))
        if cells["events"] == "20,000":
            rows[cells["measure"]] = cells
    return rows


def test_every_measure_and_target_is_reported(results):
    text = (results / "results.md").read_text()
    assert set(table_rows(text)) == set(MEASURES)
    for target in ("within 2x of the floor",
                   "under 4 GB peak, DuckDB memory limit 2GB (--small-memory-limit)",
                   "faster than the pandas peer",
                   "20,000 events + 1 day: incremental run at most 20% of the full build",
                   "generator:"):
        assert target in text, target
    assert (results / "results.png").stat().st_size > 0


def test_every_measure_has_a_positive_peak_disk(results):
    rows = table_rows((results / "results.md").read_text())
    for measure, cells in rows.items():
        # the tier's raw data alone is on disk during every measure
        assert float(cells["peak disk GiB"]) > 0, measure
        assert cells["median s"] != "-" and not cells["median s"].startswith("failed"), measure


def test_floor_peer_and_incremental_agree_with_the_build(results):
    text = (results / "results.md").read_text()
    assert "the floor's KPIs equal the build's funnel_kpis: yes; the peer's: yes" in text
    assert "the incremental run's marts equal the full build's: yes" in text
    assert "it kept dbt's partial parse (same vars, database and target folder" in text
    assert "target folder as the build before it): yes." in text


def test_the_memory_limit_and_the_spill_files_are_reported(results):
    text = (results / "results.md").read_text()
    assert ("DuckDB memory limit 2GB (--small-memory-limit); spill files left after the "
            "builds and the floor: none.") in text


def test_spill_folders_and_the_clickstream_database_are_removed(results):
    tier = results / "work" / "tier_20000"
    kept = {p.relative_to(tier).as_posix() for p in tier.rglob("*")}
    # --keep-data keeps the databases of the incremental comparison
    assert {"raw/events.parquet", "build/warehouse.duckdb",
            "full_plus/warehouse.duckdb"} <= kept
    left = {p for p in kept if p.split("/")[-1] in ("duckdb_tmp", "floor_tmp")
            or p.startswith(("click", "one_more_day", "snapshot"))
            or p.endswith(".appending")}
    assert left == set()


def test_the_plot_has_the_incremental_run():
    def measure(name, seconds):
        return bench_harness.Measure(name, seconds=[seconds], peak_bytes=[1], peak_disk_bytes=[1])

    tier = {"events": 20_000, "full": measure("dbt build (all)", 4.0), "clickstream": None,
            "floor": measure("floor (DuckDB SQL)", 1.0), "peer": measure("peer", 2.0),
            "incremental": {"incremental": measure("dbt build (incremental, +1 day)", 3.0)}}
    series = {label: (style, points) for label, style, points in bench_report.plot_series([tier])}
    assert series["dbt build (incremental, +1 day)"] == ("D-", [(20_000, 3.0)])
    assert "dbt build (clickstream)" not in series


@pytest.mark.parametrize("events, large, environ, expected", [
    (10_000_000, None, {"DUCKDB_MEMORY_LIMIT": "8GB"},
     ({"DUCKDB_MEMORY_LIMIT": "3GB"}, "3GB (--small-memory-limit)")),
    (100_000_000, "12GB", {"DUCKDB_MEMORY_LIMIT": "8GB"},
     ({"DUCKDB_MEMORY_LIMIT": "12GB"}, "12GB (--large-memory-limit)")),
    (100_000_000, None, {"DUCKDB_MEMORY_LIMIT": "8GB"},
     ({}, "8GB (DUCKDB_MEMORY_LIMIT of the environment)")),
    (100_000_000, None, {}, ({}, "50% of RAM (profile default)")),
])
def test_the_memory_limit_of_a_tier(monkeypatch, events, large, environ, expected):
    monkeypatch.setattr(bench_measures, "profile_memory_default", lambda: "50%")
    assert bench_measures.memory_limit(events, "3GB", large, environ) == expected


def test_the_profile_memory_default_is_read_from_profiles_yml():
    default = bench_measures.profile_memory_default()
    assert default != "unknown"
    assert f"env_var('DUCKDB_MEMORY_LIMIT', '{default}')" in (
        PROJECT_DIR / "profiles.yml").read_text()


def fake_tier(folder: Path) -> bench_measures.Tier:
    return bench_measures.Tier(events=1, folder=folder, runs=1,
                               env={"DUCKDB_MEMORY_LIMIT": "2GB"},
                               memory_limit="2GB (--small-memory-limit)", memory_cap=2**30)


@pytest.mark.parametrize("fails", [False, True])
def test_a_build_gets_the_memory_limit_and_its_spill_folder_is_removed(
        tmp_path, monkeypatch, fails):
    seen = {}

    def duckdb_leaving_a_spill_file(command, env, memory_cap, disk_folder):
        seen.update(env)
        spill = Path(env["DUCKDB_TEMP_DIRECTORY"])
        spill.mkdir(parents=True)
        (spill / "duckdb_temp_storage-0.tmp").write_bytes(b"x" * 1024)
        if fails:
            raise bench_harness.CommandFailed("Out of Memory Error", bench_harness.Run())
        return bench_harness.Run(seconds=1.0)

    # run_spilling (bench_measures) calls the harness's run_measured by this name
    monkeypatch.setattr(bench_measures, "run_measured", duckdb_leaving_a_spill_file)
    tier, db = fake_tier(tmp_path), tmp_path / "build" / "warehouse.duckdb"
    measure = bench_measures.repeat(tier, "dbt build (all)",
                                    lambda: bench_measures.dbt_build(tier, tier.raw, db))
    assert seen["DUCKDB_MEMORY_LIMIT"] == "2GB"
    assert seen["DUCKDB_TEMP_DIRECTORY"] == str(db.parent / "duckdb_tmp")
    assert not (db.parent / "duckdb_tmp").exists()
    assert measure.spill_left == ["duckdb_temp_storage-0.tmp (0.00 GiB)"]
    assert (measure.failure == "failed: Out of Memory Error") if fails else measure.seconds == [1.0]


def test_disk_used_counts_files_and_not_what_links_point_to(tmp_path):
    inside, outside = tmp_path / "tier", tmp_path / "elsewhere"
    (inside / "raw").mkdir(parents=True)
    outside.mkdir()
    (inside / "raw" / "events.parquet").write_bytes(b"x" * 2**20)
    (outside / "big").write_bytes(b"x" * 4 * 2**20)
    (inside / "link").symlink_to(outside / "big")
    assert 2**20 <= bench_harness.disk_used(inside) < 2 * 2**20


def test_the_peak_disk_of_a_command_is_sampled_while_it_runs(tmp_path):
    # 8 MiB written, kept for 2.5 s, then removed: only a sample during the run sees it
    script = ("import os, sys, time, pathlib; p = pathlib.Path(sys.argv[1]) / 'spill'; "
              "p.write_bytes(os.urandom(8 * 2**20)); time.sleep(2.5); p.unlink()")
    run = bench_harness.run_measured([sys.executable, "-c", script, str(tmp_path)],
                                     disk_folder=tmp_path)
    assert run.peak_disk_bytes >= 8 * 2**20
    assert bench_harness.disk_used(tmp_path) == 0


def test_a_command_past_the_memory_cap_is_stopped():
    hog = [sys.executable, "-c", "x = bytearray(400 * 2**20); import time; time.sleep(30)"]
    with pytest.raises(bench_harness.MemoryCapExceeded):
        bench_harness.run_measured(hog, memory_cap=100 * 2**20)


def test_a_daily_run_that_parsed_the_whole_project_again_is_reported(tmp_path):
    log = tmp_path / "dbt.log"
    kept = "Partial parsing enabled: 0 files deleted, 0 files added, 0 files changed."
    reparsed = "Unable to do partial parsing because a project config has changed"
    log.write_text(f"Running with dbt=1.11\n{reparsed}\nRunning with dbt=1.11\n{kept}\n")
    assert bench_measures.kept_partial_parse(log)
    log.write_text(f"Running with dbt=1.11\n{kept}\nRunning with dbt=1.11\n{reparsed}\n")
    assert not bench_measures.kept_partial_parse(log)
