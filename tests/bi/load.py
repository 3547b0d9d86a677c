"""A small, bounded load of the dashboards' chart data (tests/bi/test_load.py, docs/dashboards.md,
"Load"): N viewers, each with its own logged-in session, request the charts' data one after
the other, to 127.0.0.1 only, bounded in request count and in time; optionally while the
publication is swapped underneath, as a publish step does.
"""

from __future__ import annotations

import os
import shutil
import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import requests

LOOPBACK = "http://127.0.0.1:"


@dataclass
class LoadResult:
    """What one run of the load saw: every request's time, and every error."""

    viewers: int
    swapping: bool
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0
    swaps: int = 0

    def summary(self) -> dict:
        ordered = sorted(self.latencies)
        return {
            "viewers": self.viewers,
            "swapping": self.swapping,
            "requests": len(ordered),
            "errors": len(self.errors),
            "swaps": self.swaps,
            "seconds": round(self.seconds, 2),
            "requests_per_s": round(len(ordered) / self.seconds, 1) if self.seconds else 0,
            "p50_ms": round(statistics.median(ordered) * 1000) if ordered else None,
            "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))] * 1000) if ordered else None,
            "max_ms": round(ordered[-1] * 1000) if ordered else None,
        }


def chart_data_ok(response: requests.Response) -> str | None:
    """None when a chart-data answer is a success with rows; else what is wrong with it."""
    if response.status_code != 200:
        return f"{response.status_code}: {response.text[:200]}"
    results = response.json().get("result") or [{}]
    if results[0].get("error") or not results[0].get("data"):
        return f"no data: {str(results[0])[:200]}"
    return None


def run_load(url: str, sessions: list[requests.Session], charts: list[int], total: int,
             limit_s: float, swap: Callable[[], None] | None = None,
             swap_every_s: float = 0.2) -> LoadResult:
    """`total` chart-data requests shared by len(sessions) viewers, within limit_s seconds.

    Viewer i starts at chart i and goes round the charts; a request not answered when the
    time is up counts as an error. With `swap`, a thread calls it every swap_every_s while
    the viewers run.
    """
    if not url.startswith(LOOPBACK):
        raise ValueError(f"the load check targets 127.0.0.1 only, not {url}")
    result = LoadResult(viewers=len(sessions), swapping=swap is not None)
    lock = threading.Lock()
    done = threading.Event()
    deadline = time.monotonic() + limit_s
    share = [total // len(sessions) + (i < total % len(sessions)) for i in range(len(sessions))]

    def viewer(i: int) -> None:
        for k in range(share[i]):
            chart = charts[(i + k) % len(charts)]
            left = deadline - time.monotonic()
            if left <= 0:
                with lock:
                    result.errors.append(f"viewer {i}: out of time before request {k}")
                return
            t0 = time.monotonic()
            try:
                response = sessions[i].get(f"{url}/api/v1/chart/{chart}/data/", timeout=left)
                error = chart_data_ok(response)
            except requests.RequestException as ex:
                error = f"{type(ex).__name__}: {ex}"
            with lock:
                result.latencies.append(time.monotonic() - t0)
                if error:
                    result.errors.append(f"viewer {i}, chart {chart}: {error}")

    def swapper() -> None:
        while not done.wait(swap_every_s):
            swap()
            result.swaps += 1

    threads = [threading.Thread(target=viewer, args=(i,)) for i in range(len(sessions))]
    background = threading.Thread(target=swapper) if swap else None
    t0 = time.monotonic()
    if background:
        background.start()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    result.seconds = time.monotonic() - t0
    done.set()
    if background:
        background.join()
    return result


def publication_swapper(warehouse: Path, folder: Path, style: str) -> Callable[[], None]:
    """Replace the publication atomically, as a publish step does, in one of two styles:
    "rename", a new file renamed over it (scripts/publish.py), or "symlink", the path a
    symlink switched to another generation. Both generations hold the current publication.

    The publication is put in the style first, before the load starts: DuckDB 1.5.6 with
    enable_external_access=false refuses an open that races a change from a file to a
    symlink or back (docs/dashboards.md, "Load"), a change a publish step makes once.
    """
    generations = [folder / "generation_a.duckdb", folder / "generation_b.duckdb"]
    for generation in generations:
        shutil.copyfile(warehouse, generation)
    count = 0

    def swap() -> None:
        nonlocal count
        target = generations[count % 2]
        tmp = warehouse.with_name(f".{warehouse.name}.swap{count}")
        if style == "symlink":
            os.symlink(target, tmp)
        else:
            shutil.copyfile(target, tmp)  # a new file, written then renamed
        os.replace(tmp, warehouse)
        count += 1

    if style not in ("rename", "symlink"):
        raise ValueError(f"swap style {style!r}: rename or symlink")
    swap()
    return swap
