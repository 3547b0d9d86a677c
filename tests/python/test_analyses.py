"""The analyses in analyses/ compile and run on the built sample, and return rows."""

from __future__ import annotations

import pytest

from conftest import PROJECT_DIR, run_dbt

ANALYSES = sorted(p.stem for p in (PROJECT_DIR / "analyses").glob("*.sql"))


@pytest.fixture(scope="module")
def compiled(sample_build):
    result = run_dbt(["compile", "--select", "resource_type:analysis"], sample_build.db_path.parent)
    assert result.success
    return sample_build, result.target_path / "compiled" / "ecommerce_behavior" / "analyses"


@pytest.mark.parametrize("analysis", ANALYSES)
def test_analysis_runs_and_returns_rows(compiled, analysis):
    build, folder = compiled
    sql = (folder / f"{analysis}.sql").read_text()
    rows = build.query(sql)
    assert rows, f"{analysis} returned no rows on the sample"
