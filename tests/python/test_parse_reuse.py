"""run_dbt parses the project once per process for each parse_key (conftest.py): the
project's files and every var except `raw_path`'s value. These tests hold that key to
what dbt does: two parses that differ only in raw_path's folder give the same manifest,
and a var that the key keeps apart does change the parse."""

from __future__ import annotations

import json

from conftest import ECOMGEN_SAMPLE_DIR, PROJECT_DIR, SAMPLE_DIR, parse_key, run_dbt

# fields that differ between any two parses of the same project
VOLATILE = {"created_at", "generated_at", "invocation_id", "invocation_started_at"}


def parsed(tmp_path, name: str, dbt_vars: dict) -> dict:
    """The manifest of a fresh `dbt parse` with `dbt_vars`, without its volatile fields."""
    build = run_dbt(["parse"], tmp_path / name, dbt_vars)
    assert build.success, build.output[-2000:]

    def stable(value):
        if isinstance(value, dict):
            return {k: stable(v) for k, v in value.items() if k not in VOLATILE}
        if isinstance(value, list):
            return [stable(v) for v in value]
        return value

    manifest = json.loads((build.target_path / "manifest.json").read_text())
    return stable({k: v for k, v in manifest.items() if k != "metadata"})


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
