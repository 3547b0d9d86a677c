"""The mart interface, read from a parsed manifest and from the documents that promise it
(docs/mart_interface.yml, the marts tables of docs/overview.md), and compared: what a
breaking change is (docs/overview.md, "Versions and breaking changes"). Shared by
scripts/generate.py, which writes the documents, and tests/python/test_contracts.py,
which checks them."""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

# mart -> version -> {"relation": "schema.name", "columns": {column: data_type}}
Interface = dict[str, dict[str, dict]]

# what to do instead of a breaking change, said with every one found
RULE = (
    "Removing or renaming a column, changing its type, or moving a published version to "
    "another relation is a breaking change: leave the published version as it is and add "
    "a new version of the mart (dbt model versions), the old one kept until its "
    'deprecation date (docs/overview.md, "Versions and breaking changes").'
)


def project_models(manifest: dict) -> dict[str, dict]:
    """unique_id -> node of every model of this project in a parsed manifest."""
    return {
        uid: node
        for uid, node in manifest["nodes"].items()
        if node["resource_type"] == "model" and node["package_name"] == "ecommerce_behavior"
    }


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
