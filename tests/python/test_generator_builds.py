"""The project builds on generator output at every messiness level, and the
audit sees the quirks each level puts in (none: clean; heavy: dirty)."""

from __future__ import annotations

import pytest

from conftest import ALL_TABLES, generate_raw, run_dbt


@pytest.mark.parametrize("messiness", ["none", "light", "heavy"])
def test_build_on_generator_output(messiness, tmp_path):
    raw = generate_raw(tmp_path / "raw", customers=300, events=15000, seed=5,
                       messiness=messiness)
    build = run_dbt(["build"], tmp_path / "build", {"raw_path": str(raw)})
    assert build.success
    removed = dict(
        build.query(
            "select source_table, sum(rows_removed) from marts.data_quality_audit group by 1"
        )
    )
    assert sorted(removed) == sorted(ALL_TABLES)
    if messiness == "none":
        assert sum(removed.values()) == 0, removed
    else:
        assert removed["events"] > 0 and removed["cart_items"] > 0, removed
    [(carts, converted, matched)] = build.query(
        "select carts, converted_carts, matched_carts from marts.cart_kpis"
    )
    assert carts > 0 and converted > 0
    # the generator makes one order per converted cart: all are found
    assert matched == converted
