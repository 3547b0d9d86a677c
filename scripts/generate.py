"""Write the files that restate what the project's SQL and yml declare, so that each fact
is typed once (docs/conventions.md, "Each fact once"). `make generate` writes them;
`make check` runs `generate.py --check`, which changes nothing and fails naming every
file that is out of date.

What is generated, from the manifest of `dbt parse`:
- docs/mart_interface.yml: a new mart or a new version of a mart is added, a column added
  at the end of a version is recorded. Anything else is a breaking change: nothing is
  written and the change is named (docs/overview.md, "Versions and breaking changes").
- the marts tables of docs/overview.md (between the `generated: marts` markers): each
  mart's grain (its `meta.one_row_per`), versions and columns.
- the mart lists of the exposures that read every published mart (models/exposures.yml:
  bi_warehouse, mart_exports).
- the `check_order` column of seeds/reference/dq_checks.csv: a quarantine check's place is
  its place in the `case ... end as dq_reason` of its table's stg_ model (the one place of
  that order), then the checks against other tables (valid_ models) in the seed's order; the
  flags are numbered from 101 and the knock-on effects from 201, in the seed's order.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path

from mart_interface import (
    RULE,
    Interface,
    breaking_changes,
    built_interface,
    latest_versions,
    marts,
    published_interface,
)
from raw_contract import raw_contract

PROJECT_DIR = Path(__file__).resolve().parents[1]
INTERFACE = Path("docs/mart_interface.yml")
OVERVIEW = Path("docs/overview.md")
EXPOSURES = Path("models/exposures.yml")
DQ_CHECKS = Path("seeds/reference/dq_checks.csv")
# where each action's check_order starts (flags and whole-data flags share the 100s)
FIRST_ORDER = {"quarantine": 1, "flag": 101, "whole_data_flag": 101, "knock_on": 201}
# the exposures that read every published mart
EVERY_MART_EXPOSURES = ("bi_warehouse", "mart_exports")
# the marts tables of docs/overview.md: a heading and the marts folders it lists
MART_SECTIONS = [
    ("Commerce family (`enable_commerce`):", ("carts", "customers")),
    ("Clickstream family (`enable_events`):", ("clickstream",)),
    ("Marketing family (`enable_marketing`; empty without its files):", ("marketing",)),
    ("Both families:", ("data_quality",)),
]
BEGIN_MARTS = "<!-- generated: marts (make generate, from each mart's yml) -->"
END_MARTS = "<!-- end generated: marts -->"


class OutOfDate(Exception):
    """A generated file cannot be written: the message says why and what to do."""


# --- the manifest ----------------------------------------------------------------------


def parse_manifest(target: Path) -> dict:
    """`dbt parse` of the project in-process, into `target` (partial parsing makes a
    second parse into the same folder quick); the manifest."""
    from dbt.cli.main import dbtRunner

    os.environ.setdefault("DBT_PROFILES_DIR", str(PROJECT_DIR))
    result = dbtRunner().invoke(
        ["parse", "--project-dir", str(PROJECT_DIR), "--target-path", str(target), "--quiet"]
    )
    if not result.success:
        raise OutOfDate(f"dbt parse failed: {result.exception or 'see the log above'}")
    return json.loads((target / "manifest.json").read_text())


def mart_nodes(manifest: dict) -> list[dict]:
    """The mart models (one node per version), in the order of their folder's section of
    MART_SECTIONS, then by name, then by version."""
    folders = [folder for _, section_folders in MART_SECTIONS for folder in section_folders]
    nodes = marts(manifest)
    unplaced = sorted({mart_folder(n) for n in nodes} - set(folders))
    if unplaced:
        raise OutOfDate(
            f"marts folder(s) {', '.join(unplaced)} are in no section of the marts tables: "
            "add them to MART_SECTIONS in scripts/generate.py"
        )
    return sorted(nodes, key=lambda n: (folders.index(mart_folder(n)), n["name"],
                                         n["version"] or 0))


def mart_folder(node: dict) -> str:
    return Path(node["original_file_path"]).parts[2]


# --- docs/mart_interface.yml -------------------------------------------------------------


def recorded_interface(built: Interface, published: Interface) -> Interface:
    """The published interface with what the build adds to it: new marts and versions,
    and columns added after a version's published ones. Raises OutOfDate on a breaking
    change (breaking_changes)."""
    problems = breaking_changes(built, published)
    if problems:
        raise OutOfDate("\n".join(problems) + "\n" + RULE)
    recorded = {mart: dict(versions) for mart, versions in published.items()}
    for mart, versions in built.items():
        for version, interface in versions.items():
            recorded.setdefault(mart, {})[version] = interface
    return recorded


def interface_text(interface: Interface, header: str) -> str:
    """docs/mart_interface.yml: its header comment, then each mart's versions (the marts
    in the order they were first recorded)."""
    lines = [header.rstrip("\n")]
    for mart, versions in interface.items():
        lines.append(f"{mart}:")
        for version in sorted(versions, key=int):
            entry = versions[version]
            lines += [f"  - version: {version}", f"    relation: {entry['relation']}",
                      "    columns:"]
            lines += [f"      {column}: {data_type}"
                      for column, data_type in entry["columns"].items()]
    return "\n".join(lines) + "\n"


def comment_header(text: str) -> str:
    """The leading comment lines of a YAML file."""
    header = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        header.append(line)
    return "\n".join(header) + "\n"


def generate_interface(current: str, manifest: dict) -> str:
    published = published_interface(current)
    return interface_text(recorded_interface(built_interface(manifest), published),
                          comment_header(current))


# --- the marts tables of docs/overview.md ----------------------------------------------------


def grain(manifest: dict, name: str) -> str:
    """A mart's `one row per` cell: its meta.one_row_per, and where each version is read
    when it has several."""
    versions = [n for n in marts(manifest) if n["name"] == name]
    one_row_per = versions[0]["config"]["meta"].get("one_row_per")
    if not one_row_per:
        raise OutOfDate(
            f"mart {name} has no meta.one_row_per (its grain) in {versions[0]['patch_path']}: "
            "add `config: meta: one_row_per: ...`"
        )
    if len(versions) == 1:
        return one_row_per
    notes = []
    for node in sorted(versions, key=lambda n: -int(n["version"])):
        note = f"version {node['version']} at `{node['schema']}.{node['alias']}`"
        if node.get("deprecation_date"):
            note += f" until {str(node['deprecation_date'])[:10]}"
        notes.append(note)
    return f"{one_row_per} ({'; '.join(notes)})"


def mart_tables(manifest: dict) -> str:
    """The marts tables: per section, one row per mart, with the columns of its latest
    version."""
    latest = latest_versions(manifest)
    built = built_interface(manifest)
    nodes = mart_nodes(manifest)
    parts = []
    for heading, folders in MART_SECTIONS:
        names = list(dict.fromkeys(n["name"] for n in nodes if mart_folder(n) in folders))
        if not names:
            continue
        rows = [
            f"| `{name}` | {grain(manifest, name)} | "
            f"{', '.join(built[name][latest[name]]['columns'])} |"
            for name in names
        ]
        parts.append("\n".join([heading, "", "| mart | one row per | columns |", "|---|---|---|",
                                *rows]))
    return "\n\n".join(parts)


def generate_overview(current: str, manifest: dict) -> str:
    return replace_between(current, BEGIN_MARTS, END_MARTS, mart_tables(manifest), OVERVIEW)


def replace_between(text: str, begin: str, end: str, body: str, path: Path) -> str:
    if text.count(begin) != 1 or text.count(end) != 1:
        raise OutOfDate(f"{path} must hold the lines {begin!r} and {end!r} once each")
    before, rest = text.split(begin, 1)
    _, after = rest.split(end, 1)
    return f"{before}{begin}\n{body}\n{end}{after}"


# --- models/exposures.yml ----------------------------------------------------------------


def every_mart_refs(manifest: dict) -> list[str]:
    """ref() of every published mart version: the latest unpinned, older ones with v=."""
    latest = latest_versions(manifest)
    refs = []
    for node in sorted(marts(manifest), key=lambda n: (n["name"], -(n["version"] or 1))):
        version = str(node["version"] or 1)
        refs.append(f"ref('{node['name']}')" if version == latest[node["name"]]
                    else f"ref('{node['name']}', v={version})")
    return refs


def generate_exposures(current: str, manifest: dict) -> str:
    """The depends_on list of each exposure of EVERY_MART_EXPOSURES: every mart."""
    refs = every_mart_refs(manifest)
    text = current
    for exposure in EVERY_MART_EXPOSURES:
        pattern = re.compile(
            rf"(  - name: {exposure}\n(?:    .*\n|\n)*?    depends_on:\n)((?:      - .*\n)*)"
        )
        if len(pattern.findall(text)) != 1:
            raise OutOfDate(f"{EXPOSURES}: exposure {exposure} with a depends_on list not found")
        text = pattern.sub(lambda m: m.group(1) + "".join(f"      - {r}\n" for r in refs), text)
    return text


# --- seeds/reference/dq_checks.csv -------------------------------------------------------


def case_checks(sql: str) -> list[str]:
    """The checks of a stg_ model's `dq_reason`, in order: each `then '<check>'` of its
    `checked` CTE, up to `end as dq_reason` (none when the model has no such CTE)."""
    before_end, found, _ = sql.partition("end as dq_reason")
    start = before_end.rfind("checked as (")
    if not found or start < 0:
        return []
    return re.findall(r"then\s+'(\w+)'", before_end[start:])


def model_code(manifest: dict, name: str) -> str:
    for node in manifest["nodes"].values():
        if node["resource_type"] == "model" and node["name"] == name:
            return node["raw_code"]
    return ""


def check_orders(rows: list[dict], manifest: dict) -> dict[tuple[str, str], int]:
    """(source_table, check_name) -> its check_order (see the module's docstring). Raises
    OutOfDate when a model's check has no row or a quarantine row is in no model."""
    contract = raw_contract()
    orders = {}
    for line, row in enumerate(rows, start=2):
        if row["source_table"] not in contract or row["action"] not in FIRST_ORDER:
            raise OutOfDate(
                f"{DQ_CHECKS} line {line} ({row['check_name']}): source_table must be a raw "
                f"table ({', '.join(contract)}) and action one of {', '.join(FIRST_ORDER)}"
            )
    for table in dict.fromkeys(row["source_table"] for row in rows):
        staged_as = contract[table]["staged_as"]
        in_case = case_checks(model_code(manifest, f"stg_{staged_as}"))
        table_rows = [row for row in rows if row["source_table"] == table]
        quarantine = [row["check_name"] for row in table_rows if row["action"] == "quarantine"]
        missing = [check for check in in_case if check not in quarantine]
        if missing:
            raise OutOfDate(
                f"stg_{staged_as} checks {', '.join(missing)}, which {DQ_CHECKS} does not list: "
                f"add a row (source_table {table}, action quarantine) for each"
            )
        others = [check for check in quarantine if check not in in_case]
        elsewhere = model_code(manifest, f"valid_{staged_as}") + model_code(
            manifest, f"quarantine_{staged_as}")
        unknown = [check for check in others if f"'{check}'" not in elsewhere]
        if unknown:
            raise OutOfDate(
                f"{DQ_CHECKS} lists {', '.join(unknown)} for {table}, which neither "
                f"stg_{staged_as} nor valid_/quarantine_{staged_as} checks: remove the row, "
                "or write the check"
            )
        for position, check in enumerate(in_case + others):
            orders[(table, check)] = FIRST_ORDER["quarantine"] + position
        for action in ("flag", "knock_on"):
            same_start = [row for row in table_rows if row["action"] != "quarantine"
                          and FIRST_ORDER[row["action"]] == FIRST_ORDER[action]]
            for position, row in enumerate(same_start):
                orders[(table, row["check_name"])] = FIRST_ORDER[action] + position
    return orders


def generate_check_order(current: str, manifest: dict) -> str:
    rows = list(csv.DictReader(io.StringIO(current)))
    orders = check_orders(rows, manifest)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({**row, "check_order": orders[(row["source_table"], row["check_name"])]})
    return out.getvalue()


# --- main ------------------------------------------------------------------------------

GENERATED: list[tuple[Path, Callable[[str, dict], str]]] = [
    (INTERFACE, generate_interface),
    (OVERVIEW, generate_overview),
    (EXPOSURES, generate_exposures),
    (DQ_CHECKS, generate_check_order),
]


def stale_files(manifest: dict, write: bool, project: Path = PROJECT_DIR) -> list[Path]:
    """The generated files whose text differs from what the manifest gives; written when
    `write`."""
    stale = []
    for path, generate in GENERATED:
        current = (project / path).read_text()
        wanted = generate(current, manifest)
        if wanted != current:
            stale.append(path)
            if write:
                (project / path).write_text(wanted)
    return stale


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="change nothing; fail when a generated file is out of date")
    parser.add_argument("--manifest", type=Path,
                        help="a manifest.json to read instead of parsing the project")
    args = parser.parse_args(argv)
    try:
        manifest = (json.loads(args.manifest.read_text()) if args.manifest
                    else parse_manifest(PROJECT_DIR / "target"))
        stale = stale_files(manifest, write=not args.check)
    except OutOfDate as problem:
        print(f"generate: {problem}", file=sys.stderr)
        return 1
    if args.check and stale:
        print("generate: out of date (the yml or SQL changed): "
              + ", ".join(map(str, stale)) + ". Run `make generate` and commit the result.",
              file=sys.stderr)
        return 1
    for path in stale:
        print(f"generate: wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
