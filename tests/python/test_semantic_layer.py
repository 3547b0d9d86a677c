"""The semantic layer (models/semantic/, docs/semantic_layer.md): every metric and saved query,
queried through MetricFlow, equals the mart value it stands for.

Data sets, each built once (the session fixtures of conftest):
  sample          the committed sample (data/sample), plain `dbt build`   (`sample_build`)
  ecomgen_sample  the third-party ecomgen sample, commerce only           (`ecomgen_sample_build`)
The ecomgen sample has no events file (enable_events false), so its build has no clickstream
semantic models or metrics: the clickstream metrics are compared on the sample only, and on the
ecomgen sample the test checks that they are switched off with their family.

How MetricFlow is queried: its Python engine (what `mf query` runs), on the build's semantic
manifest (target/semantic_manifest.json) and the dbt-duckdb adapter of the project's profile
pointed at the build's DuckDB file. MetricFlow writes the SQL (`MetricFlowEngine.explain`, the
SQL `mf query --explain` prints) and the test runs it on the adapter's connection, reading each
value in its SQL type: MetricFlow's own result table turns decimals into floats, which would make
the money comparisons inexact (`test_the_engine_returns_the_same_values` checks that the engine's
own `query` gives the same numbers). The marts are read on the same connection: DuckDB refuses a
second connection to the file from the same process.

Comparisons: counts (integers) and money (decimals) exactly, the type included. Rates and
averages are doubles, equal within 1e-12 relative: the simple rates are one division of the same
two exact numbers on both sides (the mart's `ratio()`, MetricFlow's ratio), but the SQL text
differs (MetricFlow casts both operands to double), and the whole-funnel rate is a product of two
ratios in MetricFlow against one ratio in the mart, which differs in the last bit (1 ulp on the
sample). A few roundings stay below 1e-15 relative; a different definition moves a rate by at
least one unit in the denominator (1e-4 here), so 1e-12 separates the two.

That the comparisons can fail: `test_a_wrong_definition_gives_another_number` queries two wrong
definitions through MetricFlow (a conversion metric without its base filter, a conversion rate
over a subset of carts) and shows they differ from the mart.

Run:  .venv/bin/python -m pytest tests/python/test_semantic_layer.py -q
"""

from __future__ import annotations

import copy
import json
import math
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import pytest
from dbt.adapters.factory import get_adapter_by_type
from dbt_metricflow.cli.dbt_connectors.adapter_backed_client import AdapterBackedSqlClient
from dbt_metricflow.cli.dbt_connectors.dbt_config_accessor import dbtProjectMetadata
from metricflow.engine.metricflow_engine import MetricFlowEngine, MetricFlowQueryRequest
from metricflow_semantics.model.dbt_manifest_parser import (
    parse_manifest_from_dbt_generated_manifest,
)
from metricflow_semantics.model.semantic_manifest_lookup import SemanticManifestLookup

from conftest import PROJECT_DIR, Build, duckdb_env, release_duckdb

REL_TOL = 1e-12

# which families each data set builds (the ecomgen sample has no events)
DATASETS = {
    "sample": ("sample_build", {"commerce", "events", "marketing"}),
    "ecomgen_sample": ("ecomgen_sample_build", {"commerce", "marketing"}),
}
# families a data set builds without data (the optional marketing family without its files):
# their marts are empty, and each of their metrics must be null too
EMPTY_FAMILIES = {"ecomgen_sample": {"marketing"}}


@dataclass(frozen=True)
class Metric:
    family: str
    mart_sql: str  # one row, one column: the mart value the metric equals


def kpi(mart: str, column: str, family: str) -> Metric:
    return Metric(family, f"select {column} from marts.{mart}")


# every metric of models/semantic/_semantic__metrics.yml and the mart value it equals
METRICS = {
    "carts": kpi("cart_kpis", "carts", "commerce"),
    "converted_carts": kpi("cart_kpis", "converted_carts", "commerce"),
    "abandoned_carts": kpi("cart_kpis", "abandoned_carts", "commerce"),
    "cart_conversion_rate": kpi("cart_kpis", "conversion_rate", "commerce"),
    "cart_abandonment_rate": kpi("cart_kpis", "abandonment_rate", "commerce"),
    "abandoned_value": kpi("cart_kpis", "abandoned_value", "commerce"),
    # no KPI mart has it: the days of cart_conversion_daily add up to it
    "converted_value": Metric(
        "commerce", "select sum(converted_value) from marts.cart_conversion_daily"
    ),
    "customers_with_abandoned_carts": kpi(
        "cart_kpis", "customers_with_abandoned_carts", "commerce"
    ),
    "reengaged_customers": kpi("cart_kpis", "reengaged_customers", "commerce"),
    "reengagement_rate": kpi("cart_kpis", "reengagement_rate", "commerce"),
    "customers": kpi("customer_kpis", "customers", "commerce"),
    "buyers": kpi("customer_kpis", "buyers", "commerce"),
    "repeat_buyers": kpi("customer_kpis", "repeat_buyers", "commerce"),
    "repeat_purchase_rate": kpi("customer_kpis", "repeat_purchase_rate", "commerce"),
    "orders": kpi("customer_kpis", "orders", "commerce"),
    "revenue": kpi("customer_kpis", "revenue", "commerce"),
    "aov": kpi("customer_kpis", "aov", "commerce"),
    "sessions": kpi("funnel_kpis", "total_sessions", "events"),
    "transactions": kpi("funnel_kpis", "transactions", "events"),
    "purchase_events": kpi("funnel_kpis", "purchase_events", "events"),
    "event_revenue": kpi("funnel_kpis", "revenue", "events"),
    "event_aov": kpi("funnel_kpis", "aov", "events"),
    "viewers": kpi("funnel_kpis", "viewers", "events"),
    "cart_users": kpi("funnel_kpis", "cart_users", "events"),
    "strict_cart_users": kpi("funnel_kpis", "strict_cart_users", "events"),
    "purchasers": kpi("funnel_kpis", "purchasers", "events"),
    "view_to_cart_conversion_rate": kpi("funnel_kpis", "strict_view_to_cart_rate", "events"),
    "cart_to_purchase_conversion_rate": kpi(
        "funnel_kpis", "strict_cart_to_purchase_rate", "events"
    ),
    "view_to_purchase_conversion_rate": Metric(
        "events",
        "select share_of_first_stage from marts.funnel_stages "
        "where funnel_type = 'strict' and stage = 'purchase'",
    ),
    # no mart has the totals over every campaign: the campaigns add up to them
    "campaign_spend": Metric("marketing", "select sum(spend) from marts.campaign_performance"),
    "attributed_revenue": Metric(
        "marketing", "select sum(revenue) from marts.campaign_performance"
    ),
    "campaign_clicks": Metric("marketing", "select sum(clicks) from marts.campaign_performance"),
    "campaign_roas": Metric(
        "marketing",
        "select cast(sum(revenue) as double) / cast(sum(spend) as double) "
        "from marts.campaign_performance",
    ),
    "campaign_roi": Metric(
        "marketing",
        "select cast(sum(revenue) - sum(spend) as double) / cast(sum(spend) as double) "
        "from marts.campaign_performance",
    ),
    "cost_per_click": Metric(
        "marketing",
        "select cast(sum(spend) as double) / cast(sum(clicks) as double) "
        "from marts.campaign_performance",
    ),
}

# saved queries of one row: each column is a metric of METRICS
ONE_ROW_SAVED_QUERIES = {
    "cart_headline": "commerce",
    "customer_value": "commerce",
    "funnel_conversion": "events",
}
# saved queries by a dimension, compared with a mart row by row (their own tests)
GROUPED_SAVED_QUERIES = {
    "cart_conversion_by_month": "commerce",
    "cart_conversion_by_loyalty_tier": "commerce",
}


# --- MetricFlow on a build ---------------------------------------------------------------


@contextmanager
def environment(variables: dict[str, str]) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in variables}
    os.environ.update(variables)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


class SemanticLayer:
    """MetricFlow's engine on one build: its semantic manifest, and the project's dbt-duckdb
    adapter on its DuckDB file (the profile reads the file from DUCKDB_BUILD_PATH)."""

    def __init__(self, name: str, build: Build, families: set[str]):
        self.name = name
        self.families = families
        # `dbt debug` and the profile, as `mf` loads them, with the build's file (and dbt's
        # log in the build's folder)
        workdir = build.db_path.parent
        with environment({**duckdb_env(workdir), "DBT_LOG_PATH": str(workdir / "logs")}):
            metadata = dbtProjectMetadata.load_from_paths(
                profiles_path=PROJECT_DIR, project_path=PROJECT_DIR
            )
        self.adapter = get_adapter_by_type(metadata.profile.credentials.type)
        self.manifest = json.loads((build.target_path / "semantic_manifest.json").read_text())
        self.engine = self.engine_for(self.manifest)

    def engine_for(self, manifest: dict) -> MetricFlowEngine:
        """An engine on `manifest` (a semantic manifest as dbt writes it)."""
        parsed = parse_manifest_from_dbt_generated_manifest(
            manifest_json_string=json.dumps(manifest)
        )
        return MetricFlowEngine(
            semantic_manifest_lookup=SemanticManifestLookup(parsed),
            sql_client=AdapterBackedSqlClient(self.adapter),
        )

    def query(self, engine=None, **request) -> list[dict]:
        """MetricFlow's SQL for the request (`metric_names`, `group_by_names`,
        `saved_query_name`, `where_constraints`, ...), run on the build."""
        explained = (engine or self.engine).explain(MetricFlowQueryRequest.create(**request))
        return self.sql(explained.sql_statement.sql)

    def sql(self, statement: str) -> list[dict]:
        """Rows of a statement run on the build, values in their SQL types."""
        with self.adapter.connection_named("test_semantic_layer"):
            handle = self.adapter.connections.get_thread_connection().handle
            cursor = handle.cursor()
            cursor.execute(statement)
            names = [column[0] for column in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def value(self, statement: str):
        rows = self.sql(statement)
        assert len(rows) == 1 and len(rows[0]) == 1, f"not one value: {statement}"
        return next(iter(rows[0].values()))

    def metric(self, name: str, engine=None, **request):
        rows = self.query(engine, metric_names=[name], **request)
        assert len(rows) == 1, f"{name}: {len(rows)} rows"
        return rows[0][name]

    def names(self, kind: str) -> set[str]:
        return {item["name"] for item in self.manifest[kind]}


@pytest.fixture(scope="module")
def layer(request) -> Iterator[SemanticLayer]:
    """MetricFlow on the build of one data set (parametrised indirectly, module scope: one
    data set at a time, as DuckDB keeps one configuration per file and process)."""
    fixture, families = DATASETS[request.param]
    build = request.getfixturevalue(fixture)
    release_duckdb()
    semantic_layer = SemanticLayer(request.param, build, families)
    try:
        yield semantic_layer
    finally:
        release_duckdb()


def by_dataset():
    return pytest.mark.parametrize("layer", list(DATASETS), indirect=True, scope="module")


# --- comparing -----------------------------------------------------------------------------


def assert_equal(got, expected, what: str) -> None:
    """Counts and money exactly (same Python type: an integer stays an integer, a decimal a
    decimal); doubles within REL_TOL relative; null only against null."""
    if expected is None or got is None:
        assert got is None and expected is None, f"{what}: {got!r} (metric) != {expected!r} (mart)"
    elif isinstance(expected, float):
        assert isinstance(got, float), f"{what}: {got!r} is not a double"
        assert math.isclose(got, expected, rel_tol=REL_TOL, abs_tol=0.0), (
            f"{what}: {got!r} (metric) != {expected!r} (mart)"
        )
    else:
        assert isinstance(expected, int | Decimal), f"{what}: unexpected type {expected!r}"
        assert type(got) is type(expected) and got == expected, (
            f"{what}: {got!r} (metric) != {expected!r} (mart)"
        )


def as_date(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


# --- the definitions are complete -----------------------------------------------------------


@by_dataset()
def test_every_metric_and_saved_query_is_compared(layer):
    """A metric or saved query added to models/semantic/ must get its mart here; on a data set
    without a family, that family's metrics and saved queries are switched off."""
    expected_metrics = {n for n, m in METRICS.items() if m.family in layer.families}
    assert layer.names("metrics") == expected_metrics
    saved = {**ONE_ROW_SAVED_QUERIES, **GROUPED_SAVED_QUERIES}
    assert layer.names("saved_queries") == {n for n, f in saved.items() if f in layer.families}
    models = layer.names("semantic_models")
    assert ("funnel_events" in models) == ("events" in layer.families)
    assert ("carts" in models) == ("commerce" in layer.families)
    assert ("campaign_days" in models) == ("marketing" in layer.families)


# --- each metric equals its mart --------------------------------------------------------------


@by_dataset()
@pytest.mark.parametrize("metric", list(METRICS))
def test_metric_equals_the_mart(layer, metric):
    if METRICS[metric].family not in layer.families:
        assert metric not in layer.names("metrics"), "on although its family is off"
        return
    got = layer.metric(metric)
    expected = layer.value(METRICS[metric].mart_sql)
    if METRICS[metric].family in EMPTY_FAMILIES.get(layer.name, set()):
        assert expected is None and got is None, f"{metric}: {got!r} without the family's data"
        return
    assert expected is not None, f"{metric}: the mart value is null, nothing is compared"
    assert_equal(got, expected, f"{layer.name} {metric}")


@by_dataset()
@pytest.mark.parametrize("saved_query", list(ONE_ROW_SAVED_QUERIES))
def test_one_row_saved_query_equals_the_marts(layer, saved_query):
    if ONE_ROW_SAVED_QUERIES[saved_query] not in layer.families:
        assert saved_query not in layer.names("saved_queries"), "on although its family is off"
        return
    rows = layer.query(saved_query_name=saved_query)
    assert len(rows) == 1
    assert set(rows[0]) <= set(METRICS), "a saved query column that is not a metric"
    for metric, got in rows[0].items():
        assert_equal(got, layer.value(METRICS[metric].mart_sql), f"{saved_query}.{metric}")


# --- grouped: by month, by segment ----------------------------------------------------------


@by_dataset()
def test_cart_conversion_by_month_equals_cart_conversion_monthly(layer):
    rows = layer.query(saved_query_name="cart_conversion_by_month")
    got = {as_date(row.pop("metric_time__month")): row for row in rows}
    mart = {
        row.pop("period"): row
        for row in layer.sql(
            "select period, carts, converted_carts, abandoned_carts, conversion_rate as "
            "cart_conversion_rate, abandonment_rate as cart_abandonment_rate, "
            "converted_value, abandoned_value from marts.cart_conversion_monthly"
        )
    }
    assert len(mart) >= 2, "too few months to compare a grouping"
    assert sorted(got) == sorted(mart)
    for month, expected in mart.items():
        assert set(got[month]) == set(expected)
        for column, value in expected.items():
            assert_equal(got[month][column], value, f"{layer.name} {month} {column}")


@by_dataset()
def test_one_metric_by_month_equals_cart_conversion_monthly(layer):
    """The `mf query --metrics cart_conversion_rate --group-by metric_time__month` of the docs."""
    rows = layer.query(
        metric_names=["cart_conversion_rate"], group_by_names=["metric_time__month"]
    )
    got = {as_date(r["metric_time__month"]): r["cart_conversion_rate"] for r in rows}
    mart = {
        r["period"]: r["conversion_rate"]
        for r in layer.sql("select period, conversion_rate from marts.cart_conversion_monthly")
    }
    assert sorted(got) == sorted(mart)
    for month, value in mart.items():
        assert_equal(got[month], value, f"{layer.name} {month}")


@by_dataset()
def test_cart_conversion_by_loyalty_tier_equals_cart_segment_conversion(layer):
    """Carts joined to their customer (entity customer -> dim_customers) give the segments of
    cart_segment_conversion."""
    rows = layer.query(saved_query_name="cart_conversion_by_loyalty_tier")
    got = {row.pop("customer__loyalty_tier"): row for row in rows}
    mart = {
        row.pop("segment_value"): row
        for row in layer.sql(
            "select segment_value, carts, converted_carts, abandoned_carts, conversion_rate as "
            "cart_conversion_rate, abandonment_rate as cart_abandonment_rate, abandoned_value "
            "from marts.cart_segment_conversion where segment_type = 'loyalty_tier'"
        )
    }
    assert len(mart) >= 2
    assert sorted(got) == sorted(mart)
    for tier, expected in mart.items():
        for column, value in expected.items():
            assert_equal(got[tier][column], value, f"{layer.name} {tier} {column}")


# --- the comparisons can fail ----------------------------------------------------------------


def without_base_filter(manifest: dict, metric: str) -> dict:
    """The semantic manifest with the conversion metric's base measure unfiltered."""
    changed = copy.deepcopy(manifest)
    (definition,) = [m for m in changed["metrics"] if m["name"] == metric]
    params = definition["type_params"]
    base = params["conversion_type_params"]["base_measure"]["name"]
    params["conversion_type_params"]["base_measure"]["filter"] = None
    for measure in params.get("input_measures") or []:
        if measure["name"] == base:
            measure["filter"] = None
    return changed


@pytest.mark.parametrize("layer", ["sample"], indirect=True, scope="module")
def test_a_wrong_definition_gives_another_number(layer):
    # Without its filter, every event is a base event, and a cart event is its own
    # "earlier view": the conversion becomes the open rate cart users / viewers.
    wrong = layer.engine_for(without_base_filter(layer.manifest, "view_to_cart_conversion_rate"))
    wrong_rate = layer.metric("view_to_cart_conversion_rate", engine=wrong)
    strict = layer.value("select strict_view_to_cart_rate from marts.funnel_kpis")
    open_rate = layer.value("select view_to_cart_user_rate from marts.funnel_kpis")
    assert not math.isclose(wrong_rate, strict, rel_tol=REL_TOL)
    assert math.isclose(wrong_rate, open_rate, rel_tol=REL_TOL)
    with pytest.raises(AssertionError):
        assert_equal(wrong_rate, strict, "unfiltered conversion")

    # Leaving emptied carts out of the denominator changes the conversion rate.
    subset = layer.metric(
        "cart_conversion_rate",
        where_constraints=["{{ Dimension('cart__cart_outcome') }} != 'emptied'"],
    )
    with pytest.raises(AssertionError):
        assert_equal(subset, layer.value(METRICS["cart_conversion_rate"].mart_sql), "subset")


# --- the public engine path, and the time spine ----------------------------------------------


@pytest.mark.parametrize("layer", ["sample"], indirect=True, scope="module")
def test_the_engine_returns_the_same_values(layer):
    """MetricFlowEngine.query (what `mf query` prints) gives the numbers of its SQL run here;
    only the types differ (its result table holds decimals as floats)."""
    for saved_query in ONE_ROW_SAVED_QUERIES:
        table = layer.engine.query(
            MetricFlowQueryRequest.create(saved_query_name=saved_query)
        ).result_df
        assert table is not None and table.row_count == 1
        engine_row = dict(zip(table.column_names, table.rows[0], strict=True))
        (sql_row,) = layer.query(saved_query_name=saved_query)
        assert engine_row.keys() == sql_row.keys()
        for column, value in sql_row.items():
            assert float(engine_row[column]) == float(value), f"{saved_query}.{column}"


@by_dataset()
def test_the_time_spine_is_every_day_of_its_fixed_range(layer):
    (row,) = layer.sql(
        "select min(date_day) as first_day, max(date_day) as last_day, count(*) as days, "
        "count(distinct date_day) as distinct_days from intermediate.metricflow_time_spine"
    )
    assert row["first_day"] == date(2000, 1, 1)
    assert row["last_day"] == date(2050, 12, 31)
    assert row["days"] == row["distinct_days"] == (date(2050, 12, 31) - date(2000, 1, 1)).days + 1
    spines = layer.manifest["project_configuration"]["time_spines"]
    assert [s["node_relation"]["alias"] for s in spines] == ["metricflow_time_spine"]
