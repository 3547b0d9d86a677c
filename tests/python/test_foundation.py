"""The foundation: raw data in as users bring it, every row accounted for,
clear errors on bad input, and every model and column documented."""

from __future__ import annotations

import csv
import gzip
import json
import shutil

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from conftest import (
    ALL_TABLES,
    COMMERCE_TABLES,
    ECOMGEN_SAMPLE_DIR,
    MARKETING_TABLES,
    SAMPLE_DIR,
    append_rows,
    copy_sample_as_raw_files,
    csv_row_count,
    first_row,
    run_dbt,
    run_dbt_cli,
)

VALID_MODEL = {
    "customers": "valid_ecom__customers",
    "product_catalog": "valid_ecom__products",
    "shopping_carts": "valid_ecom__carts",
    "cart_items": "valid_ecom__cart_items",
    "orders": "valid_ecom__orders",
    "order_items": "valid_ecom__order_items",
    "returns": "valid_ecom__returns",
    "return_items": "valid_ecom__return_items",
    "events": "valid_clickstream__events",
    "campaigns": "valid_marketing__campaigns",
    "campaign_spend": "valid_marketing__campaign_spend",
}
QUARANTINE_MODEL = {t: m.replace("valid_", "quarantine_", 1) for t, m in VALID_MODEL.items()}


def audit_counts(build) -> dict[str, dict[str, int]]:
    """source_table -> {read, kept, removed} from marts.data_quality_audit."""
    rows = build.query(
        """
        select
            source_table,
            sum(case when step_type = 'read' then rows_in end),
            sum(case when step_type = 'kept' then rows_out end),
            sum(rows_removed)
        from marts.data_quality_audit
        group by source_table
        """
    )
    return {t: {"read": r, "kept": k, "removed": x} for t, r, k, x in rows}


def assert_audit_balances(build, tables):
    counts = audit_counts(build)
    assert sorted(counts) == sorted(tables)
    for table in tables:
        c = counts[table]
        assert c["read"] == c["kept"] + c["removed"], table
        typed_model = VALID_MODEL[table].replace("valid_", "stg_", 1)
        [(typed,)] = build.query(f"select count(*) from staging.{typed_model}")
        assert typed == c["read"], table  # stg_ holds one row per raw row
        [(staged,)] = build.query(f"select count(*) from staging.{VALID_MODEL[table]}")
        [(quarantined,)] = build.query(
            f"select count(*) from staging.{QUARANTINE_MODEL[table]}"
        )
        assert staged == c["kept"], table
        assert quarantined == c["removed"], table


# --- the third-party sample, through raw_path ---------------------------------------


def test_audit_reads_exactly_the_rows_of_the_ecomgen_sample_files(ecomgen_sample_build):
    counts = audit_counts(ecomgen_sample_build)
    for table in COMMERCE_TABLES:
        assert counts[table]["read"] == csv_row_count(ECOMGEN_SAMPLE_DIR / f"{table}.csv"), table
    assert "events" not in counts  # enable_events: false leaves the family out


def test_audit_balances_on_the_ecomgen_sample(ecomgen_sample_build):
    # no marketing files: the optional family is audited as read empty
    assert_audit_balances(ecomgen_sample_build, COMMERCE_TABLES + MARKETING_TABLES)


def test_ecomgen_sample_statuses_are_normalised(ecomgen_sample_build):
    # the raw file pads statuses (" abandoned "): after lower(trim()) all map to a status
    raw_statuses = set()
    with (ECOMGEN_SAMPLE_DIR / "shopping_carts.csv").open(newline="") as handle:
        for row in csv.DictReader(handle):
            raw_statuses.add(row["status"])
    assert any(s != s.strip() for s in raw_statuses), "the sample should carry padded statuses"
    rows = dict(
        ecomgen_sample_build.query(
            "select cart_status, count(*) from staging.valid_ecom__carts group by 1"
        )
    )
    assert set(rows) <= {"converted", "abandoned", "emptied", "open", "unknown"}
    assert rows.get("unknown", 0) == 0


def test_ecomgen_sample_timestamps_keep_microseconds(ecomgen_sample_build):
    first = first_row(ECOMGEN_SAMPLE_DIR / "orders.csv")
    [(ordered_at,)] = ecomgen_sample_build.query(
        f"select strftime(ordered_at, '%Y-%m-%dT%H:%M:%S.%f') from staging.valid_ecom__orders "
        f"where order_id = '{first['order_id']}'"
    )
    assert ordered_at == first["order_date"].strip().replace(" ", "T")


# --- the committed sample --------------------------------------------------------------


def test_audit_reads_exactly_the_rows_of_the_committed_sample(sample_build):
    counts = audit_counts(sample_build)
    for table in ALL_TABLES:
        assert counts[table]["read"] == csv_row_count(SAMPLE_DIR / f"{table}.csv"), table
    assert_audit_balances(sample_build, ALL_TABLES)


# --- hostile input: every bad row is quarantined with its reason, the build passes -----


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory):
    raw = copy_sample_as_raw_files(tmp_path_factory.mktemp("hostile_raw"))
    cart = first_row(raw / "shopping_carts.csv")
    line = first_row(raw / "cart_items.csv")
    event = first_row(raw / "events.csv")
    good_cart = {**cart, "cart_id": "CART-HOSTILE-OK", "status": "converted"}
    append_rows(
        raw / "shopping_carts.csv",
        [
            {**cart, "cart_id": "CART-HOSTILE-BADDATE", "created_at": "2024-13-45T99:00:00"},
            {**cart, "cart_id": "CART-HOSTILE-STATUS", "status": "  PENDING "},
            {**cart, "cart_id": "CART-HOSTILE-NOCUSTOMER", "customer_id": "  "},
            {**cart, "cart_id": "CART-HOSTILE-TOTAL", "cart_total": "12.5.0"},
            {**cart, "cart_id": "CART-HOSTILE-GHOST", "customer_id": "CUST-DOES-NOT-EXIST"},
            good_cart,
            cart,  # an exact duplicate of the file's first row
        ],
    )
    append_rows(
        raw / "cart_items.csv",
        [
            {**line, "cart_item_id": "990001", "cart_id": "CART-HOSTILE-OK", "quantity": "-2"},
            {**line, "cart_item_id": "990002", "cart_id": "CART-HOSTILE-OK", "unit_price": "N/A"},
            {**line, "cart_item_id": "990003", "cart_id": "CART-DOES-NOT-EXIST"},
            line,  # exact duplicate
        ],
    )
    customer = first_row(raw / "customers.csv")
    append_rows(raw / "customers.csv", [{**customer, "customer_id": ""}])
    order = first_row(raw / "orders.csv")
    append_rows(
        raw / "orders.csv",
        [
            {**order, "order_id": "ORD-HOSTILE-DATE", "order_date": "not a date"},
            {**order, "order_id": "ORD-HOSTILE-MONEY", "net_total": "abc"},
        ],
    )
    append_rows(
        raw / "events.csv",
        [
            {**event, "price": "0"},
            {**event, "price": "-5.00"},
            {**event, "price": "abc"},
            {**event, "event_time": "yesterday"},
            event,  # exact duplicate
        ],
    )
    build = run_dbt(["build"], tmp_path_factory.mktemp("hostile"), {"raw_path": str(raw)})
    return raw, build


def test_hostile_input_builds_without_errors(hostile_build):
    _, build = hostile_build
    assert build.success
    statuses = build.statuses()
    assert not [k for k, v in statuses.items() if v in ("error", "fail", "skipped")]
    # the unknown customer is kept, and the relationships test warns about it
    assert any(
        v == "warn" and "relationships_valid_ecom__carts_customer_id" in k
        for k, v in statuses.items()
    )


def test_hostile_input_audit_balances(hostile_build):
    raw, build = hostile_build
    counts = audit_counts(build)
    for table in ALL_TABLES:
        assert counts[table]["read"] == csv_row_count(raw / f"{table}.csv"), table
    assert_audit_balances(build, ALL_TABLES)


@pytest.mark.parametrize(
    "model, key_column, key, reason",
    [
        ("quarantine_ecom__carts", "cart_id", "CART-HOSTILE-BADDATE", "invalid_created_at"),
        ("quarantine_ecom__carts", "cart_id", "CART-HOSTILE-NOCUSTOMER", "missing_customer_id"),
        ("quarantine_ecom__carts", "cart_id", "CART-HOSTILE-TOTAL", "invalid_cart_total"),
        ("quarantine_ecom__cart_items", "cart_item_id", "990001", "non_positive_quantity"),
        ("quarantine_ecom__cart_items", "cart_item_id", "990002", "invalid_unit_price"),
        ("quarantine_ecom__cart_items", "cart_item_id", "990003", "orphan_cart_line"),
        ("quarantine_ecom__orders", "order_id", "ORD-HOSTILE-DATE", "invalid_order_date"),
        ("quarantine_ecom__orders", "order_id", "ORD-HOSTILE-MONEY", "invalid_net_total"),
    ],
)
def test_hostile_rows_are_quarantined_with_their_reason(
    hostile_build, model, key_column, key, reason
):
    _, build = hostile_build
    rows = build.query(
        f"select dq_reason, raw_values from staging.{model} "
        f"where cast({key_column} as varchar) = '{key}'"
    )
    assert len(rows) == 1, (model, key)
    assert rows[0][0] == reason
    assert json.loads(rows[0][1])[key_column] == key  # the raw values are kept


def test_hostile_duplicates_and_prices_are_quarantined(hostile_build):
    _, build = hostile_build
    reasons = dict(
        build.query(
            "select dq_reason, count(*) from staging.quarantine_clickstream__events group by 1"
        )
    )
    assert reasons.get("non_positive_price", 0) >= 2
    assert reasons.get("invalid_price", 0) >= 1
    assert reasons.get("invalid_event_time", 0) >= 1
    assert reasons.get("exact_duplicate", 0) >= 1
    for model in ("quarantine_ecom__carts", "quarantine_ecom__cart_items"):
        [(n,)] = build.query(
            f"select count(*) from staging.{model} where dq_reason = 'exact_duplicate'"
        )
        assert n >= 1, model
    [(n,)] = build.query(
        "select count(*) from staging.quarantine_ecom__customers "
        "where dq_reason = 'missing_customer_id'"
    )
    assert n == 1


def test_hostile_unknown_status_is_kept_and_counted(hostile_build):
    _, build = hostile_build
    assert build.query(
        "select status_value, cart_status from staging.valid_ecom__carts "
        "where cart_id = 'CART-HOSTILE-STATUS'"
    ) == [("pending", "unknown")]
    [(flagged,)] = build.query(
        "select rows_flagged from marts.data_quality_audit "
        "where source_table = 'shopping_carts' and step = 'unknown_status'"
    )
    [(unknown,)] = build.query(
        "select count(*) from staging.valid_ecom__carts where cart_status = 'unknown'"
    )
    assert flagged == unknown >= 1
    # a cart whose customer is not in customers is kept (and warned), not quarantined
    assert build.query(
        "select count(*) from staging.valid_ecom__carts where cart_id = 'CART-HOSTILE-GHOST'"
    ) == [(1,)]


# --- clear errors for missing files and columns ----------------------------------------


def test_missing_events_file_names_the_file_and_the_switch(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(ECOMGEN_SAMPLE_DIR, raw)  # commerce tables only
    result = run_dbt_cli(["build"], tmp_path / "run", {"raw_path": str(raw)})
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "events.csv" in output and "enable_events: false" in output
    assert "Traceback" not in output
    # the other tests of stops read run_dbt's output: it holds the command line's message
    in_process = run_dbt(["build"], tmp_path / "run_in_process", {"raw_path": str(raw)})
    assert not in_process.success
    message = [line for line in output.splitlines() if "enable_events: false" in line]
    assert message and all(line.split("  ", 1)[-1] in in_process.output for line in message)
    # the same folder builds once the switch is given
    result = run_dbt_cli(
        ["build", "--select", "+valid_ecom__carts", "--indirect-selection", "cautious"],
        tmp_path / "run2",
        {"raw_path": str(raw), "enable_events": False},
    )
    assert result.returncode == 0, result.stdout[-3000:]


def test_missing_column_names_the_file_and_the_column(tmp_path):
    raw = copy_sample_as_raw_files(tmp_path / "raw")
    table = pacsv.read_csv(
        raw / "shopping_carts.csv",
        convert_options=pacsv.ConvertOptions(strings_can_be_null=False),
        read_options=pacsv.ReadOptions(column_names=None),
    )
    pacsv.write_csv(table.drop_columns(["status"]), raw / "shopping_carts.csv")
    result = run_dbt(["build"], tmp_path / "run", {"raw_path": str(raw)})
    output = result.output
    assert not result.success
    assert "shopping_carts.csv lacks column(s) status" in output
    assert "Traceback" not in output


# --- parquet input ---------------------------------------------------------------------


def test_parquet_files_build_like_csv_files(ecomgen_sample_build, tmp_path):
    raw = tmp_path / "raw_parquet"
    raw.mkdir()
    for table in COMMERCE_TABLES:
        text_table = pacsv.read_csv(
            ECOMGEN_SAMPLE_DIR / f"{table}.csv",
            convert_options=pacsv.ConvertOptions(
                column_types={}, strings_can_be_null=True, auto_dict_encode=False
            ),
        )
        pq.write_table(text_table, raw / f"{table}.parquet")
    build = run_dbt(["build"], tmp_path / "run", {"raw_path": str(raw), "enable_events": False})
    assert build.success
    for table in COMMERCE_TABLES:
        model = VALID_MODEL[table]
        with duckdb.connect(str(build.db_path), read_only=True) as con:
            con.execute(f"attach '{ecomgen_sample_build.db_path}' as csv_build (read_only)")
            [(n_parquet, n_csv, differences)] = con.execute(
                f"""
                select
                    (select count(*) from staging.{model}),
                    (select count(*) from csv_build.staging.{model}),
                    (select count(*) from (
                        select * from staging.{model}
                        except all select * from csv_build.staging.{model}))
                """
            ).fetchall()
        assert n_parquet == n_csv > 0, table
        assert differences == 0, table


def test_raw_path_wins_over_warehouse_schemas_and_writes_nothing_there(tmp_path):
    """With raw_path and *_source_schema both set, the files are read (the documented
    precedence) and nothing is created in the warehouse schema the vars name."""
    build = run_dbt(
        ["build", "--exclude-resource-type", "unit_test"],
        tmp_path / "run",
        {
            "raw_path": str(ECOMGEN_SAMPLE_DIR),
            "enable_events": False,
            "commerce_source_schema": "shop_raw",
        },
    )
    assert build.success
    schemas = {s for (s,) in build.query("select schema_name from information_schema.schemata")}
    assert "shop_raw" not in schemas
    [(carts,)] = build.query("select count(*) from raw.shopping_carts")
    assert carts == csv_row_count(ECOMGEN_SAMPLE_DIR / "shopping_carts.csv")


def test_docs_generate_works_on_an_empty_warehouse(tmp_path):
    """`make docs` on a fresh clone: compiling every model before anything is built
    (no seed, no model) must not need the warehouse's tables."""
    build = run_dbt(["docs", "generate"], tmp_path / "docs")
    assert build.success
    assert (build.target_path / "catalog.json").is_file()


# --- real exports: empty files, encodings, compressed files, a missing folder ----------


def cli_build(raw, workdir, **dbt_vars):
    """`dbt build` on the raw folder `raw`: what the command line prints (`run_dbt`'s
    output, the same text) and the Build to read the warehouse back."""
    build = run_dbt(["build"], workdir, {"raw_path": str(raw), **dbt_vars})
    return build.output, build


def build_with_empty_file(tmp_path, table):
    """The committed sample with <table>.csv cut to its header, built: the build passes,
    warns with the file's name, and the audit balances with 0 rows read for the table."""
    raw = copy_sample_as_raw_files(tmp_path / "raw")
    path = raw / f"{table}.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        header = handle.readline()
    path.write_text(header, encoding="utf-8")
    output, build = cli_build(raw, tmp_path / "run")
    assert build.success, output[-3000:]
    assert f"Raw file {path} has a header and no rows" in output
    assert_audit_balances(build, ALL_TABLES)
    assert audit_counts(build)[table] == {"read": 0, "kept": 0, "removed": 0}
    return build


def compress(path, extension):
    """Write <path>.<extension> (gz or zst), the file compressed; returns `path`."""
    target = path.with_name(f"{path.name}.{extension}")
    if extension == "gz":
        with gzip.open(target, "wb") as out:
            out.write(path.read_bytes())
    else:
        with pa.CompressedOutputStream(str(target), "zstd") as out:
            out.write(path.read_bytes())
    return path


def one_row(build, mart):
    """The one row of a one-row mart, as a dict."""
    frame = build.df(f"select * from marts.{mart}")
    assert len(frame) == 1, mart
    return frame.iloc[0].to_dict()


def test_empty_events_file_builds_with_zero_counts_and_a_warning(tmp_path):
    build = build_with_empty_file(tmp_path, "events")
    kpis = one_row(build, "funnel_kpis")
    counts = [
        "total_users", "total_sessions", "transactions", "view_events", "cart_events",
        "purchase_events", "revenue", "viewers", "cart_users", "purchasers",
        "strict_cart_users", "strict_purchasers", "purchasers_without_cart",
    ]
    assert {c: kpis[c] for c in counts} == dict.fromkeys(counts, 0)
    rates = ["aov", "user_conversion_rate", "view_to_cart_user_rate", "overall_funnel_conversion",
             "session_conversion_rate", "session_view_to_cart_rate"]
    assert all(pd.isna(kpis[c]) for c in rates)  # zero denominators: null, the documented rule
    # every stage of the open, strict and session funnels, each with 0
    assert build.query(
        "select funnel_type, count(*), sum(users) from marts.funnel_stages"
        " group by funnel_type order by funnel_type"
    ) == [("open", 3, 0), ("session", 3, 0), ("strict", 3, 0)]
    assert build.query(
        "select count(*) from marts.catalog_completeness"
        " where events_missing = 0 and purchases_missing = 0 and revenue_missing = 0"
    ) == [(2,)]
    # the commerce family is untouched
    assert audit_counts(build)["shopping_carts"]["read"] == csv_row_count(
        SAMPLE_DIR / "shopping_carts.csv"
    )


def test_empty_cart_items_file_builds_with_zero_counts_and_a_warning(tmp_path):
    build = build_with_empty_file(tmp_path, "cart_items")
    carts = csv_row_count(SAMPLE_DIR / "shopping_carts.csv")
    kpis = one_row(build, "cart_kpis")
    assert kpis["carts"] == carts and kpis["abandoned_value"] == 0
    assert build.query(
        "select count(*), sum(line_count), sum(cart_value) from marts.fct_carts"
    ) == [(carts, 0, 0)]
    assert build.query("select count(*) from marts.abandoned_products") == [(0,)]
    customer_kpis = one_row(build, "customer_kpis")
    assert customer_kpis["orders"] == csv_row_count(SAMPLE_DIR / "orders.csv")


def test_other_encodings_and_compressed_files_build_like_the_sample(tmp_path):
    """customers.csv in latin-1 (read with raw_encoding: latin-1), events.csv.gz and
    cart_items.csv.zst: the build reads every row of every file."""
    raw = copy_sample_as_raw_files(tmp_path / "raw")
    write_latin1_name(raw / "customers.csv")
    compress(raw / "events.csv", "gz").unlink()
    compress(raw / "cart_items.csv", "zst").unlink()
    output, build = cli_build(raw, tmp_path / "run", raw_encoding="latin-1")
    assert build.success, output[-3000:]
    assert_audit_balances(build, ALL_TABLES)
    counts = audit_counts(build)
    for table in ALL_TABLES:
        assert counts[table]["read"] == csv_row_count(SAMPLE_DIR / f"{table}.csv"), table
    assert build.query(
        "select count(*) from staging.stg_ecom__customers where first_name = 'José'"
    ) == [(1,)]


def write_latin1_name(path):
    """Rewrite a raw customers file in latin-1, the first name of its 5th data row
    (line 6) being José; returns that line number."""
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    rows[5][rows[0].index("first_name")] = "José"
    with path.open("w", newline="", encoding="latin-1") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    return 6


def test_file_not_in_raw_encoding_names_the_file_the_line_and_the_var(tmp_path):
    raw = copy_sample_as_raw_files(tmp_path / "raw")
    line = write_latin1_name(raw / "customers.csv")
    output, build = cli_build(raw, tmp_path / "run")
    assert not build.success
    assert f"file {raw}/customers.csv is not utf-8: line {line} " in output
    assert "raw_encoding" in output
    assert "This file is not utf-8 encoded" not in output  # DuckDB's own message
    assert "Traceback" not in output


def test_two_forms_of_one_table_are_refused(tmp_path):
    raw = copy_sample_as_raw_files(tmp_path / "raw")
    compress(raw / "events.csv", "gz")
    output, build = cli_build(raw, tmp_path / "run")
    assert not build.success
    assert (f"both {raw}/events.csv and {raw}/events.csv.gz are forms of the events table"
            f" in raw_path '{raw}'") in output
    assert "keep only one of them" in output


@pytest.mark.parametrize("kind", ["missing", "file"])
def test_raw_path_that_is_no_folder_is_named_as_such(tmp_path, kind):
    if kind == "missing":
        raw, said = tmp_path / "no_such_folder", "does not exist"
    else:
        raw, said = tmp_path / "events.csv", "is a file, not a folder"
        shutil.copyfile(SAMPLE_DIR / "events.csv", raw)
    output, build = cli_build(raw, tmp_path / "run")
    assert not build.success
    assert f"raw_path '{raw}' {said}" in output
    assert "no file" not in output  # not one message per table
    assert "Traceback" not in output


# --- nothing in raw_path is ignored in silence (issue 27) ----------------------------


@pytest.mark.parametrize("extra", ["events2.csv", "events-2019-Nov.csv", "sub/events.csv",
                                   "sub/2024/shopping_carts.csv.gz"])
def test_a_file_that_looks_like_part_of_a_table_stops_the_build(tmp_path, extra):
    raw = copy_sample_as_raw_files(tmp_path / "raw")
    (raw / extra).parent.mkdir(parents=True, exist_ok=True)
    (raw / extra).write_text("anything\n")
    table = "shopping_carts" if "shopping_carts" in extra else "events"
    result = run_dbt(["build", "--select", "stg_ecom__customers"], tmp_path / "run",
                     {"raw_path": str(raw)})
    output = result.output
    assert not result.success
    assert f"file {raw}/{extra} looks like part of the {table} table" in output, output[-2000:]
    assert (f"merge the files into it, put them all in {raw}/{table}/, or move this one out of"
            " raw_path") in output


def test_a_file_the_build_does_not_read_is_named_in_a_warning(tmp_path):
    raw = copy_sample_as_raw_files(tmp_path / "raw")
    (raw / "README.md").write_text("exported on Monday\n")
    (raw / "notes").mkdir()
    (raw / "notes" / "prices.xlsx").write_bytes(b"PK")
    (raw / ".DS_Store").write_bytes(b"\0")  # hidden: left out
    result = run_dbt(["build", "--select", "stg_ecom__customers"], tmp_path / "run",
                     {"raw_path": str(raw)})
    output = result.output
    assert result.success, output[-2000:]
    assert (f"raw_path '{raw}' holds files the build does not read: {raw}/README.md, "
            f"{raw}/notes/prices.xlsx (") in output
    assert ".DS_Store" not in output
