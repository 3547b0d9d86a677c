"""A small, bounded load check (docs/dashboards.md, "Load"): 1, 5 and 20 viewers, each logged in
as the viewer account, request the dashboards' chart data on 127.0.0.1, without and with the
publication swapped underneath; zero errors. Throughput and p50/p95/max latencies are
printed and written to warehouse/bi_load.json (BI_LOAD_REPORT to write elsewhere).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from load import publication_swapper, run_load

from conftest import ROOT, Instance, login

VIEWERS = (1, 5, 20)
# per run, shared by the viewers (BI_LOAD_REQUESTS, at most 1000): 40, every chart once, is
# enough for the check (9 runs); the figures in docs/dashboards.md use 200
REQUESTS = min(int(os.environ.get("BI_LOAD_REQUESTS", "40")), 1000)
LIMIT_S = 120  # per run; a request not answered by then is an error
REPORT = Path(os.environ.get("BI_LOAD_REPORT", ROOT / "warehouse" / "bi_load.json"))


@pytest.fixture(scope="module")
def report():
    runs: list[dict] = []
    yield runs
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(json.dumps(runs, indent=2) + "\n")
    print("\nbi-test load (chart data, viewer sessions):")
    for r in runs:
        print(f"  {r['viewers']:>2} viewers, {r['swap'] or 'steady':<7}: "
              f"{r['requests']} requests in {r['seconds']} s, {r['requests_per_s']}/s, "
              f"p50 {r['p50_ms']} ms, p95 {r['p95_ms']} ms, max {r['max_ms']} ms, "
              f"{r['errors']} errors, {r['swaps']} swaps")


@pytest.fixture(scope="module")
def viewers(superset: Instance):
    """One logged-in session per simulated viewer, all of the viewer account."""
    user, password = superset.account("viewer")
    return [login(superset.url, user, password) for _ in range(max(VIEWERS))]


@pytest.fixture(scope="module")
def charts(superset: Instance) -> list[int]:
    """Every chart placed on a dashboard, as the viewer lists them."""
    result = superset.get("/api/v1/chart/", as_viewer=True, q="(page_size:1000,columns:!(id))")
    ids = sorted(c["id"] for c in result.json()["result"])
    assert len(ids) >= 40
    return ids


@pytest.mark.parametrize("swap", [None, "rename", "symlink"],
                         ids=["steady", "swapped_by_rename", "swapped_by_symlink"])
@pytest.mark.parametrize("n", VIEWERS)
def test_viewers_under_load(superset: Instance, viewers, charts, report, tmp_path: Path,
                            n: int, swap: str | None):
    """Zero errors, every request answered in time; with a swap, the swaps happened."""
    swapper = publication_swapper(superset.warehouse, tmp_path, swap) if swap else None
    result = run_load(superset.url, viewers[:n], charts, REQUESTS, LIMIT_S, swapper)
    report.append(result.summary() | {"swap": swap})
    assert not result.errors, f"{len(result.errors)} errors, first: {result.errors[:3]}"
    assert len(result.latencies) == REQUESTS
    if swap:
        assert result.swaps > 0
