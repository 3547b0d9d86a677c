"""The benchmark harness runs end to end (on a tiny tier) and reports every target.

The numbers of a 20K-event run mean nothing; what is checked is that `make bench`
works: every measure, the targets table, the KPI agreement of the floor and the
peer, and the incremental run's marts equal to a full build of the same data.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import PROJECT_DIR

sys.path.insert(0, str(PROJECT_DIR / "scripts"))
import bench  # noqa: E402


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench")
    subprocess.run(
        [sys.executable, str(PROJECT_DIR / "scripts" / "bench.py"), "--tiers", "20K",
         "--runs", "1", "--results-dir", str(out), "--work-dir", str(out / "work")],
        check=True, cwd=PROJECT_DIR, capture_output=True, text=True,
    )
    return out


def test_every_measure_and_target_is_reported(results):
    text = (results / "results.md").read_text()
    for measure in (
        "dbt build (all)", "dbt build (clickstream)", "floor (DuckDB SQL)", "peer (pandas KPIs)",
        "dbt build (incremental, +1 day)", "dbt build (incremental, nothing new)",
        "dbt build (full, +1 day)",
    ):
        assert f"| 20,000 | {measure} |" in text, measure
    for target in ("within 4x of the floor", "under 4 GB peak", "faster than the pandas peer",
                   "incremental run at most 15%", "generator:"):
        assert target in text, target
    assert (results / "results.png").stat().st_size > 0


def test_floor_peer_and_incremental_agree_with_the_build(results):
    text = (results / "results.md").read_text()
    assert "the floor's KPIs equal the build's funnel_kpis: yes; the peer's: yes" in text
    assert "the incremental run's marts equal the full build's: yes" in text


def test_a_command_past_the_memory_cap_is_stopped():
    hog = [sys.executable, "-c", "x = bytearray(400 * 2**20); import time; time.sleep(30)"]
    with pytest.raises(bench.MemoryCapExceeded):
        bench.run_measured(hog, memory_cap=100 * 2**20)
