"""Spark = DuckDB: the project built on Spark (dbt-spark, `method: session`, or a
cluster through its Thrift server, `method: thrift`)
gives the same rows as on DuckDB.

- every mart (and the incremental int_events_sessionized) of the Spark build of
  the committed sample equals the DuckDB build of that sample;
- raw files (var raw_path: csv and parquet) written as shops export them (decimal
  commas, currency markers, epoch times, null tokens, SKU ids) read on Spark give those
  same marts (the product ids as SKUs), a file not in raw_encoding is refused,
  and the third-party ecomgen sample's files give the same marts on both engines;
- an incremental Spark run with late-arriving events equals a full DuckDB build;
- missing files, ambiguous files and missing columns are reported before anything
  runs, as on DuckDB.

Run by scripts/spark_test.sh (`make spark-test`), which builds the Spark target
first (with every data test and unit test) and sets SPARK_PARITY_REUSE_BUILD=1;
run alone (`.venv-spark/bin/python -m pytest tests/spark`), the test builds the
sample on Spark itself, into a temporary folder. Not in the default pytest run
(pytest.ini: testpaths = tests/python): it needs the Spark venv
(requirements-spark.txt) and Java 17.

How results are read: DuckDB builds go to throw-away DuckDB files read with the
duckdb client. The Spark build of spark_test.sh is read through pyspark, with a
SparkSession on its warehouse folder and Derby metastore (the dbt process has
exited, so the embedded metastore is free); the other Spark builds of this file
have their own state folders and are read as the parquet folders of their
tables. The build of spark_cluster_test.sh (`make spark-cluster-test`, target
spark_cluster, through a Thrift server that still holds its metastore) is read
the same way, as the parquet folders of its warehouse: SPARK_PARITY_CLUSTER_STATE
names the cluster's state folder, and the script runs only the tests of the
committed sample (the others build on the session target).

Rows are compared as Python values (no pandas or csv export in between, so
types cannot be blurred): each table's rows are sorted by all
columns, then compared value by value. Text, booleans, dates and timestamps
must be equal; two decimals exactly equal; other numbers (a double on one side,
a decimal or an integer on the other) equal within a relative 1e-9.
"""

from __future__ import annotations

import csv
import math
import os
import shutil
import sys
import time
from collections import Counter
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

# tests/: the home of dbt_invocation.py, shared with tests/python
sys.path.append(str(Path(__file__).resolve().parents[1]))
from dbt_invocation import (
    ECOMGEN_SAMPLE_DIR,
    PROJECT_DIR,
    SAMPLE_DIR,
    duckdb_env,
    duckdb_path,
    published_relations,
    run_dbt_command,
    target_path,
)
from export_formats import sku, write_every_format

# every published relation of the marts (docs/mart_interface.yml: each version of each mart)
MARTS = published_relations()
INCREMENTAL = ("intermediate", "int_events_sessionized")
# the marts of the optional marketing family, empty without its files (docs/raw_data.md)
MARKETING_MARTS = {"campaign_performance", "campaign_daily", "channel_performance"}
CLICKSTREAM_TABLES = [
    INCREMENTAL,
    ("marts", "fct_sessions"),
    ("marts", "funnel_kpis"),
    ("marts", "funnel_daily"),
    ("marts", "user_behavior_segments"),
    ("marts", "product_performance"),
    ("marts", "product_performance_v2"),
]
REL_TOL = 1e-9
# models and seeds only: the data tests and unit tests run in `make test` and in
# spark_test.sh's build
BUILD_MODELS = ["build", "--exclude-resource-type", "test", "--exclude-resource-type", "unit_test"]

# pyspark turns timestamps into naive datetimes in the process's local time zone:
# UTC here, like the data (and spark.sql.session.timeZone in profiles.yml).
os.environ["TZ"] = "UTC"
time.tzset()
os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")

Tables = dict[str, tuple[list[str], list[tuple]]]


# --- builds -----------------------------------------------------------------


def dbt(
    args: list[str],
    workdir: Path,
    env: dict[str, str],
    dbt_vars: dict | None = None,
    check: bool = True,
):
    """Run dbt (this venv's) on the project, with `env` added to the environment;
    fail the test with its output."""
    result = run_dbt_command(args, workdir, dbt_vars, env=env)
    if check and result.returncode != 0:
        pytest.fail(
            f"{' '.join(result.args)} failed ({result.returncode}):\n"
            + result.stdout[-6000:]
            + result.stderr[-3000:]
        )
    return result


def duckdb_build(workdir: Path, dbt_vars: dict | None = None) -> Path:
    dbt([*BUILD_MODELS, "--target", "duckdb"], workdir, duckdb_env(workdir), dbt_vars)
    return duckdb_path(workdir)


def spark_build(state_dir: Path, workdir: Path, dbt_vars: dict | None = None) -> Path:
    """A Spark build (models and seeds) with its own warehouse and metastore."""
    dbt(
        [*BUILD_MODELS, "--target", "spark"],
        workdir,
        {"SPARK_STATE_DIR": str(state_dir)},
        dbt_vars,
    )
    return state_dir


# --- reading ----------------------------------------------------------------


def read_duckdb(db_path: Path, tables: list[tuple[str, str]] | None = None) -> Tables:
    """The given (schema, table)s, or every table of the schema marts."""
    result = {}
    with duckdb.connect(str(db_path), read_only=True) as con:
        if tables is None:
            tables = con.execute(
                "select table_schema, table_name from information_schema.tables "
                "where table_schema = 'marts' and table_type = 'BASE TABLE'"
            ).fetchall()
        for schema, name in tables:
            cursor = con.execute(f'select * from {schema}."{name}"')
            result[name] = ([d[0] for d in cursor.description], cursor.fetchall())
    return result


def read_spark_files(spark, state_dir: Path, tables: list[tuple[str, str]]) -> Tables:
    """Tables of another Spark build, read as their parquet folders."""
    result = {}
    for schema, name in tables:
        frame = spark.read.parquet(str(state_dir / "spark-warehouse" / f"{schema}.db" / name))
        result[name] = (frame.columns, [tuple(row) for row in frame.collect()])
    return result


# --- comparing --------------------------------------------------------------


def sort_key(row: tuple) -> tuple:
    """Orders rows the same way on both sides: nulls first, numbers by value
    (9 significant digits, so float noise cannot reorder rows)."""
    key = []
    for value in row:
        if value is None:
            key.append((0, ""))
        elif isinstance(value, bool):
            key.append((1, str(value)))
        elif isinstance(value, (int, float, Decimal)):
            key.append((2, float(f"{float(value):.9g}")))
        elif isinstance(value, (datetime, date)):
            key.append((3, value.isoformat()))
        else:
            key.append((4, str(value)))
    return tuple(key)


def same_value(duck, spark) -> bool:
    if duck is None or spark is None:
        return duck is None and spark is None
    if isinstance(duck, bool) or isinstance(spark, bool):
        return type(duck) is type(spark) and duck == spark
    if isinstance(duck, Decimal) and isinstance(spark, Decimal):
        return duck == spark
    if isinstance(duck, (int, float, Decimal)) and isinstance(spark, (int, float, Decimal)):
        return math.isclose(float(duck), float(spark), rel_tol=REL_TOL, abs_tol=REL_TOL)
    return type(duck) is type(spark) and duck == spark


def assert_same_rows(name: str, duck_table, spark_table) -> None:
    duck_columns, duck_rows = duck_table
    spark_columns, spark_rows = spark_table
    # same columns (Spark puts partition columns last: compare by name)
    assert sorted(spark_columns) == sorted(duck_columns), name
    order = [spark_columns.index(column) for column in duck_columns]
    spark_rows = [tuple(row[i] for i in order) for row in spark_rows]
    assert len(spark_rows) == len(duck_rows), f"{name}: row counts differ"
    assert duck_rows, f"{name} is empty: nothing compared"
    mismatches = []
    for duck_row, spark_row in zip(
        sorted(duck_rows, key=sort_key), sorted(spark_rows, key=sort_key), strict=True
    ):
        for column, duck, spark in zip(duck_columns, duck_row, spark_row, strict=True):
            if not same_value(duck, spark):
                mismatches.append(f"{column}: duckdb {duck!r} != spark {spark!r}")
    assert not mismatches, f"{name}: {len(mismatches)} values differ, e.g.\n" + "\n".join(
        mismatches[:15]
    )


# --- the committed sample ---------------------------------------------------


@pytest.fixture(scope="session")
def duckdb_sample(tmp_path_factory) -> Tables:
    db_path = duckdb_build(tmp_path_factory.mktemp("duckdb_sample"))
    tables = read_duckdb(db_path)
    tables.update(read_duckdb(db_path, [INCREMENTAL]))
    return tables


@pytest.fixture(scope="session")
def spark_state_dir(tmp_path_factory) -> Path:
    """The Spark build of the sample: spark_test.sh's, or a new one."""
    if os.environ.get("SPARK_PARITY_REUSE_BUILD") == "1":
        state_dir = Path(
            os.environ.get("SPARK_STATE_DIR", PROJECT_DIR / "warehouse" / "spark")
        ).resolve()
        assert (state_dir / "metastore_db").is_dir(), f"no Spark build in {state_dir}"
        return state_dir
    workdir = tmp_path_factory.mktemp("spark_sample")
    return spark_build(workdir / "state", workdir)


# The state folder (warehouse and metastore) of make spark-cluster-test's build.
CLUSTER_STATE = os.environ.get("SPARK_PARITY_CLUSTER_STATE")


@pytest.fixture(scope="session")
def spark(request):
    from pyspark.sql import SparkSession

    builder = (
        SparkSession.builder.appName("spark_parity")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
    )
    if not CLUSTER_STATE:
        # the warehouse and metastore of the sample build, as profiles.yml's spark output
        state_dir = request.getfixturevalue("spark_state_dir")
        builder = (
            builder.enableHiveSupport()
            .config("spark.sql.warehouse.dir", str(state_dir / "spark-warehouse"))
            .config(
                "spark.hadoop.javax.jdo.option.ConnectionURL",
                f"jdbc:derby:;databaseName={state_dir / 'metastore_db'};create=false",
            )
            .config("spark.driver.extraJavaOptions", f"-Dderby.system.home={state_dir}")
        )
    session = builder.getOrCreate()
    yield session
    session.stop()


def read_cluster_sample(spark, state_dir: Path) -> Tables:
    """The marts (every table folder of marts.db) and the incremental model of the
    cluster's build, read as parquet folders (the Thrift server holds its metastore)."""
    marts = state_dir / "spark-warehouse" / "marts.db"
    assert marts.is_dir(), f"no Spark cluster build in {state_dir}"
    tables = [("marts", p.name) for p in sorted(marts.iterdir()) if p.is_dir()]
    return read_spark_files(spark, state_dir, [*tables, INCREMENTAL])


@pytest.fixture(scope="session")
def spark_sample(spark) -> Tables:
    if CLUSTER_STATE:
        return read_cluster_sample(spark, Path(CLUSTER_STATE))
    tables = {}
    for row in spark.sql("show tables in marts").collect():
        if not row.isTemporary:
            frame = spark.table(f"marts.{row.tableName}")
            tables[row.tableName] = (frame.columns, [tuple(r) for r in frame.collect()])
    frame = spark.table(".".join(INCREMENTAL))
    tables[INCREMENTAL[1]] = (frame.columns, [tuple(r) for r in frame.collect()])
    return tables


def test_the_same_marts_are_built(duckdb_sample, spark_sample):
    assert sorted(set(duckdb_sample) - {INCREMENTAL[1]}) == MARTS
    assert sorted(set(spark_sample) - {INCREMENTAL[1]}) == MARTS


@pytest.mark.parametrize("table", [*MARTS, INCREMENTAL[1]])
def test_the_sample_gives_the_same_rows_on_spark(table, duckdb_sample, spark_sample):
    assert table in duckdb_sample, f"{table} missing from the DuckDB build"
    assert table in spark_sample, f"{table} missing from the Spark build"
    assert_same_rows(table, duckdb_sample[table], spark_sample[table])


# --- raw files ----------------------------------------------------------------


def sample_file(table: str) -> Path:
    return SAMPLE_DIR / f"{table}.csv"


def read_csv_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(newline="") as f:
        reader = csv.reader(f)
        return next(reader), list(reader)


def write_csv_rows(path: Path, header: list[str], rows: list[list[str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)


def with_skus(mart: str, table: tuple[list[str], list[tuple]]) -> tuple[list[str], list[tuple]]:
    """A mart of the clean sample as the same data with SKU product ids publishes it: the SKU
    in a version 2 (product_id text), null in a version 1 (product_id a whole number)."""
    columns, rows = table
    if "product_id" not in columns:
        return table
    i = columns.index("product_id")
    new_id = (lambda v: sku(str(v))) if mart.endswith("_v2") else (lambda v: None)
    return columns, [(*row[:i], new_id(row[i]), *row[i + 1:]) for row in rows]


def test_raw_files_give_the_same_marts_on_spark(duckdb_sample, spark, tmp_path):
    """The committed sample as raw files written as shops export them
    (tests/export_formats.py, every format at once: `;` and decimal commas, currency
    markers, epoch times, null tokens, SKU product ids; issue 27), the commerce tables in
    csv and the events in parquet (every column text), read on Spark through raw_path: the
    marts equal the DuckDB build of the clean sample (loaded as seeds), the product ids as
    SKUs. One Spark build for both questions (files, formats), to keep CI short."""
    raw = tmp_path / "raw"
    raw.mkdir()
    for path in SAMPLE_DIR.glob("*.csv"):
        shutil.copy(path, raw / path.name)
    write_every_format(raw)
    events_csv = raw / "events.csv"
    duckdb.sql(
        f"copy (select * from read_csv('{events_csv}', header = true, all_varchar = true)) "
        f"to '{raw / 'events.parquet'}' (format parquet)"
    )
    events_csv.unlink()
    state_dir = spark_build(tmp_path / "state", tmp_path, {"raw_path": str(raw)})
    spark_tables = read_spark_files(spark, state_dir, [("marts", mart) for mart in MARTS])
    assert spark_tables["abandoned_products_v2"][1], "the SKUs were quarantined"
    for mart in MARTS:
        if mart != "data_quality_raw_files":
            assert_same_rows(mart, with_skus(mart, duckdb_sample[mart]), spark_tables[mart])
    # the files differ by design (forms, bytes); each table's rows do not
    assert rows_per_file(spark_tables) == {
        (table, f"{table}.{'parquet' if table == 'events' else 'csv'}", rows)
        for table, _, rows in rows_per_file(duckdb_sample)}


def rows_per_file(tables: Tables) -> set[tuple]:
    """(source_table, raw_file, rows_read) of each file listed in data_quality_raw_files."""
    columns, rows = tables["data_quality_raw_files"]
    picked = [columns.index(c) for c in ("source_table", "raw_file", "rows_read")]
    return {tuple(row[i] for i in picked) for row in rows}


def test_third_party_files_give_the_same_marts_on_spark(spark, tmp_path):
    """The third-party ecomgen sample (commerce csv files as exported: padded and
    re-cased values, `T` timestamps, ...) read through raw_path gives the same
    marts on Spark as on DuckDB. It has no marketing files and its orders no campaign
    columns: the optional family and the optional columns are absent on Spark too."""
    dbt_vars = {"raw_path": str(ECOMGEN_SAMPLE_DIR), "enable_events": False}
    reference = read_duckdb(duckdb_build(tmp_path / "duckdb", dbt_vars))
    assert "fct_carts" in reference and "data_quality_audit" in reference
    state_dir = spark_build(tmp_path / "state", tmp_path / "spark", dbt_vars)
    spark_tables = read_spark_files(spark, state_dir, [("marts", mart) for mart in reference])
    for mart in sorted(reference):
        if mart in MARKETING_MARTS:
            # no marketing files here: the optional family is built empty on both engines
            assert not reference[mart][1] and not spark_tables[mart][1], mart
            continue
        assert_same_rows(mart, reference[mart], spark_tables[mart])


def late_event_files(folder: Path) -> tuple[Path, Path]:
    """(first, final) events folders made from the sample events. The first file
    stops 5 days before the end and lacks some rows of its last days, which
    arrive late with the final file. One user's events around the cut lose their
    user_session, one of them late, so that the late event bridges two timeout
    sessions across the start of the rebuilt window (as in
    tests/python/test_incremental.py)."""
    header, rows = read_csv_rows(sample_file("events"))
    time_col, user_col, session_col = (
        header.index("event_time"),
        header.index("user_id"),
        header.index("user_session"),
    )
    days = sorted({row[time_col][:10] for row in rows})
    first_last_day = days[-6]
    late_days = set(days[-8:-6])
    around_cut = set(days[-9:-5])
    user = Counter(
        row[user_col] for row in rows if row[time_col][:10] in around_cut
    ).most_common(1)[0][0]
    user_rows = [
        i
        for i, row in enumerate(rows)
        if row[user_col] == user and row[time_col][:10] in around_cut
    ]
    for i in user_rows:
        rows[i][session_col] = ""
    late = {i for i, row in enumerate(rows) if row[time_col][:10] in late_days and i % 7 == 0}
    late.add(user_rows[len(user_rows) // 2])
    first = [
        row for i, row in enumerate(rows) if row[time_col][:10] <= first_last_day and i not in late
    ]
    assert len(late) > 10 and len(first) < len(rows)
    write_csv_rows(folder / "first" / "events.csv", header, first)
    write_csv_rows(folder / "final" / "events.csv", header, rows)
    return folder / "first", folder / "final"


def test_incremental_run_on_spark_equals_a_full_build_with_late_rows(spark, tmp_path):
    """int_events_sessionized on Spark (insert_overwrite of the rebuilt days):
    a build on the first file, then an incremental run on the final one, gives
    the same rows as a full DuckDB build of the final file."""
    first, final = late_event_files(tmp_path / "raw")
    events_only = {"enable_commerce": False}
    reference = read_duckdb(
        duckdb_build(tmp_path / "duckdb", {**events_only, "raw_path": str(final)}),
        CLICKSTREAM_TABLES,
    )
    # both files delivered into one folder, one after the other (another raw_path would
    # rebuild from scratch: macros/raw_inputs_state.sql)
    delivered = tmp_path / "delivered"
    delivered.mkdir()
    state_dir = tmp_path / "state"
    shutil.copyfile(first / "events.csv", delivered / "events.csv")
    spark_build(state_dir, tmp_path / "spark_first", {**events_only, "raw_path": str(delivered)})
    shutil.copyfile(final / "events.csv", delivered / "events.csv")
    spark_build(state_dir, tmp_path / "spark_final", {**events_only, "raw_path": str(delivered)})
    spark_tables = read_spark_files(spark, state_dir, CLICKSTREAM_TABLES)
    for _, table in CLICKSTREAM_TABLES:
        assert_same_rows(table, reference[table], spark_tables[table])


def test_raw_file_problems_are_reported_before_anything_runs_on_spark(tmp_path):
    """check_raw_files on Spark: one message naming a missing file, a table given
    both as csv and parquet, and a file lacking a contract column."""
    raw = tmp_path / "raw"
    header, rows = read_csv_rows(sample_file("customers"))
    keep = [i for i, column in enumerate(header) if column != "clv_bucket"]
    write_csv_rows(
        raw / "customers.csv", [header[i] for i in keep], [[r[i] for i in keep] for r in rows[:5]]
    )
    for table in [
        "product_catalog", "shopping_carts", "cart_items", "orders", "order_items", "returns"
    ]:
        shutil.copy(sample_file(table), raw / f"{table}.csv")
    shutil.copy(sample_file("events"), raw / "events.csv")
    # listed by name only, never read (Spark's listing skips empty files)
    (raw / "events.parquet").write_bytes(b"PAR1")
    result = dbt(
        ["run", "--target", "spark", "--select", "stg_ecom__customers"],
        tmp_path,
        {"SPARK_STATE_DIR": str(tmp_path / "state")},
        {"raw_path": str(raw)},
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "Raw data check failed" in output
    assert f"no file return_items.csv or return_items.parquet in raw_path '{raw}'" in output
    assert (f"both {raw}/events.csv and {raw}/events.parquet are forms of the events table"
            f" in raw_path '{raw}'") in output
    assert f"file {raw}/customers.csv lacks column(s) clv_bucket" in output


def test_analyses_run_on_spark(spark, spark_sample, tmp_path):
    """The starting queries in analyses/, compiled for Spark, run on the Spark
    build and return rows (as tests/python/test_analyses.py on DuckDB)."""
    dbt(
        ["compile", "--target", "spark", "--select", "resource_type:analysis"],
        tmp_path,
        # an empty metastore of its own: compiling reads no table
        {"SPARK_STATE_DIR": str(tmp_path / "state")},
    )
    folder = target_path(tmp_path) / "compiled" / "ecommerce_behavior" / "analyses"
    analyses = sorted((PROJECT_DIR / "analyses").glob("*.sql"))
    assert analyses
    for analysis in analyses:
        rows = spark.sql((folder / analysis.name).read_text()).collect()
        assert rows, f"{analysis.stem} returned no rows on the Spark build"


def test_a_file_not_in_raw_encoding_stops_the_run_on_spark(tmp_path):
    """A latin-1 byte in a utf-8 run: Spark's csv reader would read it as U+FFFD; the check
    names the file and the line and stops, as on DuckDB."""
    raw = tmp_path / "raw"
    raw.mkdir()
    for path in SAMPLE_DIR.glob("*.csv"):
        shutil.copy(path, raw / path.name)
    lines = (raw / "customers.csv").read_bytes().split(b"\n")
    lines[3] = lines[3].replace(b",", "\u00e9".encode("latin-1") + b",", 1)
    (raw / "customers.csv").write_bytes(b"\n".join(lines))
    result = dbt(["run", "--target", "spark", "--select", "stg_ecom__customers"], tmp_path,
                 {"SPARK_STATE_DIR": str(tmp_path / "state")}, {"raw_path": str(raw)},
                 check=False)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert f"file {raw}/customers.csv is not utf-8: line 4 (the header is line 1)" in output
