"""data_quality_audit is driven by seeds/reference/dq_checks.csv: a check added to the
seed shows up in the audit, and a flag whose column does not exist stops the build
with a message that names the check, the column and the model."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import copy_project, run_dbt

SEED = Path("seeds") / "reference" / "dq_checks.csv"
COMMERCE_ONLY = {"enable_events": False}


def project_copy(destination: Path, extra_seed_rows: list[str]) -> Path:
    """The project copied to `destination`, with rows appended to dq_checks.csv."""
    copy_project(destination)
    with (destination / SEED).open("a", encoding="utf-8") as handle:
        handle.writelines(row + "\n" for row in extra_seed_rows)
    return destination


def build_audit(project: Path, workdir: Path):
    """data_quality_audit and what it reads (commerce only, no unit tests), built from
    the project copy `project`."""
    return run_dbt(
        ["build", "--select", "+data_quality_audit", "--indirect-selection", "cautious",
         "--exclude-resource-type", "unit_test"],
        workdir,
        COMMERCE_ONLY,
        project_dir=project,
    )


@pytest.fixture(scope="module")
def audit_with_new_checks(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("dq_new_checks")
    project = project_copy(
        workdir / "project",
        [
            "shopping_carts,9,made_up_check,quarantine,,A check no model makes yet.,status",
            "cart_items,102,added_without_time,flag,is_added_at_missing,"
            "The same column counted twice.,added_at",
        ],
    )
    build = build_audit(project, workdir / "run")
    assert build.success
    return build


def test_a_quarantine_check_added_to_the_seed_shows_up_with_zero_rows(audit_with_new_checks):
    rows = audit_with_new_checks.query(
        "select step_type, rows_removed, reason from marts.data_quality_audit "
        "where source_table = 'shopping_carts' and step = 'made_up_check'"
    )
    assert rows == [("remove", 0, "A check no model makes yet.")]


def test_a_flag_added_to_the_seed_is_counted_from_its_column(audit_with_new_checks):
    [(new_flag, existing_flag, missing)] = audit_with_new_checks.query(
        """
        select
            max(case when step = 'added_without_time' then rows_flagged end),
            max(case when step = 'missing_added_at' then rows_flagged end),
            (select count(*) from staging.valid_ecom__cart_items where is_added_at_missing)
        from marts.data_quality_audit
        where source_table = 'cart_items' and step_type = 'flag'
        """
    )
    assert missing > 0
    assert new_flag == existing_flag == missing


def test_a_flag_without_its_column_stops_the_build_and_names_it(tmp_path):
    project = project_copy(
        tmp_path / "project",
        ["orders,103,shipped_to_the_moon,flag,is_shipped_to_the_moon,Not a real column.,"],
    )
    build = build_audit(project, tmp_path / "run")
    assert not build.success
    messages = " ".join(
        str(getattr(r, "message", "") or "") for r in build.result.result.results
    ) if build.result.result is not None else str(build.result.exception)
    assert "shipped_to_the_moon" in messages
    assert "is_shipped_to_the_moon" in messages
    assert "valid_ecom__orders" in messages
