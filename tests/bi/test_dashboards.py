"""The Superset dashboards (bi/superset/bundle) against the published marts.

1. Every chart: Superset's chart-data API returns the same rows and values as the same
   question asked of the publication directly, with DuckDB, read-only. The marketing
   dashboard's numbers are also recomputed in Python from the marts' rows (ratios of sums).
2. Every dashboard renders in headless Chromium with every chart drawn, no error and no
   "no results"; one PNG per dashboard is written to warehouse/bi_screenshots (git-ignored:
   a test run leaves the tree clean), or to BI_SCREENSHOT_DIR: `make bi-test README_IMAGES=1`
   sets it to docs/images, the README's pictures.
3. A new publication (the file replaced by rename, as scripts/publish.py does) shows on the
   next query, without a restart.
"""

from __future__ import annotations

import datetime as dt
import decimal
import io
import json
import math
import os
import shutil
import time
from pathlib import Path

import duckdb
import pytest
import yaml

from conftest import ROOT, Instance

BUNDLE = ROOT / "bi" / "superset" / "bundle"
IMAGES = Path(os.environ.get("BI_SCREENSHOT_DIR") or ROOT / "warehouse" / "bi_screenshots")
CHARTS = sorted(BUNDLE.glob("charts/*.yaml"))
DASHBOARDS = sorted(BUNDLE.glob("dashboards/*.yaml"))
DATASETS = {
    d["uuid"]: d["table_name"]
    for d in (yaml.safe_load(p.read_text()) for p in BUNDLE.glob("datasets/*/*.yaml"))
}
AGGREGATES = {"SUM", "MAX", "MIN", "COUNT", "AVG", "COUNT_DISTINCT"}
# a chart's time grain as Superset's DuckDB engine spec writes it: DATE_TRUNC('<unit>', col)
TIME_GRAINS = {"P1D": "day", "P1W": "week", "P1M": "month", "P3M": "quarter", "P1Y": "year"}
MAX_PNG_BYTES = 400_000
PAGE_HEIGHT = """return Math.ceil(Math.max(document.body.scrollHeight,
    document.documentElement.scrollHeight,
    ...Array.from(document.querySelectorAll('[data-test="dashboard-component-chart-holder"]'))
        .map(e => e.getBoundingClientRect().bottom + window.scrollY)));"""


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text())


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def literal(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


def expected_sql(table: str, query: dict) -> tuple[str, list[str]]:
    """The chart's saved query, asked of the mart directly (no Superset involved)."""
    select, labels, group = [], [], []
    for col in query.get("columns") or []:
        name = col if isinstance(col, str) else col["sqlExpression"]
        label = col if isinstance(col, str) else col["label"]
        expr = quote(name) if name.isidentifier() else name  # a column, or an SQL expression
        if not isinstance(col, str) and col.get("timeGrain"):  # a time axis, per day, week...
            expr = f"date_trunc('{TIME_GRAINS[col['timeGrain']]}', {expr})"
        select.append(f"{expr} as {quote(label)}")
        labels.append(label)
        group.append(expr)
    metrics = query.get("metrics")
    for m in metrics or []:
        if m["expressionType"] == "SQL":
            expr = m["sqlExpression"]
        else:
            agg = m["aggregate"]
            assert agg in AGGREGATES, agg
            expr = f"{agg}({quote(m['column']['column_name'])})"
        select.append(f"{expr} as {quote(m['label'])}")
        labels.append(m["label"])
    where = []
    for f in query.get("filters") or []:
        col, op = quote(f["col"]), f["op"]
        if op in ("IS TRUE", "IS FALSE", "IS NULL", "IS NOT NULL"):
            where.append(f"{col} {op}")
        elif op in ("IN", "NOT IN"):
            where.append(f"{col} {op} ({', '.join(literal(v) for v in f['val'])})")
        else:
            where.append(f"{col} {'=' if op == '==' else op} {literal(f['val'])}")
    order = []
    for key, asc in query.get("orderby") or []:
        name = key if isinstance(key, str) else key["label"]
        order.append(f"{quote(name)} {'asc' if asc else 'desc'} nulls last")
    sql = f"select {', '.join(select)} from marts.{quote(table)}"
    if where:
        sql += " where " + " and ".join(where)
    if metrics is not None and group:
        sql += " group by " + ", ".join(group)
    if order:
        sql += " order by " + ", ".join(order)
    sql += f" limit {int(query.get('row_limit') or 10000)}"
    return sql, labels


def norm(value):
    """A value as Superset's JSON shows it: times in epoch milliseconds, numbers as floats."""
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=dt.UTC).timestamp() * 1000
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC).timestamp() * 1000
    if isinstance(value, decimal.Decimal | int) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def same(a, b) -> bool:
    a, b = norm(a), norm(b)
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    return a == b


def sort_key(row: tuple) -> tuple:
    return tuple((v is None, str(norm(v))) for v in row)


def chart_ids(superset: Instance) -> dict[str, int]:
    result = superset.get("/api/v1/chart/", q="(page_size:1000,columns:!(id,slice_name))").json()
    return {c["slice_name"]: c["id"] for c in result["result"]}


def check_chart(superset: Instance, ids: dict[str, int], path: Path) -> int:
    """Compare one chart's data from Superset, as the viewer sees it, with the mart; return
    the number of rows."""
    chart = load(path)
    query = json.loads(chart["query_context"])["queries"][0]
    table = DATASETS[chart["dataset_uuid"]]
    response = superset.get(f"/api/v1/chart/{ids[chart['slice_name']]}/data/", as_viewer=True)
    assert response.status_code == 200, f"{path.name}: {response.text[:500]}"
    result = response.json()["result"][0]
    assert not result.get("error"), result["error"]
    got_rows = result["data"]
    assert got_rows, f"{path.name}: Superset returned no rows"

    sql, labels = expected_sql(table, query)
    with duckdb.connect(str(superset.warehouse), read_only=True) as con:
        want = con.sql(sql).fetchall()
    got = [tuple(row.get(label) for label in labels) for row in got_rows]
    assert len(got) == len(want), (
        f"{path.name}: {len(got)} rows from Superset, {len(want)} in the mart"
    )
    for g, w in zip(sorted(got, key=sort_key), sorted(want, key=sort_key), strict=True):
        assert all(same(a, b) for a, b in zip(g, w, strict=True)), (
            f"{path.name} ({table}): Superset {g} != mart {w}"
        )
    return len(got)


@pytest.fixture(scope="module")
def ids(superset: Instance) -> dict[str, int]:
    return chart_ids(superset)


def test_bundle_is_complete(superset: Instance, ids: dict[str, int]):
    """Five dashboards; every chart of the bundle is imported and placed on a dashboard."""
    titles = {load(p)["slice_name"] for p in CHARTS}
    assert titles <= set(ids), titles - set(ids)
    on_dashboards = set()
    for path in DASHBOARDS:
        position = load(path)["position"]
        on_dashboards |= {v["meta"]["uuid"] for v in position.values()
                          if isinstance(v, dict) and v.get("type") == "CHART"}
    assert on_dashboards == {load(p)["uuid"] for p in CHARTS}
    dashboards = superset.get("/api/v1/dashboard/", q="(columns:!(slug))").json()["result"]
    assert sorted(d["slug"] for d in dashboards) == sorted(load(p)["slug"] for p in DASHBOARDS)
    assert len(DASHBOARDS) == 5
    text = "".join(p.read_text() for p in BUNDLE.rglob("*.yaml"))
    assert "duckdb:///__DUCKDB_PATH__?access_mode=read_only" in text


def test_warehouse_is_read_only_in_superset(superset: Instance):
    (database,) = superset.get("/api/v1/database/", q="(columns:!(id))").json()["result"]
    connection = superset.get(f"/api/v1/database/{database['id']}/connection").json()["result"]
    assert connection["sqlalchemy_uri"].endswith("?access_mode=read_only")
    assert not connection["allow_dml"]


@pytest.mark.parametrize("path", CHARTS, ids=[p.stem for p in CHARTS])
def test_chart_data_equals_marts(superset: Instance, ids: dict[str, int], path: Path):
    check_chart(superset, ids, path)


def chart_data(superset: Instance, ids: dict[str, int], stem: str) -> list[dict]:
    """A chart's rows from the chart-data API, as the viewer gets them."""
    chart = load(BUNDLE / "charts" / f"{stem}.yaml")
    response = superset.get(f"/api/v1/chart/{ids[chart['slice_name']]}/data/", as_viewer=True)
    assert response.status_code == 200, f"{stem}: {response.text[:500]}"
    result = response.json()["result"][0]
    assert not result.get("error"), result["error"]
    return result["data"]


def test_marketing_charts_follow_the_definitions(superset: Instance, ids: dict[str, int]):
    """The marketing dashboard's numbers against their definitions, computed here in Python
    from the marts' rows rather than by the charts' own SQL (which test_chart_data_equals_marts
    runs on the marts): the ratios over all campaigns and per week are ratios of sums
    (ROAS = sum(revenue) / sum(spend), cost per click = sum(spend) / sum(clicks); never a
    mean of the rows' ratios), one bar per campaign with the mart's roi and roas, the
    channels add up to the campaigns, and the month's revenue is split by discount."""
    with duckdb.connect(str(superset.warehouse), read_only=True) as con:
        campaigns = con.sql("select campaign_id, campaign_name, spend, revenue, roi, roas "
                            "from marts.campaign_performance").fetchall()
        channels = con.sql("select channel, spend, revenue from marts.channel_performance"
                           ).fetchall()
        daily = con.sql("select activity_date, spend, clicks from marts.campaign_daily"
                        ).fetchall()
        discount = con.sql("select order_month, discounted, revenue "
                           "from marts.discount_sales_monthly").fetchall()
    assert campaigns and daily and discount, "the marketing marts are empty (no campaigns?)"

    spend = sum(row[2] for row in campaigns)
    revenue = sum(row[3] for row in campaigns)
    assert spend > 0
    headline = {stem: chart_data(superset, ids, stem)
                for stem in ("marketing_spend", "marketing_revenue", "marketing_roas",
                             "marketing_roi")}
    for stem, label, want in [
        ("marketing_spend", "spend", spend),
        ("marketing_revenue", "revenue", revenue),
        ("marketing_roas", "roas", float(revenue) / float(spend)),
        ("marketing_roi", "roi", float(revenue - spend) / float(spend)),
    ]:
        (row,) = headline[stem]
        assert same(row[label], want), f"{stem}: Superset {row[label]}, definition {want}"
    assert same(sum(row[1] for row in channels), spend)
    assert same(sum(row[2] for row in channels), revenue)
    by_channel = {row["channel"]: row
                  for row in chart_data(superset, ids, "marketing_channel_spend_revenue")}
    assert set(by_channel) == {row[0] for row in channels}
    for channel, channel_spend, channel_revenue in channels:
        assert same(by_channel[channel]["spend"], channel_spend), channel
        assert same(by_channel[channel]["revenue"], channel_revenue), channel

    # one bar per campaign, its id and name on the axis, the mart's own roi and roas;
    # the bars sorted by ROI (Superset sorts them in the browser: the chart's setting)
    bars = {row["campaign"]: row for row in chart_data(superset, ids,
                                                       "marketing_campaign_roi_roas")}
    assert len(bars) == len(campaigns)
    for campaign_id, name, *_, roi, roas in campaigns:
        bar = bars[" ".join(v for v in (campaign_id, name) if v is not None)]
        assert same(bar["roi"], roi) and same(bar["roas"], roas), (campaign_id, bar)
    params = load(BUNDLE / "charts" / "marketing_campaign_roi_roas.yaml")["params"]
    assert (params["x_axis_sort"], params["orientation"]) == ("roi", "horizontal")

    # cost per click per week (weeks start on Monday, as DuckDB's date_trunc('week'))
    weeks: dict[dt.date, list] = {}
    for day, day_spend, clicks in daily:
        week = weeks.setdefault(day - dt.timedelta(days=day.weekday()), [0, 0])
        week[0] += day_spend
        week[1] += clicks
    want = {norm(monday): float(s) / c if c else None for monday, (s, c) in weeks.items()}
    got = {norm(row["activity_date"]): row["cost_per_click"]
           for row in chart_data(superset, ids, "marketing_cost_per_click")}
    assert set(got) == set(want), "marketing_cost_per_click: other weeks than campaign_daily's"
    wrong = {k: (got[k], want[k]) for k in want if not same(got[k], want[k])}
    assert not wrong, f"marketing_cost_per_click: (Superset, sum(spend)/sum(clicks)) {wrong}"

    # revenue by month, with and without a discount: the mart's two rows of each month
    months: dict[float, dict] = {}
    for month, discounted, month_revenue in discount:
        label = "with a discount" if discounted else "without a discount"
        months.setdefault(norm(month), {})[label] = month_revenue
    got = {norm(row["order_month"]): row
           for row in chart_data(superset, ids, "marketing_discount_sales")}
    assert set(got) == set(months)
    for month, kinds in months.items():
        for label, value in kinds.items():
            assert same(got[month][label], value), (month, label, got[month][label], value)


def wait_for_dashboard(driver, expected_charts: int, timeout: float = 120) -> None:
    from selenium.webdriver.common.by import By

    deadline = time.monotonic() + timeout
    stable = 0
    while time.monotonic() < deadline:
        loading = driver.find_elements(By.CSS_SELECTOR, '[data-test="loading-indicator"], .loading')
        drawn = driver.find_elements(By.CSS_SELECTOR, "[data-test-viz-type]")
        stable = stable + 1 if not loading and len(drawn) >= expected_charts else 0
        if stable >= 3:
            return
        time.sleep(0.5)
    raise AssertionError(
        f"dashboard not rendered in {timeout}s ({len(drawn)} of {expected_charts} charts)"
    )


@pytest.mark.parametrize("path", DASHBOARDS, ids=[p.stem for p in DASHBOARDS])
def test_dashboard_renders(superset: Instance, browser, path: Path):
    from PIL import Image
    from selenium.webdriver.common.by import By

    dashboard = load(path)
    charts = [v for v in dashboard["position"].values()
              if isinstance(v, dict) and v.get("type") == "CHART"]
    browser.set_window_size(1600, 1000)
    browser.get(f"{superset.url}/superset/dashboard/{dashboard['slug']}/?standalone=2")
    wait_for_dashboard(browser, len(charts))
    # a window as tall as the page: every chart is in view, drawn, and in the screenshot
    for _ in range(3):
        height = browser.execute_script(PAGE_HEIGHT)
        browser.set_window_size(1600, height + 60)
        wait_for_dashboard(browser, len(charts))
    time.sleep(1.5)  # chart animations

    errors = browser.find_elements(
        By.CSS_SELECTOR,
        '[data-test="error-message"], [role="alert"], .ant-alert-error, .alert-danger',
    )
    assert not [e.text for e in errors if e.is_displayed()], [e.text for e in errors]
    page = browser.find_element(By.TAG_NAME, "body").text
    for message in ("No results were returned", "No data", "Unexpected error", "Error:"):
        assert message not in page, f"{dashboard['slug']}: '{message}' on the dashboard"
    drawn = browser.find_elements(By.CSS_SELECTOR, "[data-test-viz-type]")
    assert len(drawn) == len(charts)
    for element in drawn:
        # every chart draws something: a canvas or SVG (echarts), a table, or a big number
        has_content = element.find_elements(
            By.CSS_SELECTOR, "canvas, svg, table tbody tr, .header-line, [class*=big]")
        assert has_content, f"{element.get_attribute('data-test-viz-type')}: nothing drawn"

    png = Image.open(io.BytesIO(browser.get_screenshot_as_png())).convert("RGB")
    scale = 1000 / png.width
    png = png.resize((1000, round(png.height * scale)), Image.LANCZOS)
    png = png.quantize(colors=128, method=Image.Quantize.MEDIANCUT)
    IMAGES.mkdir(parents=True, exist_ok=True)
    out = IMAGES / f"dashboard_{dashboard['slug']}.png"
    png.save(out, optimize=True)
    assert out.stat().st_size < MAX_PNG_BYTES, f"{out}: {out.stat().st_size} bytes"


def test_new_publication_shows_without_restart(superset: Instance, ids: dict[str, int],
                                               tmp_path: Path):
    """Swap in a publication with other numbers by rename, as scripts/publish.py does."""
    new = tmp_path / "ecommerce_behavior.duckdb"
    shutil.copyfile(superset.warehouse, new)
    with duckdb.connect(str(new)) as con:
        before = con.sql("select savable_customers, carts from marts.cart_kpis").fetchone()
        con.execute("update marts.cart_kpis set savable_customers = savable_customers + 1000")
        con.execute("update marts.funnel_stages set users = users + 7")
        con.execute("checkpoint")
    os.replace(new, superset.warehouse)

    savable = next(p for p in CHARTS if p.stem == "carts_savable_customers")
    chart = load(savable)
    data = superset.get(f"/api/v1/chart/{ids[chart['slice_name']]}/data/").json()
    assert data["result"][0]["data"][0]["savable_customers"] == before[0] + 1000
    for path in CHARTS:  # and every chart still equals the (new) marts
        check_chart(superset, ids, path)
