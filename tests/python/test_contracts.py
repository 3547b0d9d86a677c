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
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from conftest import PROJECT_DIR, Build, copy_project, project_models, run_dbt

OVERVIEW = PROJECT_DIR / "docs" / "overview.md"
INTERFACE = PROJECT_DIR / "docs" / "mart_interface.yml"
CARTS_YAML = Path("models") / "marts" / "carts" / "_carts__models.yml"
RULE = (
    "Removing or renaming a column, changing its type, or moving a published version to "
    "another relation is a breaking change: leave the published version as it is and add "
    "a new version of the mart (dbt model versions), the old one kept until its "
    'deprecation date (docs/overview.md, "Versions and breaking changes").'
)
# dbt only warns about a breaking change to an unversioned model, unless told otherwise
STATE_CHECK_OPTIONS = ["--warn-error-options", '{"error": ["UnversionedBreakingChange"]}']

# mart -> version -> {"relation": "schema.name", "columns": {column: data_type}}
Interface = dict[str, dict[str, dict]]


@pytest.fixture(scope="module")
def parsed(tmp_path_factory) -> Build:
    build = run_dbt(["parse"], tmp_path_factory.mktemp("contracts"))
    assert build.success, "dbt parse failed"
    return build


@pytest.fixture(scope="module")
def manifest(parsed) -> dict:
    return read_manifest(parsed)


def read_manifest(build: Build) -> dict:
    return json.loads((build.target_path / "manifest.json").read_text())


# --- what the manifest builds, what the documents promise --------------------------------


def is_mart(node: dict) -> bool:
    return node["original_file_path"].startswith("models/marts/")


def marts(manifest: dict) -> list[dict]:
    return [node for node in project_models(manifest).values() if is_mart(node)]


def built_interface(manifest: dict) -> Interface:
    """Every mart version the manifest builds: its relation, columns and types (an
    unversioned mart is version 1)."""
    built: Interface = {}
    for node in marts(manifest):
        version = str(node["version"] if node["version"] is not None else 1)
        built.setdefault(node["name"], {})[version] = {
            "relation": f"{node['schema']}.{node['alias']}",
            "columns": {name: column["data_type"] for name, column in node["columns"].items()},
        }
    return built


def latest_versions(manifest: dict) -> dict[str, str]:
    """mart -> the version an unpinned ref() reads (1 for an unversioned mart)."""
    return {node["name"]: str(node["latest_version"] or 1) for node in marts(manifest)}


def published_interface(text: str) -> Interface:
    """docs/mart_interface.yml (its text) in the form of built_interface."""
    return {
        mart: {
            str(entry["version"]): {"relation": entry["relation"], "columns": entry["columns"]}
            for entry in versions
        }
        for mart, versions in yaml.safe_load(text).items()
    }


def documented_columns(overview: str) -> dict[str, list[str]]:
    """mart -> its columns, as the tables of the "Marts" section of docs/overview.md list
    them (`| mart | one row per | columns |`)."""
    section = overview.split("### Marts (schema `marts`)", 1)[1]
    documented = {}
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        name = re.fullmatch(r"`(\w+)`", cells[0]) if len(cells) == 3 else None
        if name:
            documented[name.group(1)] = [column.strip() for column in cells[2].split(",")]
    return documented


# --- the checks ------------------------------------------------------------------------


def contract_problems(manifest: dict) -> list[str]:
    """Marts without an enforced contract, or with a column without a data_type."""
    problems = []
    for node in marts(manifest):
        if not node["contract"]["enforced"]:
            problems.append(f"{node['name']}: the contract is not enforced")
        if not node["columns"]:
            problems.append(f"{node['name']}: no columns")
        problems += [
            f"{node['name']}.{name}: no data_type"
            for name, column in node["columns"].items()
            if not column["data_type"]
        ]
    return problems


def access_problems(manifest: dict) -> list[str]:
    """Marts that are not public, other models that are."""
    problems = []
    for node in project_models(manifest).values():
        if is_mart(node) and node["access"] != "public":
            problems.append(f"mart {node['name']} is {node['access']}: marts are public")
        elif not is_mart(node) and node["access"] == "public":
            problems.append(f"{node['name']} is public: only marts are")
    return problems


@dataclass
class Changes:
    """How a mart version `new` differs from `old` (the two in the form of an Interface's
    version: relation and columns)."""

    relation: tuple[str, str] | None  # (old, new) when it moved
    removed: list[str]
    retyped: list[tuple[str, str, str]]  # (column, old type, new type)
    added: list[tuple[str, str]]  # (column, type)


def changes(old: dict, new: dict) -> Changes:
    return Changes(
        relation=(old["relation"], new["relation"]) if old["relation"] != new["relation"] else None,
        removed=[column for column in old["columns"] if column not in new["columns"]],
        retyped=[
            (column, data_type, new["columns"][column])
            for column, data_type in old["columns"].items()
            if column in new["columns"] and new["columns"][column] != data_type
        ],
        added=[(c, type_) for c, type_ in new["columns"].items() if c not in old["columns"]],
    )


def describe_difference(built: dict, published: dict) -> str:
    change = changes(published, built)
    notes = []
    if change.relation:
        notes.append(f"relation {change.relation[1]} (documented {change.relation[0]})")
    notes += [f"column {c} {data_type} is not documented" for c, data_type in change.added]
    notes += [f"column {c} is {new} (documented {old})" for c, old, new in change.retyped]
    notes += [f"documented column {c} is not in the contract" for c in change.removed]
    return "; ".join(notes) or "the columns are in another order"


def undocumented_differences(
    built: Interface,
    latest: dict[str, str],
    published: Interface,
    documented: dict[str, list[str]],
) -> list[str]:
    """Where the contracts differ from the documented interface: every mart version built
    is in docs/mart_interface.yml with the same relation, columns (in order) and types,
    and docs/overview.md lists the columns of each mart's latest version."""
    problems = []
    for mart in sorted(set(built) | set(published) | set(documented)):
        if mart not in built:
            problems.append(f"{mart} is documented but not built")
            continue
        if mart not in documented:
            problems.append(f"{mart} is not in the marts tables of docs/overview.md")
        elif documented[mart] != list(built[mart][latest[mart]]["columns"]):
            problems.append(
                f"{mart}: docs/overview.md lists {', '.join(documented[mart])}; "
                f"the contract has {', '.join(built[mart][latest[mart]]['columns'])}"
            )
        for version, interface in sorted(built[mart].items()):
            promised = published.get(mart, {}).get(version)
            if promised is None:
                problems.append(f"{mart} version {version} is not in docs/mart_interface.yml")
            elif interface["relation"] != promised["relation"] or list(
                interface["columns"].items()
            ) != list(promised["columns"].items()):
                problems.append(
                    f"{mart} version {version} differs from docs/mart_interface.yml: "
                    + describe_difference(interface, promised)
                )
    return problems


def breaking_changes(built: Interface, published: Interface) -> list[str]:
    """Every published version must still be built, at its relation, with each of its
    columns and their types, in their order; columns may have been added after them."""
    problems = []
    for mart, versions in sorted(published.items()):
        for version, promised in sorted(versions.items()):
            where = f"{mart} version {version}"
            served = built.get(mart, {}).get(version)
            if served is None:
                problems.append(f"{where} is published but no longer built")
                continue
            change = changes(promised, served)
            if change.relation:
                problems.append(f"{where} moved from {change.relation[0]} to {change.relation[1]}")
            problems += [
                f"{where}: column {column} changed type from {old} to {new}"
                for column, old, new in change.retyped
            ]
            problems += [f"{where}: column {c} was removed or renamed" for c in change.removed]
            first = list(served["columns"])[: len(promised["columns"])]
            if not change.removed and first != list(promised["columns"]):
                problems.append(
                    f"{where}: the published columns are no longer first and in their order "
                    "(a column is added after them)"
                )
    return problems


def report(problems: list[str], rule: str = "") -> str:
    return "\n".join(problems) + (f"\n{rule}" if rule else "")


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


def test_every_mart_has_an_enforced_contract_with_typed_columns(manifest):
    assert len(marts(manifest)) >= 26
    problems = contract_problems(manifest)
    assert not problems, report(problems)


def test_marts_are_public_and_no_other_model_is(manifest):
    problems = access_problems(manifest)
    assert not problems, report(problems)


def test_the_contracts_are_the_documented_interface(manifest, built):
    problems = differences_from_the_documents(built, manifest)
    assert not problems, report(
        problems,
        "Record an added column or mart in docs/mart_interface.yml and docs/overview.md; "
        "anything else is a breaking change. " + RULE,
    )


def test_no_published_version_is_broken(built, published):
    problems = breaking_changes(built, published)
    assert not problems, report(problems, RULE)


# --- the checks fail when they should --------------------------------------------------


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


def test_a_column_added_before_the_published_ones_is_a_breaking_change(built, published):
    columns = built["cart_kpis"]["1"]["columns"]
    built["cart_kpis"]["1"]["columns"] = {"median_cart_value": "decimal(38,4)", **columns}
    assert breaking_changes(built, published) == [
        "cart_kpis version 1: the published columns are no longer first and in their order "
        "(a column is added after them)"
    ]


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
