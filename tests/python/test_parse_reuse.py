"""run_dbt parses the project once per process for each parse_key (parses.py): the
project's files and every var except `raw_path`'s value. These tests hold that key to
what dbt does: two parses that differ only in raw_path's folder give the same manifest,
and a var that the key keeps apart does change the parse. A `dbt` process given that
parse as its partial-parse file (seed_partial_parse: publish.py's builds in the tests)
reads it instead of parsing, and ends with the manifest of a full parse."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from conftest import (
    ECOMGEN_SAMPLE_DIR,
    PROJECT_DIR,
    SAMPLE_DIR,
    duckdb_env,
    parse_key,
    run_dbt,
    seed_partial_parse,
)

# fields that differ between any two parses of the same project
VOLATILE = {"created_at", "generated_at", "invocation_id", "invocation_started_at"}


def stable(manifest_file: Path) -> dict:
    """A manifest.json without its metadata and volatile fields."""

    def without_volatile(value):
        if isinstance(value, dict):
            return {k: without_volatile(v) for k, v in value.items() if k not in VOLATILE}
        if isinstance(value, list):
            return [without_volatile(v) for v in value]
        return value

    manifest = json.loads(manifest_file.read_text())
    return without_volatile({k: v for k, v in manifest.items() if k != "metadata"})


def parsed(tmp_path, name: str, dbt_vars: dict) -> dict:
    """The manifest of a fresh `dbt parse` with `dbt_vars`, without its volatile fields."""
    build = run_dbt(["parse"], tmp_path / name, dbt_vars)
    assert build.success, build.output[-2000:]
    return stable(build.target_path / "manifest.json")


def test_the_raw_folder_does_not_change_the_parse(tmp_path):
    one = parsed(tmp_path, "sample", {"raw_path": str(SAMPLE_DIR)})
    other = parsed(tmp_path, "ecomgen", {"raw_path": str(ECOMGEN_SAMPLE_DIR)})
    differing = sorted(k for k in one if one[k] != other[k])
    assert not differing, f"raw_path's value changes the parse ({differing}): see parse_key"


def test_the_key_keeps_apart_what_changes_the_parse(tmp_path):
    events_on = parsed(tmp_path, "on", {"raw_path": str(SAMPLE_DIR)})
    events_off = parsed(tmp_path, "off", {"raw_path": str(SAMPLE_DIR), "enable_events": False})
    assert events_on["nodes"].keys() != events_off["nodes"].keys()
    project = PROJECT_DIR
    assert parse_key(project, {"raw_path": "a"}) == parse_key(project, {"raw_path": "b"})
    assert parse_key(project, {"raw_path": "a"}) != parse_key(project, {"raw_path": "a",
                                                                        "enable_events": False})
    assert parse_key(project, {"raw_path": "a"}) != parse_key(project, None)
    assert parse_key(project, None, "warehouse") != parse_key(project, None, "shop")


def test_a_seeded_dbt_process_reads_the_parse_and_gets_the_same_manifest(tmp_path):
    # as publish.py runs dbt: `--target duckdb`, the vars as JSON, partial parsing on
    vars_text = json.dumps({"raw_path": str(ECOMGEN_SAMPLE_DIR), "enable_events": False})
    outputs, manifests = {}, {}
    for name in ("seeded", "full"):
        work = tmp_path / name
        # a database of another name than run_dbt's, as publish.py's: nodes name it
        env = {**os.environ, **duckdb_env(work), "DUCKDB_BUILD_PATH": str(work / "shop.duckdb")}
        if name == "seeded":
            seed_partial_parse(work / "target", vars_text, "duckdb", env)
        run = subprocess.run(
            [str(Path(sys.executable).with_name("dbt")), "parse", "--target", "duckdb",
             "--vars", vars_text, "--project-dir", str(PROJECT_DIR),
             "--profiles-dir", str(PROJECT_DIR), "--target-path", str(work / "target"),
             "--log-path", str(work / "logs")],
            cwd=PROJECT_DIR, env=env,
            capture_output=True, text=True, timeout=600,
        )
        assert run.returncode == 0, run.stdout[-2000:]
        outputs[name] = run.stdout
        manifests[name] = stable(work / "target" / "manifest.json")
    # dbt says why it parses the whole project; the seeded process has no reason to
    assert "Unable to do partial parsing" in outputs["full"], outputs["full"][-2000:]
    assert "Unable to do partial parsing" not in outputs["seeded"], outputs["seeded"][-2000:]
    full, seeded = manifests["full"], manifests["seeded"]
    differing = sorted(k for k in full if full[k] != seeded[k])
    assert not differing, f"the seeded parse differs from a full parse in {differing}"
