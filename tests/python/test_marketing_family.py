"""The optional marketing family (docs/raw_data.md, "Marketing"; DECISIONLOG M4): without its
files every other mart is as before and its marts are empty; one of its two files alone stops
the run naming the other; the orders' campaign columns are optional.

The marts' numbers are compared with an independent computation in
test_marketing_marts_reference.py.

Run:  .venv/bin/python -m pytest tests/python/test_marketing_family.py -q
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from conftest import (
    MARKETING_TABLES,
    copy_sample_as_raw_files,
    read_raw_text,
    run_dbt,
    run_dbt_cli,
)

MARKETING_MARTS = {"campaign_performance", "campaign_daily", "channel_performance"}
ORDER_TAGS = ["campaign_id", "utm_campaign"]
# the marts that list every raw table: compared without the marketing tables' rows
PER_TABLE_MARTS = {"data_quality_audit", "data_quality_raw_files"}


def without_marketing(raw: Path) -> Path:
    """A shop's export before it had campaigns: no marketing file, orders without the tags."""
    for table in MARKETING_TABLES:
        (raw / f"{table}.csv").unlink()
    orders = read_raw_text(raw, "orders")
    assert set(ORDER_TAGS) <= set(orders.columns), "the sample's orders carry campaign tags"
    orders.drop(columns=ORDER_TAGS).to_csv(raw / "orders.csv", index=False)
    return raw


def mart_rows(db: Path, mart: str) -> list[tuple]:
    """The mart's rows, sorted; the marts of every raw table without the marketing tables'
    rows, and the raw files without their bytes (orders.csv lost two columns)."""
    where = (" where source_table not in ('campaigns', 'campaign_spend')"
             if mart in PER_TABLE_MARTS else "")
    columns = ("source_table, raw_file, file_format, rows_read"
               if mart == "data_quality_raw_files" else "*")
    with duckdb.connect(str(db), read_only=True) as con:
        return sorted(con.execute(f"select {columns} from marts.{mart}{where}").fetchall(),
                      key=repr)


def test_without_marketing_files_the_other_marts_are_unchanged(sample_build, tmp_path):
    raw = without_marketing(copy_sample_as_raw_files(tmp_path / "raw"))

    build = run_dbt(["build"], tmp_path / "run", {"raw_path": str(raw)})

    assert build.success, build.output[-3000:]
    marts = {row[0] for row in build.query(
        "select table_name from information_schema.tables where table_schema = 'marts'")}
    assert marts >= MARKETING_MARTS, "the marketing marts are published, empty"
    assert marts == {row[0] for row in sample_build.query(
        "select table_name from information_schema.tables where table_schema = 'marts'")}
    for mart in sorted(MARKETING_MARTS):
        assert build.query(f"select count(*) from marts.{mart}") == [(0,)], mart
        assert sample_build.query(f"select count(*) from marts.{mart}")[0][0] > 0, (
            f"{mart} is empty on the committed sample: nothing is compared")
    changed = [mart for mart in sorted(marts - MARKETING_MARTS)
               if mart_rows(build.db_path, mart) != mart_rows(sample_build.db_path, mart)]
    assert not changed, f"marts that moved without the marketing files: {changed}"
    # every order is untagged, and the absent tables audit as empty
    assert build.query(
        "select distinct attribution from intermediate.int_orders_attributed") == [("untagged",)]
    assert build.query(
        "select source_table, rows_in from marts.data_quality_audit where step_type = 'read'"
        " and source_table in ('campaigns', 'campaign_spend') order by 1"
    ) == [("campaign_spend", 0), ("campaigns", 0)]


def test_one_marketing_file_alone_stops_naming_the_other(tmp_path):
    raw = copy_sample_as_raw_files(tmp_path / "raw")
    (raw / "campaign_spend.csv").unlink()

    result = run_dbt_cli(["build"], tmp_path / "run", {"raw_path": str(raw)})

    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "campaign_spend.csv" in output and "enable_marketing: false" in output, output[-3000:]
    assert "Traceback" not in output


def test_the_tag_columns_may_be_absent_or_partial(tmp_path):
    """Orders with only utm_campaign (no campaign_id column) build, read the missing column as
    blank, and are attributed by their utm tags alone."""
    raw = copy_sample_as_raw_files(tmp_path / "raw")
    orders = read_raw_text(raw, "orders")
    orders.drop(columns=["campaign_id"]).to_csv(raw / "orders.csv", index=False)

    build = run_dbt(["build", "--select", "+campaign_performance"], tmp_path / "run",
                    {"raw_path": str(raw)})

    assert build.success, build.output[-3000:]
    assert build.query(
        "select count(*) from staging.stg_ecom__orders where campaign_id is not null") == [(0,)]
    counts = dict(build.query(
        "select attribution, count(*) from intermediate.int_orders_attributed group by 1"))
    assert "campaign_id" not in counts, counts
    assert counts.get("utm_campaign", 0) > 0, counts
    assert build.query("select sum(attributed_orders) from marts.campaign_performance") == [
        (counts["utm_campaign"],)]
