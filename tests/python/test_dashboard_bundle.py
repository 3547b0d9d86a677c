"""The Superset bundle (bi/superset/bundle) against the project, at parse level (`make
check`): each dashboard's exposure (models/exposures.yml) depends on exactly the marts its
charts read, and each dataset lists the columns of its mart with the types the published
interface promises. `make bi-test` checks the charts' numbers; this catches a chart added
without its mart in the exposure, or a dataset left behind by a contract change, without
starting Superset."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from conftest import PROJECT_DIR

pytestmark = pytest.mark.check  # parse-level: run by `make check`

BUNDLE = PROJECT_DIR / "bi" / "superset" / "bundle"
# the interface's type names as DuckDB prints them in a dataset
SUPERSET_TYPES = {"string": "VARCHAR", "bigint": "BIGINT", "double": "DOUBLE",
                  "decimal(38,4)": "DECIMAL(38,4)", "decimal(18,4)": "DECIMAL(18,4)",
                  "boolean": "BOOLEAN", "date": "DATE", "timestamp": "TIMESTAMP"}


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text())


def datasets() -> dict[str, dict]:
    """The bundle's datasets by uuid."""
    return {d["uuid"]: d for d in map(load, BUNDLE.glob("datasets/*/*.yaml"))}


def dashboard_tables(path: Path) -> set[str]:
    """The tables (schema marts) the charts of one dashboard read."""
    charts = {c["uuid"]: c for c in map(load, BUNDLE.glob("charts/*.yaml"))}
    by_uuid = datasets()
    tables = set()
    for item in load(path)["position"].values():
        if isinstance(item, dict) and item.get("type") == "CHART":
            chart = charts[item["meta"]["uuid"]]
            tables.add(by_uuid[chart["dataset_uuid"]]["table_name"])
    return tables


@pytest.mark.parametrize("path", sorted(BUNDLE.glob("dashboards/*.yaml")),
                         ids=lambda p: p.stem)
def test_dashboard_exposure_lists_the_marts_its_charts_read(parsed_manifest, path):
    slug = load(path)["slug"]
    name = f"exposure.ecommerce_behavior.superset_{slug}_dashboard"
    assert name in parsed_manifest["exposures"], (
        f"no exposure superset_{slug}_dashboard in models/exposures.yml for {path.name}")
    nodes = parsed_manifest["exposures"][name]["depends_on"]["nodes"]
    declared = {parsed_manifest["nodes"][n]["alias"] for n in nodes}
    read = dashboard_tables(path)
    assert declared == read, (
        f"models/exposures.yml, superset_{slug}_dashboard: depends_on lists "
        f"{sorted(declared - read)} that no chart reads, and misses {sorted(read - declared)} "
        f"(add ref('<mart>') for each; a versioned mart's relation is <mart>_v<N>)")


def test_every_dataset_has_its_marts_columns_and_types():
    interface = load(PROJECT_DIR / "docs" / "mart_interface.yml")
    relations = {version["relation"]: version["columns"]
                 for versions in interface.values() for version in versions}
    wrong = []
    for dataset in datasets().values():
        relation = f"{dataset['schema']}.{dataset['table_name']}"
        assert relation in relations, f"dataset {relation}: not a published mart"
        got = {c["column_name"]: c["type"] for c in dataset["columns"]}
        want = {name: SUPERSET_TYPES[kind] for name, kind in relations[relation].items()}
        if got != want:
            wrong.append(f"{relation}: lacks {sorted(want.items() - got.items())}, "
                         f"has {sorted(got.items() - want.items())} that the mart has not")
    assert not wrong, (
        "bi/superset/bundle datasets differ from docs/mart_interface.yml (re-export the "
        "bundle, docs/dashboards.md):\n" + "\n".join(wrong))
