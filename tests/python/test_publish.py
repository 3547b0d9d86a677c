"""Write-audit-publish (scripts/publish.py, docs/publishing.md): what BI tools read.

Every test works in its own folder: the work database, the publication, the exports,
dbt's target and logs. The publication starts as one real publication of the committed
sample (the module fixture), copied where a test changes it.
- the publication holds exactly the marts, equal to the build, with their descriptions;
- the exports (parquet, CSV, manifest.json) equal the publication;
- the file opens in DuckDB 1.4 and in the latest 1.x (throw-away virtualenvs);
- a failed test, and a kill -9 during the build, the new file or the exports, leave
  the last publication as it was, readable; the next refresh cleans up and publishes;
- a reader holding the file open across a refresh keeps reading the previous
  publication without an error; a new connection sees the new one;
- a second refresh started during a first stops with a clear message, or waits (--wait);
- no personal field of the raw contract (sources' meta personal_data) is published.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pytest
from dbt_invocation import ECOMGEN_SAMPLE_DIR, PROJECT_DIR, SAMPLE_DIR, published_relations

from conftest import copy_sample_as_raw_files, csv_row_count, generate_raw

PUBLICATION = "pub/ecommerce_behavior.duckdb"
EXPORTS = "pub/exports"
# DuckDB 1.4 (LTS, the oldest the storage version targets) and the latest 1.x.
DUCKDB_1X_VERSIONS = ["1.4.0", "1.5.6"]
PERSONAL_VALUE_MIN_LENGTH = 6  # shorter values (a gender, an initial) prove nothing
# The ecomgen sample is another shop than the committed sample: publishing it over the
# sample's publication moves the whole history, which tests accept on purpose.
ANOTHER_SHOP = {"ACCEPT_HISTORY_CHANGE": "the tests publish another shop (ecomgen) on purpose"}


def publish_env(root: Path, project_dir: Path = PROJECT_DIR) -> dict[str, str]:
    return {
        # make build's RAW_PATH and VARS (read by publish.py) never leak into a test
        **{k: v for k, v in os.environ.items() if k not in ("RAW_PATH", "VARS")},
        "DUCKDB_PATH": str(root / PUBLICATION),
        "EXPORTS_PATH": str(root / EXPORTS),
        "DUCKDB_BUILD_PATH": str(root / "build" / "ecommerce_behavior.duckdb"),
        "DUCKDB_TEMP_DIRECTORY": str(root / "duckdb_tmp"),
        "DBT_TARGET_PATH": str(root / "target"),
        "DBT_LOG_PATH": str(root / "logs"),
        "DBT_PROFILES_DIR": str(project_dir),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }


def start_publish(root: Path, *args: str, project_dir: Path = PROJECT_DIR) -> subprocess.Popen:
    """scripts/publish.py in its own process group (so that a test can kill -9 it
    together with its dbt); its output goes to files in `root` (a pipe nobody reads
    would fill up and block it), read back by `output`."""
    root.mkdir(parents=True, exist_ok=True)
    number = len(list(root.glob("publish-*.out")))
    process = subprocess.Popen(
        [sys.executable, str(project_dir / "scripts" / "publish.py"), *args],
        cwd=project_dir,
        env=publish_env(root, project_dir),
        stdout=open(root / f"publish-{number}.out", "w"),  # noqa: SIM115
        stderr=open(root / f"publish-{number}.err", "w"),  # noqa: SIM115
        start_new_session=True,
    )
    process.output_files = (root / f"publish-{number}.out", root / f"publish-{number}.err")
    return process


def finish(process: subprocess.Popen, timeout: float = 900) -> tuple[int, str, str]:
    """Waits for a refresh; its exit code, output and error output."""
    process.wait(timeout=timeout)
    out, err = (path.read_text() for path in process.output_files)
    return process.returncode, out, err


def run_publish(root: Path, *args: str, project_dir: Path = PROJECT_DIR):
    return finish(start_publish(root, *args, project_dir=project_dir))


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def publication_state(root: Path) -> tuple[str, str]:
    """The publication's bytes and its export manifest, as they are now."""
    return file_digest(root / PUBLICATION), (root / EXPORTS / "manifest.json").read_text()


def copy_publication(source: Path, root: Path, legacy: bool = False) -> None:
    """A folder that starts with the publication of `source`: its folder as it is (the
    links kept as links), or, with `legacy`, laid out as earlier versions did (a file
    and a folder of exports, no links)."""
    if legacy:
        (root / "pub").mkdir(parents=True)
        shutil.copy2(source / PUBLICATION, root / PUBLICATION)
        shutil.copytree(source / EXPORTS, root / EXPORTS)
    else:
        shutil.copytree(source / "pub", root / "pub", symlinks=True)


def in_place(root: Path) -> tuple[str, dict[str, int]]:
    """Checks that the publication's name and the exports' name show ONE whole pair and
    returns its publication id (from manifest.json, 'legacy' without one) and the row
    count of every mart as the database has it; fails when the database and the exports
    come from different publications."""
    manifest = json.loads((root / EXPORTS / "manifest.json").read_text())
    tables = read_marts(root / PUBLICATION)
    exported = {f"marts.{name}": mart["rows"] for name, mart in manifest["marts"].items()}
    assert tables == exported, "the database and the exports are not one publication"
    if (root / PUBLICATION).is_symlink() and (root / EXPORTS).is_symlink():
        # both names lead into one complete folder
        folder = (root / PUBLICATION).resolve().parent
        assert folder.parent.name == "ecommerce_behavior.publications"
        assert (root / EXPORTS).resolve() == folder / "exports"
        assert (folder / ".complete").is_file()
    return manifest.get("publication_id", "legacy"), tables


def kill_group(process: subprocess.Popen) -> None:
    """kill -9 of the refresh and its dbt (its own process group)."""
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=60)


def read_marts(path: Path) -> dict[str, int]:
    """Opens the publication read-only in a new process, as a BI tool would, and
    returns every table's row count (`schema.table`)."""
    script = textwrap.dedent(
        """
        import json, sys, duckdb
        con = duckdb.connect(sys.argv[1], read_only=True)
        tables = con.execute(
            "select table_schema || '.' || table_name from information_schema.tables"
        ).fetchall()
        print(json.dumps({t: con.execute(f"select count(*) from {t}").fetchone()[0]
                          for (t,) in tables}))
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", script, str(path)], capture_output=True, text=True, check=True
    ).stdout
    return json.loads(out)


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    """One publication of the committed sample (`make build`)."""
    root = tmp_path_factory.mktemp("published")
    code, out, err = run_publish(root)
    assert code == 0, out[-3000:] + err
    assert f"publish: published {len(published_relations())} marts" in out, out[-2000:]
    return root


@pytest.fixture(scope="module")
def export_manifest(published) -> dict:
    return json.loads((published / EXPORTS / "manifest.json").read_text())


def test_publication_holds_exactly_the_built_marts(published, export_manifest):
    build_manifest = json.loads((published / "target" / "manifest.json").read_text())
    marts = sorted(
        node["alias"]
        for node in build_manifest["nodes"].values()
        if node["resource_type"] == "model" and node["schema"] == "marts"
    )
    assert marts == published_relations()
    assert sorted(read_marts(published / PUBLICATION)) == [f"marts.{m}" for m in marts]
    assert sorted(export_manifest["marts"]) == marts
    for exposure in ("bi_warehouse", "mart_exports"):  # they read every published mart
        depends_on = build_manifest["exposures"][f"exposure.ecommerce_behavior.{exposure}"]
        assert sorted(build_manifest["nodes"][n]["alias"]
                      for n in depends_on["depends_on"]["nodes"]) == marts
    with duckdb.connect() as con:
        build_db = published / "build" / "ecommerce_behavior.duckdb"
        con.execute(f"attach '{build_db}' as b (read_only)")
        con.execute(f"attach '{published / PUBLICATION}' as p (read_only)")
        for mart in marts:
            for left, right in (("b", "p"), ("p", "b")):
                extra = con.execute(
                    f"select count(*) from (select * from {left}.marts.{mart} "
                    f"except all select * from {right}.marts.{mart})"
                ).fetchone()[0]
                assert extra == 0, f"{mart}: {extra} rows of {left} not in {right}"
        comment = con.execute(
            "select comment from duckdb_tables() where database_name = 'p' "
            "and table_name = 'cart_kpis'"
        ).fetchone()[0]
        column_comment = con.execute(
            "select comment from duckdb_columns() where database_name = 'p' "
            "and table_name = 'cart_kpis' and column_name = 'conversion_rate'"
        ).fetchone()[0]
    node = build_manifest["nodes"]["model.ecommerce_behavior.cart_kpis"]
    assert comment == node["description"] and comment
    assert column_comment == node["columns"]["conversion_rate"]["description"]


def test_exports_equal_the_publication(published, export_manifest):
    exports = published / EXPORTS
    assert export_manifest["as_of"] == "2024-12-30T23:08:58.706062"
    assert export_manifest["vars"] == {}
    assert export_manifest["duckdb_storage_version"] == "v1.4.0"
    assert export_manifest["dbt_invocation_id"]
    # the committed sample ends on 2024-12-30: the freshness check warns, per family,
    # with the age counted here from the wall clock (calendar days)
    age = (dt.date.today() - dt.date(2024, 12, 30)).days
    freshness = export_manifest["freshness"]
    assert freshness["status"] == "warn"
    stale = {(s["data_family"], s["warn_after_days"]) for s in freshness["stale"]}
    assert stale == {("commerce", 7), ("events", 7)}
    # (the build may have run just before midnight)
    assert all(s["days_old"] in (age - 1, age) for s in freshness["stale"]), freshness
    expected_files = {"manifest.json"} | {
        f"{mart}.{kind}" for mart in export_manifest["marts"] for kind in ("parquet", "csv")
    }
    assert {p.name for p in exports.iterdir()} == expected_files
    with duckdb.connect(str(published / PUBLICATION), read_only=True) as con:
        for mart, entry in export_manifest["marts"].items():
            columns = con.execute(
                "select column_name, data_type from information_schema.columns "
                "where table_name = ? order by ordinal_position", [mart]
            ).fetchall()
            assert entry["columns"] == [{"name": c, "type": t} for c, t in columns], mart
            assert entry["rows"] == con.execute(f"select count(*) from marts.{mart}").fetchone()[0]
            types = ", ".join(f"'{c}': '{t}'" for c, t in columns)
            readers = {
                "parquet": f"read_parquet('{exports / (mart + '.parquet')}')",
                # the CSV read back with the published types: exact decimals, doubles
                # that round-trip, ISO-8601 timestamps
                "csv": f"read_csv('{exports / (mart + '.csv')}', header = true, "
                f"columns = {{{types}}}, timestampformat = '%Y-%m-%dT%H:%M:%S.%f')",
            }
            for kind, reader in readers.items():
                for query in (
                    f"select * from {reader} except all select * from marts.{mart}",
                    f"select * from marts.{mart} except all select * from {reader}",
                ):
                    extra = con.execute(f"select count(*) from ({query})").fetchone()[0]
                    assert extra == 0, f"{mart}.{kind} differs from the publication: {query}"
    header, first = (exports / "fct_carts.csv").read_text().splitlines()[:2]
    assert header.startswith("cart_id,customer_id,created_at,")
    assert first.split(",")[2][10] == "T", first  # ISO-8601 date and time


@pytest.mark.parametrize("version", DUCKDB_1X_VERSIONS)
def test_publication_opens_in_duckdb_1x(published, export_manifest, version):
    """The DuckDB of BI drivers is 1.x: every mart readable, with its types."""
    venv = PROJECT_DIR / f".venv-duckdb-{version}"
    python = venv / "bin" / "python"
    if not (venv / ".installed").exists():
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
             f"duckdb=={version}"],
            check=True,
        )
        (venv / ".installed").touch()
    script = textwrap.dedent(
        """
        import json, sys, duckdb
        con = duckdb.connect(sys.argv[1], read_only=True)
        out = {"version": duckdb.__version__, "marts": {}}
        for (name,) in con.execute("select table_name from information_schema.tables "
                                   "where table_schema = 'marts'").fetchall():
            rows = con.execute(f"select * from marts.{name}").fetchall()
            columns = con.execute(
                "select column_name, data_type from information_schema.columns "
                "where table_name = ? order by ordinal_position", [name]).fetchall()
            out["marts"][name] = {"rows": len(rows),
                                  "columns": [{"name": c, "type": t} for c, t in columns]}
        print(json.dumps(out))
        """
    )
    result = subprocess.run(
        [str(python), "-c", script, str(published / PUBLICATION)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout)
    assert seen["version"] == version
    expected = {
        mart: {"rows": entry["rows"], "columns": entry["columns"]}
        for mart, entry in export_manifest["marts"].items()
    }
    assert seen["marts"] == expected


def project_copy(destination: Path) -> Path:
    """A copy of the project (without venvs, builds and git) to break on purpose."""
    shutil.copytree(
        PROJECT_DIR,
        destination,
        ignore=shutil.ignore_patterns(
            ".venv*", ".git", "warehouse", "target", "logs", "site", "__pycache__", ".pytest_cache"
        ),
    )
    return destination


def metrics(root: Path, *args: str) -> subprocess.CompletedProcess:
    """scripts/metrics.py (MetricFlow on published numbers only) on the folder `root`."""
    return subprocess.run(
        [sys.executable, str(PROJECT_DIR / "scripts" / "metrics.py"), *args],
        cwd=PROJECT_DIR, env=publish_env(root), capture_output=True, text=True, timeout=120,
    )


def test_metrics_answer_only_on_the_published_build(published, tmp_path):
    """After a publication, scripts/metrics.py runs MetricFlow (`mf --version` here); a dbt
    build into the work database outside make build since then, and no publication marker,
    are refused with what to do."""
    answered = metrics(published, "--version")
    assert answered.returncode == 0, answered.stderr
    assert "version" in (answered.stdout + answered.stderr).lower()
    root = tmp_path / "root"
    shutil.copytree(published / "build", root / "build")
    shutil.copytree(published / "target", root / "target")
    results = json.loads((root / "target" / "run_results.json").read_text())
    results["metadata"]["invocation_id"] = "another-invocation"
    (root / "target" / "run_results.json").write_text(json.dumps(results))
    refused = metrics(root, "--version")
    assert refused.returncode == 2
    assert "`dbt build` ran into the work database" in refused.stderr
    assert "run `make build`" in refused.stderr


def test_failed_test_publishes_nothing(published, tmp_path):
    root = tmp_path / "root"
    copy_publication(published, root)
    before = publication_state(root)
    project = project_copy(tmp_path / "project")
    (project / "tests" / "data_quality" / "assert_planted_failure.sql").write_text(
        "-- planted by tests/python/test_publish.py: one failing row\nselect 1 as failure\n"
    )
    code, out, err = run_publish(root, project_dir=project)
    assert code == 1, out[-2000:]
    assert "NOTHING WAS PUBLISHED" in err
    assert "test.ecommerce_behavior.assert_planted_failure: fail" in err
    assert "The last publication is unchanged and readable" in err
    assert publication_state(root) == before
    assert len(read_marts(root / PUBLICATION)) == len(published_relations())
    # and the metrics refuse the work database of the failed build
    refused = metrics(root, "--version")
    assert refused.returncode == 2
    assert "was not published: its last build failed its audit" in refused.stderr


def wait_for(condition, process: subprocess.Popen, what: str, timeout: float = 600) -> None:
    """Polls `condition` every millisecond until it holds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if process.poll() is not None:
            raise AssertionError(f"the refresh ended before {what}: {finish(process)}")
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.001)


def test_kill_9_at_any_moment_keeps_the_last_publication(published, tmp_path):
    """kill -9 while dbt builds, while the new file is written, while the exports are
    written: the last publication stays as it was and readable; the next refresh
    removes the leftovers and publishes."""
    root = tmp_path / "root"
    copy_publication(published, root)
    before = publication_state(root)
    store = root / "pub" / "ecommerce_behavior.publications"

    def incomplete(part: str):
        return lambda: [f for f in store.glob(f"*/{part}")
                        if not (f.parent / ".complete").exists()]

    leftovers = {
        "the new file": incomplete("ecommerce_behavior.duckdb"),
        "the exports": incomplete("exports"),
    }
    moments = {
        "the build": lambda: (root / "build" / "ecommerce_behavior.duckdb").exists()
        and (root / "target" / "manifest.json").exists(),
        **leftovers,
    }
    for moment, reached in moments.items():
        shutil.rmtree(root / "build", ignore_errors=True)
        process = start_publish(root)
        wait_for(reached, process, moment)
        os.killpg(process.pid, signal.SIGSTOP)  # frozen at that moment, then killed
        assert reached(), moment
        kill_group(process)
        assert publication_state(root) == before, f"killed during {moment}"
        assert len(read_marts(root / PUBLICATION)) == len(published_relations())
    code, out, err = run_publish(root)
    assert code == 0, out[-2000:] + err
    assert not any(find() for find in leftovers.values())
    assert file_digest(root / PUBLICATION) != before[0]
    in_place(root)


READER = textwrap.dedent(
    """
    # holds one read-only connection to the publication and reads through it until
    # the stop file exists; prints what it read each time, and any error
    import json, os, sys, time, duckdb
    con = duckdb.connect(sys.argv[1], read_only=True)
    print(json.dumps({"ready": True}), flush=True)
    while not os.path.exists(sys.argv[2]):
        try:
            carts = con.execute("select carts from marts.cart_kpis").fetchone()[0]
            rows = con.execute("select count(*) from marts.fct_carts").fetchone()[0]
            print(json.dumps({"carts": carts, "rows": rows}), flush=True)
        except Exception as error:
            print(json.dumps({"error": str(error)}), flush=True)
        time.sleep(0.05)
    """
)


def carts_in(path: Path) -> int:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute("select carts from marts.cart_kpis").fetchone()[0]


def test_reader_keeps_reading_across_a_refresh(published, tmp_path):
    root = tmp_path / "root"
    copy_publication(published, root)
    old_carts = carts_in(root / PUBLICATION)
    stop, reads_file = tmp_path / "stop", tmp_path / "reads.jsonl"
    with open(reads_file, "w") as reads_out:
        reader = subprocess.Popen(
            [sys.executable, "-c", READER, str(root / PUBLICATION), str(stop)],
            stdout=reads_out, stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while '"ready"' not in reads_file.read_text() and time.monotonic() < deadline:
            time.sleep(0.01)
        code, out, err = run_publish(
            root, "--raw-path", str(ECOMGEN_SAMPLE_DIR),
            "--vars", "{enable_events: false, freshness_warn_after_days: 100000}",
            "--accept-history-change", ANOTHER_SHOP["ACCEPT_HISTORY_CHANGE"],
        )
        assert code == 0, out[-2000:] + err
        time.sleep(0.3)  # a few reads after the swap
    finally:
        stop.touch()
        reader.wait(timeout=60)
    lines = reads_file.read_text().splitlines()
    assert json.loads(lines[0]) == {"ready": True}, lines[:3]
    reads = [json.loads(line) for line in lines[1:]]
    assert len(reads) > 20 and not [r for r in reads if "error" in r], reads[-3:]
    assert {r["carts"] for r in reads} == {old_carts}
    new_carts = carts_in(root / PUBLICATION)
    assert new_carts != old_carts  # a new connection sees the new publication
    manifest = json.loads((root / EXPORTS / "manifest.json").read_text())
    assert manifest["vars"] == {
        "enable_events": False, "freshness_warn_after_days": 100000,
        "raw_path": str(ECOMGEN_SAMPLE_DIR),
    }
    assert manifest["freshness"]["status"] == "pass" and "stale" not in manifest["freshness"]
    # the whole history moved (another shop), accepted on purpose and recorded
    assert manifest["history"]["accepted_change"] == ANOTHER_SHOP["ACCEPT_HISTORY_CHANGE"]
    assert manifest["history"]["moved_days"]
    assert "funnel_kpis" not in manifest["marts"]  # the events family was switched off
    assert manifest["marts"]["cart_kpis"]["rows"] == 1


def test_a_second_refresh_stops_or_waits(published, tmp_path):
    root = tmp_path / "root"
    copy_publication(published, root)
    lock = root / "pub" / ".ecommerce_behavior.duckdb.lock"
    first = start_publish(root)
    wait_for(lambda: lock.exists() and f"pid {first.pid}" in lock.read_text(), first, "the lock")
    code, out, err = run_publish(root)
    assert code == 3
    assert "another refresh is running" in err and f"pid {first.pid}" in err
    assert "nothing was built or published" in err
    waiting = start_publish(root, "--wait")
    first_code, first_out, first_err = finish(first)
    assert first_code == 0, first_out[-2000:] + first_err
    first_done = time.monotonic()
    waiting_code, waiting_out, waiting_err = finish(waiting)
    assert waiting_code == 0, waiting_out[-2000:] + waiting_err
    # the waiting refresh built only after the first one had published
    assert time.monotonic() - first_done > 5
    assert len(read_marts(root / PUBLICATION)) == len(published_relations())


# --- crashes between the steps of the publish step, and links -----------------------

STEP_RUNNER = textwrap.dedent(
    """
    # scripts/publish.py's main() with dbt's build skipped: the work database and target
    # of the folder are published again. argv: scripts folder, then `ok` (followed by
    # publish.py's own arguments, if any), `fail` (the audit finds a failure) or
    # `crash FUNCTION N before|after` (SIGKILL just before or just after the N-th call
    # of publish.FUNCTION, or of os.FUNCTION when FUNCTION is replace or rename)
    import os, signal, sys
    sys.path.insert(0, sys.argv[1])
    import publish
    mode = sys.argv[2]
    publish.run_build = lambda *args, **kwargs: 0
    audit = publish.audit_build
    if mode == "fail":
        publish.audit_build = lambda *args: (["planted failure"], {})
    else:
        publish.audit_build = lambda code, target, started: audit(code, target, 0)
    if mode == "crash":
        name, number, when = sys.argv[3], int(sys.argv[4]), sys.argv[5]
        owner = os if name in ("replace", "rename") else publish
        original, calls = getattr(owner, name), []
        def crashing(*args, **kwargs):
            calls.append(1)
            if len(calls) == number and when == "before":
                os.kill(os.getpid(), signal.SIGKILL)
            result = original(*args, **kwargs)
            if len(calls) == number and when == "after":
                os.kill(os.getpid(), signal.SIGKILL)
            return result
        setattr(owner, name, crashing)
    sys.exit(publish.main(sys.argv[3:] if mode == "ok" else []))
    """
)


def publish_again(root: Path, *mode: str, env: dict | None = None) -> tuple[int, str]:
    """Runs STEP_RUNNER in `root` (whose work database and target a real build made),
    with `env` added to its environment; its exit code (-9 when it crashed) and its
    output."""
    result = subprocess.run(
        [sys.executable, "-c", STEP_RUNNER, str(PROJECT_DIR / "scripts"), *mode],
        cwd=PROJECT_DIR, env={**publish_env(root), **(env or {})}, capture_output=True,
        text=True, timeout=300,
    )
    return result.returncode, result.stdout + result.stderr


@pytest.fixture(scope="module")
def ecomgen_work(published, tmp_path_factory) -> Path:
    """A folder with the sample's publication in place and, in its work database, a
    passed build of another data set (the ecomgen sample, commerce only: fewer marts),
    not yet published."""
    root = tmp_path_factory.mktemp("ecomgen_work")
    copy_publication(published, root)
    (root / "build").mkdir()
    dbt_vars = {"raw_path": str(ECOMGEN_SAMPLE_DIR), "enable_events": False,
                "freshness_warn_after_days": None}
    result = subprocess.run(
        [str(Path(sys.executable).with_name("dbt")), "build", "--project-dir", str(PROJECT_DIR),
         "--vars", json.dumps(dbt_vars)],
        cwd=PROJECT_DIR, env=publish_env(root), capture_output=True, text=True, timeout=900,
    )
    assert result.returncode == 0, result.stdout[-3000:]
    return root


# Where a refresh is killed: (function, which call, before or after it). publish.* steps in
# their order, then the renames themselves.
CRASH_POINTS = [
    ("remove_leftovers", 1, "after"),
    ("adopt_single_file_layout", 1, "after"),
    ("exchange", 1, "after"),
    ("write_publication", 1, "after"),
    ("write_exports", 1, "after"),
    ("write_new_publication", 1, "after"),
    ("switch_to", 1, "before"),
    ("replace", 1, "before"),
    ("replace", 1, "after"),
    ("rename", 1, "after"),
    ("replace", 2, "after"),
    ("replace", 3, "after"),
    ("switch_to", 1, "after"),
    ("remove_leftovers", 2, "after"),
]


@pytest.mark.parametrize("legacy", [False, True], ids=["linked", "single_file_layout"])
def test_a_crash_between_any_two_steps_leaves_one_whole_pair(ecomgen_work, tmp_path, legacy):
    """kill -9 just before or after each step of the publish step, and around each rename:
    the database and the exports always show one whole publication, the previous one until
    the switch; a failed refresh afterwards keeps it and says so truthfully; the next good
    refresh cleans up. `single_file_layout` starts from the layout of earlier versions."""
    template = tmp_path / "template"
    copy_publication(ecomgen_work, template, legacy=legacy)
    for part in ("build", "target"):
        shutil.copytree(ecomgen_work / part, template / part)
    before_id, before_tables = in_place(template)
    seen_new = False
    for function, number, when in CRASH_POINTS:
        point = f"{function} #{number} {when}"
        root = tmp_path / point.replace(" ", "_").replace("#", "")
        shutil.copytree(template, root, symlinks=True)
        code, out = publish_again(root, "crash", function, str(number), when, env=ANOTHER_SHOP)
        if code == 0:  # that call does not happen in this layout
            continue
        assert code == -signal.SIGKILL, f"{point}: {code} {out[-2000:]}"
        publication_id, tables = in_place(root)
        if publication_id != before_id:
            seen_new = True
            assert "marts.funnel_kpis" not in tables, point  # the ecomgen build's marts
        else:
            assert tables == before_tables, point
        code, out = publish_again(root, "fail")
        assert code == 1 and "NOTHING WAS PUBLISHED" in out, point
        assert "is unchanged and readable" in out, (point, out)
        assert in_place(root) == (publication_id, tables), f"{point}: a failed refresh changed it"
        code, out = publish_again(root, "ok", env=ANOTHER_SHOP)
        assert code == 0, f"{point}: {out[-2000:]}"
        new_id, new_tables = in_place(root)
        assert new_id not in (before_id, publication_id) and "marts.funnel_kpis" not in new_tables
        pub = root / "pub"
        hidden = [p.name for p in pub.iterdir() if p.name.startswith(".")]
        assert hidden == [".ecommerce_behavior.duckdb.lock"], (point, hidden)
        folders = sorted(p.name for p in (pub / "ecommerce_behavior.publications").iterdir())
        assert new_id in folders and len(folders) <= 2, (point, folders)
    assert seen_new  # some crashes came after the switch


def test_links_in_the_warehouse_are_never_followed(ecomgen_work, tmp_path):
    """Links planted where a refresh keeps its own: the exports name and `.current` are
    replaced (what they pointed to is untouched); a link as the folder of publications or
    as the lock file is refused with a message, and nothing is written through it."""
    root = tmp_path / "root"
    copy_publication(ecomgen_work, root)
    for part in ("build", "target"):
        shutil.copytree(ecomgen_work / part, root / part)
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "keep.txt").write_text("not the project's\n")
    pub = root / "pub"
    for name in ("exports", "ecommerce_behavior.current"):
        (pub / name).unlink()
        (pub / name).symlink_to(foreign)
        code, out = publish_again(root, "ok", env=ANOTHER_SHOP)
        assert code == 0, out[-2000:]
        assert os.readlink(pub / name) != str(foreign)
        assert sorted(p.name for p in foreign.iterdir()) == ["keep.txt"], name
        in_place(root)

    lock = pub / ".ecommerce_behavior.duckdb.lock"
    lock.unlink()
    lock.symlink_to(foreign / "keep.txt")
    before = in_place(root)
    code, out = publish_again(root, "ok")
    assert code == 1, out
    assert "is a symbolic link" in out and "rm " in out, out
    assert (foreign / "keep.txt").read_text() == "not the project's\n"
    assert in_place(root) == before
    lock.unlink()

    store = pub / "ecommerce_behavior.publications"
    store.rename(tmp_path / "moved_store")
    store.symlink_to(foreign)
    code, out = publish_again(root, "ok")
    assert code == 1 and "never writes through a link" in out, out
    assert sorted(p.name for p in foreign.iterdir()) == ["keep.txt"]


def personal_fields(build_manifest: dict) -> dict[str, list[str]]:
    """Raw table -> its columns marked personal_data in the sources (the raw contract)."""
    fields: dict[str, list[str]] = {}
    for source in build_manifest["sources"].values():
        for column in source["columns"].values():
            if (column.get("config", {}).get("meta") or column.get("meta") or {}).get(
                "personal_data"
            ):
                fields.setdefault(source["name"], []).append(column["name"])
    return fields


def personal_values(fields: dict[str, list[str]], raw_dir: Path) -> set[str]:
    values: set[str] = set()
    with duckdb.connect() as con:
        for table, columns in fields.items():
            for column in columns:
                values |= {
                    v
                    for (v,) in con.execute(
                        f"select distinct trim({column}) from read_csv('{raw_dir / table}.csv', "
                        "all_varchar = true)"
                    ).fetchall()
                    if v and len(v) >= PERSONAL_VALUE_MIN_LENGTH
                }
    return values


def personal_data_found(con, relations: dict[str, str], names: set[str], values: set[str]):
    """(relation, column, what) for every column named like a personal field or holding
    one of its values; `relations` maps a label to a relation readable by `con`."""
    con.execute("create or replace temp table personal_values (v varchar)")
    con.executemany("insert into personal_values values (?)", [[v] for v in sorted(values)])
    found = []
    for label, relation in relations.items():
        columns = [d[0] for d in con.execute(f"select * from {relation} limit 0").description]
        for column in columns:
            if column in names:
                found.append((label, column, "named like a personal field"))
            hits = con.execute(
                f'select count(*) from {relation} where cast("{column}" as varchar) '
                "in (select v from personal_values)"
            ).fetchone()[0]
            if hits:
                found.append((label, column, f"{hits} personal values"))
    return found


def test_no_personal_data_is_published(published, export_manifest):
    build_manifest = json.loads((published / "target" / "manifest.json").read_text())
    fields = personal_fields(build_manifest)
    assert set(fields) == {"customers", "orders", "returns"}
    assert {"email", "phone_number", "mailing_address", "first_name"} <= set(fields["customers"])
    names = {column for columns in fields.values() for column in columns}
    values = personal_values(fields, SAMPLE_DIR)
    assert len(values) > 1000  # the scan has something to find
    exports = published / EXPORTS
    with duckdb.connect(str(published / PUBLICATION), read_only=True) as con:
        relations = {f"marts.{m}": f"marts.{m}" for m in export_manifest["marts"]}
        relations |= {
            f"exports/{m}.csv": f"read_csv('{exports / m}.csv', all_varchar = true)"
            for m in export_manifest["marts"]
        }
        relations |= {
            f"exports/{m}.parquet": f"read_parquet('{exports / m}.parquet')"
            for m in export_manifest["marts"]
        }
        assert personal_data_found(con, relations, names, values) == []
        # the scan finds a planted e-mail address and a planted personal column name
        planted = sorted(v for v in values if "@" in v)[0]
        con.execute(
            f"create temp table planted as select '{planted}' as note, 1 as phone_number"
        )
        assert personal_data_found(con, {"planted": "planted"}, names, values) == [
            ("planted", "note", "1 personal values"),
            ("planted", "phone_number", "named like a personal field"),
        ]


# --- the publish gate: data that must not be published (scripts/publish_gate.py) -------

# What the gate reads, built without the rest: the quarantine-share test (and the other
# tests on what it reads) and the marts of the history check. Enough to be refused; a
# publication needs every mart (the heavy-mess test builds them all).
GATE_NODES = ["--select", "+data_quality_audit+", "+funnel_daily", "+cart_conversion_daily",
              "+fct_carts", "--indirect-selection", "cautious",
              "--exclude-resource-type", "unit_test"]


def dbt_in(root: Path, args: list[str], dbt_vars: dict) -> subprocess.CompletedProcess:
    """The `dbt` command line with the work database and target of `root`, as
    publish.py's write step runs it (publish_again then audits and publishes it)."""
    (root / "build").mkdir(parents=True, exist_ok=True)
    return subprocess.run(
        [str(Path(sys.executable).with_name("dbt")), *args, "--project-dir", str(PROJECT_DIR),
         "--vars", json.dumps(dbt_vars)],
        cwd=PROJECT_DIR, env=publish_env(root), capture_output=True, text=True, timeout=900,
    )


def refused_build(published: Path, root: Path, raw: Path,
                  incremental: bool = False) -> tuple[str, tuple[str, str]]:
    """A folder with the sample's publication in place and, in its work database (new, or
    with `incremental` the one that built the publication), the gate's nodes built from
    `raw`; publish.py's audit of it must refuse to publish. Returns its output and the
    publication's state, which it must leave as it was."""
    copy_publication(published, root)
    if incremental:
        for part in ("build", "target"):
            shutil.copytree(published / part, root / part)
    before = publication_state(root)
    build = dbt_in(root, ["build", *GATE_NODES], {"raw_path": str(raw)})
    assert build.returncode in (0, 1), build.stdout[-3000:] + build.stderr[-3000:]
    code, out = publish_again(root, "ok")
    assert code == 1, out[-3000:]
    assert "NOTHING WAS PUBLISHED" in out and "is unchanged and readable" in out, out[-3000:]
    assert publication_state(root) == before
    return out, before


def rewrite_csv(path: Path, change) -> None:
    """Rewrites a raw CSV file: `change(rows)` returns the new list of dict rows."""
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        header, rows = reader.fieldnames, list(reader)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(change(rows))


def gate_lines(out: str) -> list[str]:
    """The lines of publish.py's refusal (for the assertion messages)."""
    return [line for line in out.splitlines() if line.startswith("publish:")]


def test_a_check_that_removes_most_of_a_table_publishes_nothing(published, tmp_path):
    """Every cart line's unit price unreadable: the check invalid_unit_price removes
    nearly all of cart_items; plain dbt build fails, and publish.py names the table, the
    check, its column, three sample raw values and the var to raise."""
    raw = copy_sample_as_raw_files(tmp_path / "raw")
    spellings = ["abc", "12.5.0", "-"]  # no number in any reading (a null token is blank)
    rewrite_csv(raw / "cart_items.csv", lambda rows: [
        {**row, "unit_price": spellings[number % 3]} for number, row in enumerate(rows)])
    root = tmp_path / "root"
    out, before = refused_build(published, root, raw)
    lines = gate_lines(out)
    lines_text = "\n".join(lines)
    lines_count = csv_row_count(raw / "cart_items.csv")
    assert "the data-quality gate (test assert_quarantine_shares_are_bounded):" in out, lines_text
    # exact duplicates of the sample keep their own reason: the rest is unreadable
    assert re.search(
        rf"cart_items: the check invalid_unit_price \(column unit_price\) removed [\d,]+ of "
        rf"{lines_count:,} rows \(99\.\d%\), more than max_quarantine_share \(10\.0%\)",
        lines_text), lines_text
    assert "sample values: '-', '12.5.0', 'abc'" in lines_text
    assert ("raise the bound: VARS='{max_quarantine_share_overrides: "
            "{cart_items.invalid_unit_price: 1}}'") in lines_text
    assert "test.ecommerce_behavior.assert_quarantine_shares_are_bounded: fail" in out

    # the override it names lets the check pass; an override naming no table fails
    overrides = {"cart_items.invalid_unit_price": 1, "cart_item": 1}
    tested = dbt_in(root, ["test", "--select", "assert_quarantine_shares_are_bounded"],
                    {"raw_path": str(raw), "max_quarantine_share_overrides": overrides})
    assert tested.returncode == 1, tested.stdout[-3000:]
    code, out = publish_again(root, "ok")
    assert code == 1
    assert ("the var max_quarantine_share_overrides names cart_item, which is no table of "
            "seeds/reference/dq_checks.csv") in out, out[-3000:]
    assert "invalid_unit_price" not in out
    assert publication_state(root) == before


def test_heavy_mess_generator_data_publishes(tmp_path):
    """The generator's heaviest mess stays under every bound (DECISIONLOG E8); a refresh
    with the same data then compares its history with the publication and publishes."""
    raw = generate_raw(tmp_path / "raw", customers=600, events=20000, seed=12,
                       messiness="heavy")
    root = tmp_path / "root"
    code, out, err = run_publish(root, "--raw-path", str(raw))
    assert code == 0, out[-3000:] + err[-3000:]
    manifest = json.loads((root / EXPORTS / "manifest.json").read_text())
    assert manifest["history"]["compared_with"] is None  # nothing in place to compare with
    first_id = manifest["publication_id"]
    code, out = publish_again(root, "ok", "--raw-path", str(raw))
    assert code == 0, out[-3000:]
    history = json.loads((root / EXPORTS / "manifest.json").read_text())["history"]
    assert history["compared_with"] == first_id
    assert history["moved_days"] == [] and history["accepted_change"] is None
    assert history["days_compared"]["events"] > 300 and history["days_compared"]["commerce"] > 300


def delivered_twice(folder: Path, copy: bool = True) -> Path:
    """The committed sample in `folder` (with `copy`; else the raw files already there),
    every event followed by a copy one second later."""
    raw = copy_sample_as_raw_files(folder) if copy else folder

    def doubled(rows: list[dict]) -> list[dict]:
        out = []
        for row in rows:
            time_text = row["event_time"].removesuffix(" UTC")
            later = dt.datetime.fromisoformat(time_text) + dt.timedelta(seconds=1)
            out += [row, {**row, "event_time": f"{later:%Y-%m-%d %H:%M:%S} UTC"}]
        return out

    rewrite_csv(raw / "events.csv", doubled)
    return raw


def test_a_file_delivered_twice_stops_at_the_history_and_near_duplicate_gates(
    published, tmp_path
):
    """Every event delivered again one second later, built in full: revenue doubles on
    every old day (the history gate stops it) and half the kept events are near-duplicates
    (reported with samples)."""
    raw = delivered_twice(tmp_path / "raw")
    out, _ = refused_build(published, tmp_path / "root", raw)
    lines = gate_lines(out)
    lines_text = "\n".join(lines)
    assert "a data-quality check took more than its share of a table" in out
    assert "the history changed" in out
    assert re.search(
        r"events: the flag near_duplicate_event \(columns event_time, event_type, user_id, "
        r"product_id\) flagged [\d,]+ of [\d,]+ kept rows \(50\.\d%\), more than "
        r"max_near_duplicate_share \(5\.0%\)", lines_text), lines_text
    assert "raise the bound: VARS='{max_near_duplicate_share: 0.55}'" in lines_text
    history = [line for line in lines if re.match(r"publish:   \d{4}-\d\d-\d\d events: ", line)]
    assert 1 <= len(history) <= 10, lines_text  # the days that moved most, at most 10
    assert all("revenue" in line and "(+100.0%)" in line for line in history), history
    assert re.search(r"and \d+ more day\(s\)", lines_text)
    assert "a file delivered twice" in lines_text


def test_a_file_delivered_twice_to_an_incremental_refresh_stops_at_the_near_duplicates(
    tmp_path
):
    """The same file given again to an incremental refresh of the folder it was published
    from (same raw_path: the incremental models stay incremental, DECISIONLOG E7): the days
    before its window are not read again, so the history stays put, and only the last days
    double; the near-duplicate share of those days (not diluted by the whole history) stops
    it."""
    raw = copy_sample_as_raw_files(tmp_path / "raw")
    first = tmp_path / "first"
    code, out, err = run_publish(first, "--raw-path", str(raw))
    assert code == 0, out[-3000:] + err
    delivered_twice(raw, copy=False)
    out, _ = refused_build(first, tmp_path / "root", raw, incremental=True)
    lines_text = "\n".join(gate_lines(out))
    assert re.search(
        r"events: the flag near_duplicate_event \(columns event_time, event_type, user_id, "
        r"product_id\) flagged [\d,]+ of [\d,]+ kept rows of the days from 2024-12-27 on "
        r"\(the days a refresh rebuilds\) and without a day \(50\.\d%\)", lines_text), lines_text
    assert "sample values: (event_time='2024-12-2" in lines_text
    assert "the history changed" not in out


def test_a_shorter_events_file_stops_at_the_history_gate(published, tmp_path):
    """An events file that lost its first half: the days it lost are missing from the
    build, and the message says the raw file must keep its full history."""
    raw = copy_sample_as_raw_files(tmp_path / "raw")
    rewrite_csv(raw / "events.csv",
                lambda rows: [row for row in rows if row["event_time"] >= "2024-07-01"])
    out, _ = refused_build(published, tmp_path / "root", raw)
    lines_text = "\n".join(gate_lines(out))
    assert "publish:   2024-01-01 events: missing from this build (published: " in lines_text
    assert re.search(r"\d+ published day\(s\) of events are missing from this build: the raw "
                     r"files must keep their full history", lines_text), lines_text
    assert "FULL_REFRESH=1" in lines_text
    assert 'ACCEPT_HISTORY_CHANGE="why"' in lines_text
    assert "commerce:" not in lines_text  # the commerce files did not change


def test_another_shop_is_stopped_unless_the_change_is_accepted(ecomgen_work, tmp_path):
    """A build of another shop (the ecomgen sample, commerce only) over the sample's
    publication: refused, its history moved; published with --accept-history-change,
    which manifest.json records with the moved days."""
    root = tmp_path / "root"
    copy_publication(ecomgen_work, root)
    for part in ("build", "target"):
        shutil.copytree(ecomgen_work / part, root / part)
    before_id, _ = in_place(root)
    code, out = publish_again(root, "ok")
    assert code == 1, out[-3000:]
    assert "NOTHING WAS PUBLISHED: the history changed" in out
    assert "the build has no events marts (funnel_daily)" in out
    assert re.search(r"publish:   2024-\d\d-\d\d commerce: ", out), out[-3000:]
    assert in_place(root)[0] == before_id

    reason = "moving to the shop of the ecomgen sample"
    code, out = publish_again(root, "ok", "--accept-history-change", reason)
    assert code == 0, out[-3000:]
    assert "day(s) moved against the publication before" in out
    publication_id, tables = in_place(root)
    assert publication_id != before_id and "marts.funnel_kpis" not in tables
    history = json.loads((root / EXPORTS / "manifest.json").read_text())["history"]
    assert history["accepted_change"] == reason
    assert history["compared_with"] == before_id
    families = {day["family"] for day in history["moved_days"]}
    assert families == {"events", "commerce"}
    missing_events = [d for d in history["moved_days"] if d["missing"] and d["family"] == "events"]
    assert missing_events and missing_events[0]["figures"]["revenue"]["this_build"] is None
