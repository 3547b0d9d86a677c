"""Every model and every built column has a description, and every documented
column exists (descriptions that outlive their column are defects too). The checks of
the yml alone read the parse (`make check`); the built columns, the catalog of a build."""

from __future__ import annotations

import json

import pytest
import yaml

from conftest import PROJECT_DIR, run_dbt


@pytest.fixture(scope="module")
def docs(sample_build, tmp_path_factory):
    workdir = sample_build.db_path.parent
    result = run_dbt(["docs", "generate"], workdir)
    assert result.success
    manifest = json.loads((result.target_path / "manifest.json").read_text())
    catalog = json.loads((result.target_path / "catalog.json").read_text())
    return manifest, catalog


def project_nodes(manifest, resource_types):
    return {
        uid: node
        for uid, node in manifest["nodes"].items()
        if node["resource_type"] in resource_types
        and node["package_name"] == "ecommerce_behavior"
    }


@pytest.mark.check
def test_every_model_and_seed_has_a_description(parsed_manifest):
    nodes = project_nodes(parsed_manifest, {"model", "seed"})
    assert len(nodes) > 20
    missing = [uid for uid, node in nodes.items() if not node["description"].strip()]
    assert not missing, f"no description: {missing}"


@pytest.mark.check
def test_every_column_in_the_yml_is_described(parsed_manifest):
    """At parse level: every column a model's yml lists (every column of a contracted mart)
    has a description; the test below also finds built columns the yml does not list."""
    missing = [
        f"{node['name']}.{name}"
        for node in project_nodes(parsed_manifest, {"model"}).values()
        for name, column in node["columns"].items()
        if not column["description"].strip()
    ]
    assert not missing, f"columns without a description: {sorted(missing)}"


def test_every_built_model_column_is_described(docs):
    manifest, catalog = docs
    models = project_nodes(manifest, {"model"})
    undocumented, stale = [], []
    for uid, node in models.items():
        if node["config"]["materialized"] == "ephemeral":
            continue
        built = {c.lower() for c in catalog["nodes"][uid]["columns"]}
        documented = {
            name.lower(): column["description"].strip()
            for name, column in node["columns"].items()
        }
        undocumented += [f"{node['name']}.{c}" for c in built if not documented.get(c)]
        stale += [f"{node['name']}.{c}" for c in documented if c not in built]
    assert not undocumented, f"columns without a description: {sorted(undocumented)}"
    assert not stale, f"documented columns that the model does not build: {sorted(stale)}"


@pytest.mark.check
def test_every_source_column_is_described(parsed_manifest):
    manifest = parsed_manifest
    missing = [
        f"{source['source_name']}.{source['name']}.{name}"
        for source in manifest["sources"].values()
        for name, column in source["columns"].items()
        if not column["description"].strip()
    ]
    assert not missing
    assert all(source["description"].strip() for source in manifest["sources"].values())


@pytest.mark.check
def test_every_business_rule_var_is_documented(parsed_manifest):
    """Each var of dbt_project.yml is in the table of rules on the docs' overview page."""
    manifest = parsed_manifest
    project = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text())
    overview = manifest["docs"]["doc.ecommerce_behavior.__overview__"]["block_contents"]
    missing = [name for name in project["vars"] if f"`{name}`" not in overview]
    assert not missing, f"vars not documented in docs/overview.md: {missing}"
