"""MetricFlow on published numbers only (docs/semantic_layer.md).

Usage: python scripts/metrics.py <mf arguments>, e.g.
    .venv/bin/python scripts/metrics.py query --metrics carts --group-by metric_time__month

MetricFlow (`mf`) reads the work database dbt builds into (`$DUCKDB_BUILD_PATH`): after a
build that failed its audit, it would answer with numbers that were never published. This
runs `mf` (the one beside this Python) with the given arguments only when the work
database's last build is the one published: scripts/publish.py writes a marker beside the
work database after it publishes and removes it when a build starts, and a dbt command run
outside `make build` since then (target/run_results.json of another invocation) also counts
as unpublished. Otherwise it says why and what to do, and exits 2.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from publish import (  # noqa: E402  (scripts/publish.py)
    DEFAULT_BUILD_DATABASE,
    env_path,
    published_marker,
)

# dbt commands that change the work database's relations
BUILDING_COMMANDS = {"build", "run", "seed", "snapshot"}


def unpublished_reason(build_db: Path, target_path: Path) -> str | None:
    """Why the work database's numbers are not the published ones, or None."""
    marker = published_marker(build_db)
    if not marker.exists():
        return (f"the work database {build_db} was not published: its last build failed its "
                "audit, is still running, or ran outside `make build`")
    published = json.loads(marker.read_text())
    results = target_path / "run_results.json"
    if results.exists():
        run = json.loads(results.read_text())
        command = run.get("args", {}).get("which")
        invocation = run.get("metadata", {}).get("invocation_id")
        if command in BUILDING_COMMANDS and invocation != published["dbt_invocation_id"]:
            return (f"`dbt {command}` ran into the work database {build_db} after its "
                    f"publication {published['publication_id']}, outside `make build`")
    return None


def main(argv: list[str]) -> int:
    build_db = env_path("DUCKDB_BUILD_PATH", DEFAULT_BUILD_DATABASE)
    reason = unpublished_reason(build_db, env_path("DBT_TARGET_PATH", "target"))
    if reason:
        print(f"metrics: {reason}, so its numbers may never have been published.\n"
              "metrics: run `make build` (it publishes only a build whose every test passed), "
              "then ask again.", file=sys.stderr)
        return 2
    mf = str(Path(sys.executable).with_name("mf"))
    return subprocess.run([mf, *argv], env=dict(os.environ), check=False).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
