"""The layout rules of docs/conventions.md, checked on the manifest of `dbt parse`: the
graph flows forward (sources -> staging -> intermediate -> marts -> semantic), a mart
reads another mart only when that mart owns a grain, MetricFlow's semantic models are
defined on marts (or the semantic layer's own models), and a description is typed once
(a column described the same way twice uses a doc block)."""

from __future__ import annotations

from collections import defaultdict

import pytest

from conftest import project_models

pytestmark = pytest.mark.check  # parse-level: run by `make check`

LAYERS = ("staging", "intermediate", "marts", "semantic")


@pytest.fixture(scope="module")
def manifest(parsed_manifest) -> dict:
    return parsed_manifest


def layer(node: dict) -> str:
    top = node["original_file_path"].split("/")[1]
    assert top in LAYERS, f"{node['name']} is outside staging/intermediate/marts/semantic"
    return top


def parents(manifest: dict, node: dict) -> list[dict]:
    nodes = {**manifest["nodes"], **manifest["sources"]}
    return [nodes[uid] for uid in node["depends_on"]["nodes"]]


def test_every_model_is_in_a_layer_and_named_after_it(manifest):
    prefixes = {
        "staging": ("stg_", "valid_", "quarantine_"),
        "intermediate": ("int_",),
        # the semantic layer's helpers; MetricFlow's time spine keeps its usual name
        "semantic": ("sem_", "metricflow_time_spine"),
    }
    wrong = [
        node["name"]
        for node in project_models(manifest).values()
        if layer(node) in prefixes and not node["name"].startswith(prefixes[layer(node)])
    ]
    assert not wrong, f"models named against their layer: {wrong}"


def test_stg_models_read_only_their_source_and_seeds(manifest):
    offenders = []
    for node in project_models(manifest).values():
        if node["name"].startswith("stg_"):
            kinds = {p["resource_type"] for p in parents(manifest, node)}
            if not kinds <= {"source", "seed"} or "source" not in kinds:
                offenders.append(node["name"])
    assert not offenders, f"stg_ models reading other models: {offenders}"


def test_the_graph_flows_forward(manifest):
    rank = {"staging": 0, "intermediate": 1, "marts": 2, "semantic": 3}
    backwards = []
    for node in project_models(manifest).values():
        for parent in parents(manifest, node):
            if parent["resource_type"] == "model" and rank[layer(parent)] > rank[layer(node)]:
                backwards.append(f"{node['name']} reads {parent['name']}")
    assert not backwards, backwards


def test_only_the_split_and_the_audit_read_stg_models(manifest):
    offenders = []
    for node in project_models(manifest).values():
        allowed = node["name"].startswith(("valid_", "quarantine_")) or (
            node["name"] == "data_quality_audit"
        )
        for parent in parents(manifest, node):
            if (
                parent["resource_type"] == "model"
                and parent["name"].startswith("stg_")
                and not allowed
            ):
                offenders.append(f"{node['name']} reads {parent['name']}")
    assert not offenders, f"read valid_ models instead: {offenders}"


def test_a_mart_reads_another_mart_only_when_it_owns_a_grain(manifest):
    offenders = []
    for node in project_models(manifest).values():
        if layer(node) != "marts":
            continue
        for parent in parents(manifest, node):
            if (
                parent["resource_type"] == "model"
                and layer(parent) == "marts"
                and not parent["config"].get("meta", {}).get("owns_grain")
                # an old version of a mart is read from its latest one (docs/overview.md,
                # "Versions and breaking changes")
                and parent["name"] != node["name"]
            ):
                offenders.append(f"{node['name']} reads {parent['name']}")
    assert not offenders, offenders


def test_semantic_models_are_defined_on_marts(manifest):
    """MetricFlow reads the contract: a semantic model is defined on a mart, or on a model of
    models/semantic/ (the event grain of sem_funnel_events), never on a staging or
    intermediate model directly."""
    semantic_models = [
        s for s in manifest["semantic_models"].values()
        if s["package_name"] == "ecommerce_behavior"
    ]
    assert semantic_models, "no semantic models found"
    offenders = [
        f"{semantic_model['name']} reads {parent['name']}"
        for semantic_model in semantic_models
        for parent in parents(manifest, semantic_model)
        if layer(parent) not in ("marts", "semantic")
    ]
    assert not offenders, offenders


def test_no_description_is_typed_twice(manifest):
    """Shared descriptions live in doc blocks: the same literal text on two columns
    (of models, sources or seeds) is a copy that will drift."""
    typed = defaultdict(list)
    resources = [
        *(n for n in manifest["nodes"].values() if n["package_name"] == "ecommerce_behavior"),
        *manifest["sources"].values(),
    ]
    docs = manifest["docs"]
    rendered_blocks = {
        " ".join(d["block_contents"].split())
        for d in docs.values()
        if d["package_name"] == "ecommerce_behavior"
    }
    for resource in resources:
        for column in resource.get("columns", {}).values():
            text = " ".join(column["description"].split())
            where = f"{resource['name']}.{column['name']}"
            # the versions of a mart share their columns' YAML (anchors): one text, typed once
            if text and text not in rendered_blocks and where not in typed[text]:
                typed[text].append(where)
    copies = {text: where for text, where in typed.items() if len(where) > 1}
    assert not copies, "descriptions typed more than once (use a doc block): " + "; ".join(
        f"{where}: {text[:60]}" for text, where in sorted(copies.items())
    )
