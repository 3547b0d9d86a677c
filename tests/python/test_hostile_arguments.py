"""Arguments and paths with quotes and shell or SQL metacharacters (docs/publishing.md,
"Who can reach what"): `make build RAW_PATH=... VARS=... ACCEPT_HISTORY_CHANGE=...` hands
them to scripts/publish.py as data, never pasted into a command line; a raw folder whose
name holds quotes, spaces, `;` or backticks is read like any other (paths reach SQL through
the macro sql_text_literal); a name with a wildcard character is refused with a message.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from conftest import (
    PROJECT_DIR,
    copy_sample_as_raw_files,
    csv_row_count,
    run_dbt,
)

# Each would run a command, or end a quoted string, if it were pasted into a shell or SQL
# line; `{marker}` is a file that must never be created.
NASTY_TEXTS = [
    "/tmp/shop `touch {marker}`",
    "/tmp/shop $(touch {marker}) $$(touch {marker})",
    "/tmp/shop $(shell touch {marker})",
    "/tmp/it's a \"shop\"; touch {marker}",
    "/tmp/shop' || touch {marker} || '",
]
# A folder name that ends the SQL string it is pasted into and writes a file of its own.
SQL_IN_A_NAME = "shop'); copy (select 42 as x) to 'pwned_by_a_folder_name.csv'; select ('"


def fake_venv(folder: Path) -> Path:
    """A venv whose `python` only records its arguments and the RAW_PATH, VARS and
    ACCEPT_HISTORY_CHANGE it was given (one JSON line per call), so `make build` runs
    without building anything."""
    bin_dir = folder / "bin"
    bin_dir.mkdir(parents=True)
    (folder / ".installed").touch()  # newer than requirements.txt: make installs nothing
    script = bin_dir / "python"
    script.write_text(
        "#!/usr/bin/env python3\n"
        "import json, os, sys\n"
        f"with open({str(folder / 'calls.jsonl')!r}, 'a') as out:\n"
        "    out.write(json.dumps({'argv': sys.argv[1:], 'RAW_PATH': os.environ.get('RAW_PATH'),"
        " 'VARS': os.environ.get('VARS'),"
        " 'ACCEPT_HISTORY_CHANGE': os.environ.get('ACCEPT_HISTORY_CHANGE')}) + '\\n')\n"
    )
    script.chmod(0o755)
    return folder


@pytest.mark.parametrize("template", NASTY_TEXTS)
def test_make_build_hands_raw_path_and_vars_over_as_data(tmp_path, template):
    marker = tmp_path / "pwned"
    text = template.format(marker=marker)
    venv = fake_venv(tmp_path / "venv")
    vars_text = "{note: " + json.dumps(text) + "}"
    result = subprocess.run(
        ["make", "--no-print-directory", "-C", str(PROJECT_DIR), "build", f"VENV={venv}",
         f"RAW_PATH={text}", f"VARS={vars_text}", f"ACCEPT_HISTORY_CHANGE={text}"],
        capture_output=True, text=True, timeout=60,
        env={k: v for k, v in os.environ.items()
             if k not in ("RAW_PATH", "VARS", "ACCEPT_HISTORY_CHANGE", "MAKEFLAGS")},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert not marker.exists(), "a command in an argument ran"
    calls = [json.loads(line) for line in (venv / "calls.jsonl").read_text().splitlines()]
    assert calls[0]["argv"] == ["scripts/publish.py"]  # nothing pasted into the command line
    assert calls[0]["RAW_PATH"] == text
    assert calls[0]["VARS"] == vars_text
    assert calls[0]["ACCEPT_HISTORY_CHANGE"] == text


def test_a_folder_name_with_quotes_and_metacharacters_builds_and_publishes(tmp_path):
    """The whole `make build` (write, audit, publish) on a raw folder with quotes, a
    space, `;`, `$` and backticks in its name."""
    raw = copy_sample_as_raw_files(tmp_path / "it's a \"shop\"; `date` $HOME")
    root = tmp_path / "pub"
    env = {k: v for k, v in os.environ.items() if k not in ("VARS", "MAKEFLAGS")}
    env.update(
        DUCKDB_PATH=str(root / "ecommerce_behavior.duckdb"),
        EXPORTS_PATH=str(root / "exports"),
        DUCKDB_BUILD_PATH=str(tmp_path / "build" / "ecommerce_behavior.duckdb"),
        DUCKDB_TEMP_DIRECTORY=str(tmp_path / "duckdb_tmp"),
        DBT_TARGET_PATH=str(tmp_path / "target"),
        DBT_LOG_PATH=str(tmp_path / "logs"),
        RAW_PATH=str(raw),
        # as every publication of the tests (publishing.publish_env; DECISIONLOG X11)
        DBT_EXCLUDE_RESOURCE_TYPES="unit_test",
    )
    result = subprocess.run(
        ["make", "--no-print-directory", "-C", str(PROJECT_DIR), "build"],
        capture_output=True, text=True, timeout=900, env=env,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    manifest = json.loads((root / "exports" / "manifest.json").read_text())
    assert manifest["vars"]["raw_path"] == str(raw)
    assert manifest["marts"]["fct_carts"]["rows"] == csv_row_count(raw / "shopping_carts.csv")


def test_sql_in_a_folder_name_is_read_as_a_name(tmp_path, sample_build):
    """The folder's files are read (the same staged rows as the committed sample's), and
    the statement in its name never runs."""
    raw = copy_sample_as_raw_files(tmp_path / SQL_IN_A_NAME)
    written = [PROJECT_DIR / "pwned_by_a_folder_name.csv", tmp_path / "pwned_by_a_folder_name.csv"]
    try:
        build = run_dbt(["build", "--select", "stg_ecom__customers"], tmp_path / "run",
                        {"raw_path": str(raw)})
        assert build.success, build.output[-3000:]
        assert not [path for path in written if path.exists()], "SQL in the folder name ran"
        staged = "select count(*), count(distinct customer_id) from staging.stg_ecom__customers"
        assert build.query(staged) == sample_build.query(staged)
        assert build.query(staged)[0][0] > 0
    finally:
        for path in written:
            path.unlink(missing_ok=True)


@pytest.mark.parametrize("name", ["shop[1]", "shop*", "shop?", "shop{a,b}"])
def test_a_folder_name_with_a_wildcard_is_refused_with_a_message(tmp_path, name):
    raw = copy_sample_as_raw_files(tmp_path / name)
    result = run_dbt(["build", "--select", "stg_ecom__customers"], tmp_path / "run",
                     {"raw_path": str(raw)})
    output = result.output
    assert not result.success
    assert f"raw_path '{raw}' holds" in output and "wildcards" in output, output[-2000:]
    assert "Traceback" not in output
