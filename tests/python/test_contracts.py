"""The marts are a contract (docs/overview.md, "Mart interface"), checked on the manifest
of `dbt parse`:

- every mart has an enforced dbt model contract with a data_type on every column, and
  is `access: public`; no other model is public;
- the contracts are the documented interface: a mart's columns, in order, are those of
  its row in docs/overview.md, and its relation, columns and types those of its version
  in docs/mart_interface.yml;
- no unversioned breaking change: every version in docs/mart_interface.yml is still
  built, at its relation, with each of its columns and their types, in their order (a
  column may be added after them, nothing else); a breaking change is a new version of
  the mart;
- dbt's own check, `state:modified` against the manifest of the previous state (what a
  deployment compares with production), stops on a breaking change to a contracted mart.

Each check is a function that returns the problems it finds. It runs on the project,
and on a changed copy of its inputs to show that it fails; the versioning rule is also
applied for real to a copy of the project.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from conftest import PROJECT_DIR, Build, copy_project, project_models, run_dbt
from mart_interface import (
    RULE,
    Interface,
    access_problems,
    breaking_changes,
    built_interface,
    contract_problems,
    documented_columns,
    latest_versions,
    marts,
    published_interface,
    report,
    undocumented_differences,
)

OVERVIEW = PROJECT_DIR / "docs" / "overview.md"
INTERFACE = PROJECT_DIR / "docs" / "mart_interface.yml"
CARTS_YAML = Path("models") / "marts" / "carts" / "_carts__models.yml"
# dbt only warns about a breaking change to an unversioned model, unless told otherwise
STATE_CHECK_OPTIONS = ["--warn-error-options", '{"error": ["UnversionedBreakingChange"]}']

@pytest.fixture(scope="module")
def parsed(parsed_project) -> Build:
    return parsed_project


@pytest.fixture(scope="module")
def manifest(parsed_manifest) -> dict:
    return parsed_manifest


def read_manifest(build: Build) -> dict:
    return json.loads((build.target_path / "manifest.json").read_text())


@pytest.fixture(scope="module")
def published() -> Interface:
    return published_interface(INTERFACE.read_text())


@pytest.fixture
def built(manifest) -> Interface:
    """What the project builds, a copy that a test may change."""
    return copy.deepcopy(built_interface(manifest))


def differences_from_the_documents(built: Interface, manifest: dict) -> list[str]:
    """undocumented_differences of `built` (the marts of `manifest`, maybe changed) from
    docs/mart_interface.yml and docs/overview.md."""
    return undocumented_differences(
        built,
        latest_versions(manifest),
        published_interface(INTERFACE.read_text()),
        documented_columns(OVERVIEW.read_text()),
    )


# --- the project -----------------------------------------------------------------------


@pytest.mark.check
def test_every_mart_has_an_enforced_contract_with_typed_columns(manifest):
    assert marts(manifest), "the parse found no mart"
    problems = contract_problems(manifest)
    assert not problems, report(problems)


@pytest.mark.check
def test_marts_are_public_and_no_other_model_is(manifest):
    problems = access_problems(manifest)
    assert not problems, report(problems)


@pytest.mark.check
def test_the_contracts_are_the_documented_interface(manifest, built):
    problems = differences_from_the_documents(built, manifest)
    assert not problems, report(
        problems,
        "`make generate` records an added column or mart in docs/mart_interface.yml and "
        "docs/overview.md; anything else is a breaking change. " + RULE,
    )


@pytest.mark.check
def test_no_published_version_is_broken(built, published):
    problems = breaking_changes(built, published)
    assert not problems, report(problems, RULE)


# --- the checks fail when they should --------------------------------------------------


@pytest.mark.check
def test_a_removed_or_retyped_column_is_a_breaking_change(manifest, built, published):
    columns = built["fct_carts"]["1"]["columns"]
    del columns["match_method"]
    columns["hours_to_order"] = "bigint"

    assert breaking_changes(built, published) == [
        "fct_carts version 1: column hours_to_order changed type from double to bigint",
        "fct_carts version 1: column match_method was removed or renamed",
    ]
    overview, interface = differences_from_the_documents(built, manifest)
    assert overview.startswith("fct_carts: docs/overview.md lists cart_id,")
    assert interface == (
        "fct_carts version 1 differs from docs/mart_interface.yml: column hours_to_order "
        "is bigint (documented double); documented column match_method is not in the contract"
    )


@pytest.mark.check
def test_a_published_version_moved_to_another_relation_is_a_breaking_change(
    manifest, built, published
):
    built["fct_carts"]["1"]["relation"] = "marts.fct_carts_v1"
    assert breaking_changes(built, published) == [
        "fct_carts version 1 moved from marts.fct_carts to marts.fct_carts_v1"
    ]
    assert differences_from_the_documents(built, manifest) == [
        "fct_carts version 1 differs from docs/mart_interface.yml: "
        "relation marts.fct_carts_v1 (documented marts.fct_carts)"
    ]


@pytest.mark.check
def test_an_added_column_is_not_breaking_but_is_documented(manifest, built, published):
    built["cart_kpis"]["1"]["columns"]["median_cart_value"] = "decimal(38,4)"

    assert breaking_changes(built, published) == []
    overview, interface = differences_from_the_documents(built, manifest)
    assert overview.startswith("cart_kpis: docs/overview.md lists as_of,")
    assert overview.endswith(", converted_carts_with_quarantined_order, median_cart_value")
    assert interface == (
        "cart_kpis version 1 differs from docs/mart_interface.yml: "
        "column median_cart_value decimal(38,4) is not documented"
    )


@pytest.mark.check
def test_a_column_added_before_the_published_ones_is_a_breaking_change(built, published):
    columns = built["cart_kpis"]["1"]["columns"]
    built["cart_kpis"]["1"]["columns"] = {"median_cart_value": "decimal(38,4)", **columns}
    assert breaking_changes(built, published) == [
        "cart_kpis version 1: the published columns are no longer first and in their order "
        "(a column is added after them)"
    ]


@pytest.mark.check
def test_contract_and_access_checks_fail_on_a_changed_manifest(manifest):
    nodes = {uid: copy.deepcopy(node) for uid, node in project_models(manifest).items()}
    nodes["model.ecommerce_behavior.fct_carts"]["contract"]["enforced"] = False
    nodes["model.ecommerce_behavior.cart_kpis"]["columns"]["carts"]["data_type"] = None
    nodes["model.ecommerce_behavior.funnel_kpis"]["access"] = "protected"
    nodes["model.ecommerce_behavior.stg_ecom__carts"]["access"] = "public"
    changed = {"nodes": nodes}

    assert sorted(contract_problems(changed)) == [
        "cart_kpis.carts: no data_type",
        "fct_carts: the contract is not enforced",
    ]
    assert sorted(access_problems(changed)) == [
        "mart funnel_kpis is protected: marts are public",
        "stg_ecom__carts is public: only marts are",
    ]


# --- the versioning rule, for real -----------------------------------------------------

FCT_CARTS_VERSIONS = """  - name: fct_carts
    latest_version: 2
    versions:
      - v: 2
        columns:
          - include: all
            exclude: [match_method]
      - v: 1
        deprecation_date: 2099-01-01
        config:
          alias: fct_carts
"""


def replace_once(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert text.count(old) == 1, f"{old!r} is not once in {path}"
    path.write_text(text.replace(old, new))


def test_a_breaking_change_made_as_a_new_version_keeps_the_interface(tmp_path):
    """The rule of docs/overview.md applied to fct_carts in a copy of the project:
    version 2 drops match_method; version 1 keeps its SQL, relation and columns until
    its deprecation date. No published version is broken, and once version 2 is
    recorded, the documents agree with the contracts."""
    project = copy_project(tmp_path / "project", with_data=False)
    folder = project / "models" / "marts" / "carts"
    (folder / "fct_carts.sql").rename(folder / "fct_carts_v1.sql")
    (folder / "fct_carts_v2.sql").write_text((folder / "fct_carts_v1.sql").read_text())
    replace_once(folder / "fct_carts_v2.sql", "        match_method,\n", "")
    replace_once(project / CARTS_YAML, "  - name: fct_carts\n", FCT_CARTS_VERSIONS)

    build = run_dbt(["parse"], tmp_path / "run", project_dir=project)
    assert build.success
    versioned = read_manifest(build)
    built = built_interface(versioned)
    published = published_interface(INTERFACE.read_text())

    assert built["fct_carts"]["1"] == published["fct_carts"]["1"]
    assert built["fct_carts"]["2"]["relation"] == "marts.fct_carts_v2"
    assert "match_method" not in built["fct_carts"]["2"]["columns"]
    assert breaking_changes(built, published) == []

    # recorded: version 2 in docs/mart_interface.yml, its columns in docs/overview.md
    published["fct_carts"]["2"] = built["fct_carts"]["2"]
    documented = documented_columns(OVERVIEW.read_text())
    documented["fct_carts"].remove("match_method")
    assert undocumented_differences(
        built, latest_versions(versioned), published, documented
    ) == []


# --- dbt's own check against a previous state ------------------------------------------


def state_check(project: Path, workdir: Path, baseline: Build) -> Build:
    """`dbt ls --select state:modified` of the project copy `project` against the
    manifest of `baseline`, breaking changes to unversioned models being errors."""
    return run_dbt(
        ["ls", "--select", "state:modified", "--state", str(baseline.target_path),
         *STATE_CHECK_OPTIONS],
        workdir,
        project_dir=project,
    )


def test_dbt_state_check_stops_a_breaking_change_to_an_unversioned_mart(tmp_path, parsed):
    project = copy_project(tmp_path / "project", with_data=False)
    replace_once(
        project / CARTS_YAML,
        "      - name: match_method\n        data_type: string\n",
        "      - name: match_method_renamed\n        data_type: string\n",
    )
    replace_once(
        project / CARTS_YAML,
        "      - name: hours_to_order\n        data_type: double\n",
        "      - name: hours_to_order\n        data_type: bigint\n",
    )

    result = state_check(project, tmp_path / "run", parsed)

    assert not result.success
    message = str(result.result.exception)
    assert "Breaking change to contracted, unversioned model fct_carts" in message
    assert "Columns were removed" in message and "- match_method\n" in message
    assert "hours_to_order (double -> bigint)" in message


def test_dbt_state_check_lets_an_added_column_through(tmp_path, parsed):
    project = copy_project(tmp_path / "project", with_data=False)
    last_column_of_cart_kpis = (
        "        description: Customers flagged is_savable in customer_reengagement.\n"
    )
    replace_once(
        project / CARTS_YAML,
        last_column_of_cart_kpis,
        last_column_of_cart_kpis
        + "      - name: median_cart_value\n        data_type: decimal(38,4)\n",
    )

    result = state_check(project, tmp_path / "run", parsed)

    assert result.success, result.result.exception
    assert "ecommerce_behavior.marts.carts.cart_kpis" in result.result.result
