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

import datetime as dt
import json
import os
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

from publishing import (
    ANOTHER_SHOP,
    EXPORTS,
    PUBLICATION,
    copy_publication,
    copy_work,
    finish,
    in_place,
    kill_group,
    publication_state,
    publish_again,
    publish_env,
    read_marts,
    run_publish,
    start_publish,
    start_publish_again,
)

# DuckDB 1.4 (LTS, the oldest the storage version targets) and the latest 1.x.
DUCKDB_1X_VERSIONS = ["1.4.0", "1.5.6"]
PERSONAL_VALUE_MIN_LENGTH = 6  # shorter values (a gender, an initial) prove nothing


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
    removes the leftovers and publishes. The two later moments come after dbt's build:
    there the refresh publishes a finished build of the sample (publish_again's runner,
    dbt's build skipped), so the test waits for one build, not three."""
    root = tmp_path / "root"
    copy_publication(published, root)
    before = publication_state(root)
    before_id, _ = in_place(root)
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
        if moment == "the build":
            process = start_publish(root)
        else:  # a finished work database and target, as the build leaves them
            copy_work(published, root)
            process = start_publish_again(root, "ok")
        wait_for(reached, process, moment)
        os.killpg(process.pid, signal.SIGSTOP)  # frozen at that moment, then killed
        assert reached(), moment
        kill_group(process)
        assert publication_state(root) == before, f"killed during {moment}"
        assert len(read_marts(root / PUBLICATION)) == len(published_relations())
    code, out = publish_again(root, "ok")
    assert code == 0, out[-2000:]
    assert not any(find() for find in leftovers.values())
    new_id, _ = in_place(root)
    assert new_id != before_id


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
    """A refresh whose build lasts until the test lets it end (publish_again's runner
    `hold`, on a finished build of the sample): a second one started meanwhile stops at
    the lock; one started with --wait builds only after the first has published."""
    root = tmp_path / "root"
    copy_publication(published, root)
    copy_work(published, root)
    lock = root / "pub" / ".ecommerce_behavior.duckdb.lock"
    first_release, waiting_release = tmp_path / "first_release", tmp_path / "waiting_release"
    first = start_publish_again(root, "hold", str(first_release))
    wait_for(lambda: lock.exists() and f"pid {first.pid}" in lock.read_text(), first, "the lock")
    code, out, err = run_publish(root)
    assert code == 3
    assert "another refresh is running" in err and f"pid {first.pid}" in err
    assert "nothing was built or published" in err
    waiting = start_publish_again(root, "hold", str(waiting_release), "--wait")
    time.sleep(2)  # time enough to start building, were it not waiting
    assert "build started" not in waiting.output_files[0].read_text()
    first_release.touch()
    first_code, first_out, first_err = finish(first)
    assert first_code == 0, first_out[-2000:] + first_err
    first_published = json.loads((root / EXPORTS / "manifest.json").read_text())["published_at"]
    waiting_release.touch()
    waiting_code, waiting_out, waiting_err = finish(waiting)
    assert waiting_code == 0, waiting_out[-2000:] + waiting_err
    # the waiting refresh started its build only after the first one had published
    [started] = [float(line.split()[-1]) for line in waiting_out.splitlines()
                 if line.startswith("build started at ")]
    assert dt.datetime.fromtimestamp(started, dt.UTC) > dt.datetime.fromisoformat(first_published)
    assert len(read_marts(root / PUBLICATION)) == len(published_relations())


# --- crashes between the steps of the publish step, and links -----------------------

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
    copy_work(ecomgen_work, template)
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
    copy_work(ecomgen_work, root)
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


