"""A one-build override of the rule vars works (issue 28): `make build VARS='{...}'` with
another value of every business-rule var builds, tests and publishes.

`make build` runs `dbt build`, unit tests included, and publishes nothing when one fails.
Each unit test pins the vars its expected rows depend on (`overrides: vars`, DECISIONLOG
X1); this module is the proof: ONE publication of the committed sample with every rule var
of dbt_project.yml at another valid value, and the raw-reading vars the staging unit tests
depend on (raw_timezone, raw_decimal_separator, raw_null_tokens) too.
"""

from __future__ import annotations

import json

import duckdb
import yaml
from dbt_invocation import PROJECT_DIR, published_relations

from publishing import EXPORTS, PUBLICATION, run_publish

# Another valid value of every rule var (none is its default): longer windows, other
# thresholds and bins, looser plausibility and gate bounds (the sample still passes the
# gate), as_of half a day after the sample's last timestamp.
RULE_OVERRIDES = {
    "as_of": "2024-12-31 12:00:00",
    "beyond_data_gap_days": 45,
    "beyond_data_max_share": 0.02,
    "freshness_warn_after_days": 10,
    "max_plausible_quantity": 20000,
    "max_plausible_unit_price": 2000000,
    "max_plausible_order_total": 20000000,
    "max_quarantine_share": 0.2,
    "max_quarantine_share_overrides": {"cart_items": 0.3},
    "near_duplicate_event_seconds": 2,
    "max_near_duplicate_share": 0.1,
    "history_max_relative_change": 0.02,
    "history_min_absolute_change": 3,
    "commerce_history_lookback_days": 10,
    "abandonment_timeout_hours": 48,
    "cart_order_match_window_hours": 96,
    "reengagement_window_days": 14,
    "savable_window_days": 10,
    "savable_min_abandoned_value": 75,
    "session_timeout_minutes": 45,
    "events_lookback_days": 5,
    "high_value_user_share": 0.2,
    "zero_purchase_min_views": 150,
    "zero_purchase_window_days": 21,
    "rfm_bins": 4,
    "active_within_days": 21,
    "inactive_after_days": 90,
    "top_revenue_share": 0.6,
    "order_value_low_max": 40,
    "order_value_high_min": 250,
    "age_band_edges": [20, 30, 40, 50, 60],
    "purchase_interval_short_max_days": 21,
    "purchase_interval_long_min_days": 90,
}
# The raw-reading vars that the staging unit tests depend on, at other values that the
# committed sample still reads: commerce times (written without a zone) in Berlin time, a
# decimal point for every table, `\N` no longer a missing value and `-` one.
RAW_OVERRIDES = {
    "raw_timezone": "Europe/Berlin",
    "raw_decimal_separator": ".",
    "raw_null_tokens": ["NULL", "N/A", "None", "NaN", "-"],
}
OVERRIDES = {**RULE_OVERRIDES, **RAW_OVERRIDES}


def is_rule_var(name: str) -> bool:
    """A business-rule var: not one that says where or how the raw data is read, nor a switch."""
    return not (name.startswith(("raw_", "enable_")) or "_source_" in name)


def test_the_overrides_change_every_rule_var():
    """RULE_OVERRIDES names every rule var of dbt_project.yml (a new one must be added here),
    none at its default; RAW_OVERRIDES changes the raw-reading vars it names."""
    defaults = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text())["vars"]
    assert set(RULE_OVERRIDES) == {name for name in defaults if is_rule_var(name)}
    assert set(RAW_OVERRIDES) <= set(defaults)
    assert [name for name, value in OVERRIDES.items() if value == defaults[name]] == []


def test_a_build_with_every_rule_var_changed_publishes(tmp_path):
    """scripts/publish.py (what `make build VARS=...` runs) with OVERRIDES: every unit test
    passes and the marts are published, built with those values."""
    code, out, err = run_publish(tmp_path, "--vars", json.dumps(OVERRIDES), unit_tests=True)
    assert code == 0, out[-3000:] + err[-3000:]
    assert f"publish: published {len(published_relations())} marts" in out, out[-2000:]

    run_results = json.loads((tmp_path / "target" / "run_results.json").read_text())
    unit_tests = [r for r in run_results["results"] if r["unique_id"].startswith("unit_test.")]
    assert unit_tests and {r["status"] for r in unit_tests} == {"pass"}

    manifest = json.loads((tmp_path / EXPORTS / "manifest.json").read_text())
    assert manifest["vars"] == OVERRIDES
    assert manifest["as_of"] == "2024-12-31T12:00:00"  # cart_kpis.as_of, the var
    with duckdb.connect(str(tmp_path / PUBLICATION), read_only=True) as con:
        bands = {band for (band,) in con.execute(
            "select band_value from marts.customer_value_bands where band_type = 'age_band'"
        ).fetchall()}
    # the bands of age_band_edges [20, 30, 40, 50, 60], not the default [25, ..., 65]
    assert bands <= {"<20", "20-29", "30-39", "40-49", "50-59", "60+", "unknown"}
    assert "60+" in bands
