"""scripts/generate.py: the files that restate the marts (docs/mart_interface.yml, the
marts tables of docs/overview.md, the every-mart exposures) and the order of the checks
(seeds/reference/dq_checks.csv) are what the manifest says, and a new mart, a new column,
a breaking change or a new check reaches them as the rule says. The changes are made to a
copy of the parsed manifest and written to a copy of the files."""

from __future__ import annotations

import copy
import csv
import json
import shutil
from pathlib import Path

import pytest
import yaml

from conftest import PROJECT_DIR
from generate import EXPOSURES, GENERATED, INTERFACE, OVERVIEW, OutOfDate, main, stale_files

pytestmark = pytest.mark.check  # parse-level: run by `make check`

CART_KPIS = "model.ecommerce_behavior.cart_kpis"
FCT_CARTS = "model.ecommerce_behavior.fct_carts"


@pytest.fixture
def manifest(parsed_manifest) -> dict:
    """A copy of the parsed manifest that a test may change."""
    return copy.deepcopy(parsed_manifest)


@pytest.fixture
def files(tmp_path) -> Path:
    """A folder holding a copy of every generated file, at its path in the project."""
    for path, _ in GENERATED:
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(PROJECT_DIR / path, tmp_path / path)
    return tmp_path


def add_mart(manifest: dict, name: str, like: str, one_row_per: str) -> dict:
    """A new unversioned mart in `manifest`, a copy of the mart `like` under another name."""
    node = copy.deepcopy(manifest["nodes"][like])
    node.update(name=name, alias=name, unique_id=f"model.ecommerce_behavior.{name}")
    node["config"]["meta"]["one_row_per"] = one_row_per
    manifest["nodes"][node["unique_id"]] = node
    return node


def test_the_generated_files_are_up_to_date(parsed_manifest):
    assert stale_files(parsed_manifest, write=False) == [], "run `make generate`"


def test_a_new_mart_reaches_every_generated_file(manifest, files):
    add_mart(manifest, "cart_kpis_weekly", like=CART_KPIS, one_row_per="week")

    assert stale_files(manifest, write=True, project=files) == [INTERFACE, OVERVIEW, EXPOSURES]

    interface = yaml.safe_load((files / "docs/mart_interface.yml").read_text())
    assert interface["cart_kpis_weekly"] == [{
        "version": 1,
        "relation": "marts.cart_kpis_weekly",
        "columns": interface["cart_kpis"][0]["columns"],
    }]
    overview = (files / "docs/overview.md").read_text()
    assert "| `cart_kpis_weekly` | week | as_of, carts, converted_carts," in overview
    exposures = yaml.safe_load((files / "models/exposures.yml").read_text())["exposures"]
    for exposure in exposures:
        if exposure["name"] in ("bi_warehouse", "mart_exports"):
            assert "ref('cart_kpis_weekly')" in exposure["depends_on"]
    # written once: a second run finds nothing to do
    assert stale_files(manifest, write=True, project=files) == []


def test_a_column_added_at_the_end_is_recorded(manifest, files):
    columns = manifest["nodes"][CART_KPIS]["columns"]
    columns["median_cart_value"] = {**columns["carts"], "name": "median_cart_value",
                                    "data_type": "decimal(38,4)"}

    stale_files(manifest, write=True, project=files)

    interface = yaml.safe_load((files / "docs/mart_interface.yml").read_text())
    assert list(interface["cart_kpis"][0]["columns"].items())[-1] == (
        "median_cart_value", "decimal(38,4)")
    assert ", converted_carts_with_quarantined_order, median_cart_value |" in (
        files / "docs/overview.md").read_text()


def test_a_breaking_change_is_refused_and_nothing_is_written(manifest, files):
    del manifest["nodes"][FCT_CARTS]["columns"]["match_method"]
    before = {path: (files / path).read_text() for path, _ in GENERATED}

    with pytest.raises(OutOfDate) as refused:
        stale_files(manifest, write=True, project=files)

    assert "fct_carts version 1: column match_method was removed or renamed" in str(
        refused.value)
    assert "add a new version of the mart" in str(refused.value)
    assert {path: (files / path).read_text() for path, _ in GENERATED} == before


def test_a_mart_without_its_grain_is_named(manifest, files):
    del manifest["nodes"][CART_KPIS]["config"]["meta"]["one_row_per"]

    with pytest.raises(OutOfDate) as refused:
        stale_files(manifest, write=True, project=files)

    assert str(refused.value) == (
        "mart cart_kpis has no meta.one_row_per (its grain) in "
        "ecommerce_behavior://models/marts/carts/_carts__models.yml: "
        "add `config: meta: one_row_per: ...`"
    )


def test_check_mode_names_the_stale_files_and_the_command(manifest, tmp_path, capsys):
    add_mart(manifest, "cart_kpis_weekly", like=CART_KPIS, one_row_per="week")
    changed = tmp_path / "manifest.json"
    changed.write_text(json.dumps(manifest))
    before = {path: (PROJECT_DIR / path).read_text() for path, _ in GENERATED}

    assert main(["--check", "--manifest", str(changed)]) == 1

    message = capsys.readouterr().err
    assert "docs/mart_interface.yml, docs/overview.md, models/exposures.yml" in message
    assert "Run `make generate`" in message
    assert {path: (PROJECT_DIR / path).read_text() for path, _ in GENERATED} == before


# --- the order of the data-quality checks ----------------------------------------------

STG_CARTS = "model.ecommerce_behavior.stg_ecom__carts"
NEGATIVE_TOTAL = "            when cart_total < 0 then 'negative_cart_total'\n"
HUGE_TOTAL = "            when cart_total > 99999 then 'huge_cart_total'\n"


def check_orders_of(files: Path, table: str) -> dict[str, int]:
    with (files / "seeds/reference/dq_checks.csv").open() as f:
        return {row["check_name"]: int(row["check_order"]) for row in csv.DictReader(f)
                if row["source_table"] == table}


def test_a_new_check_takes_its_place_in_the_case(manifest, files):
    """A check written before the last one of stg_ecom__carts's case, and its seed row
    added at the end of the file: the seed's order follows the case; the flags keep theirs."""
    node = manifest["nodes"][STG_CARTS]
    assert NEGATIVE_TOTAL in node["raw_code"]
    node["raw_code"] = node["raw_code"].replace(
        NEGATIVE_TOTAL, HUGE_TOTAL + NEGATIVE_TOTAL)
    before = check_orders_of(files, "shopping_carts")
    with (files / "seeds/reference/dq_checks.csv").open("a") as f:
        f.write("shopping_carts,0,huge_cart_total,quarantine,,A huge total.,cart_total\n")

    assert stale_files(manifest, write=True, project=files) == [Path(
        "seeds/reference/dq_checks.csv")]

    after = check_orders_of(files, "shopping_carts")
    assert after["huge_cart_total"] == before["negative_cart_total"]
    assert after["negative_cart_total"] == before["negative_cart_total"] + 1
    assert {check: order for check, order in after.items() if order > 100} == {
        check: order for check, order in before.items() if order > 100}


def test_a_check_without_its_seed_row_is_named(manifest, files):
    node = manifest["nodes"][STG_CARTS]
    node["raw_code"] = node["raw_code"].replace(
        NEGATIVE_TOTAL, NEGATIVE_TOTAL + HUGE_TOTAL)

    with pytest.raises(OutOfDate) as refused:
        stale_files(manifest, write=True, project=files)

    assert str(refused.value) == (
        "stg_ecom__carts checks huge_cart_total, which seeds/reference/dq_checks.csv does not "
        "list: add a row (source_table shopping_carts, action quarantine) for each"
    )


def test_a_seed_row_of_no_check_is_named(manifest, files):
    with (files / "seeds/reference/dq_checks.csv").open("a") as f:
        f.write("cart_items,0,forgotten_check,quarantine,,Never written.,cart_id\n")

    with pytest.raises(OutOfDate) as refused:
        stale_files(manifest, write=True, project=files)

    assert str(refused.value).startswith(
        "seeds/reference/dq_checks.csv lists forgotten_check for cart_items, which neither "
        "stg_ecom__cart_items nor valid_/quarantine_ecom__cart_items checks")


def test_a_seed_row_with_an_unknown_action_is_named(manifest, files):
    seed = files / "seeds/reference/dq_checks.csv"
    line = len(seed.read_text().splitlines()) + 1
    with seed.open("a") as f:
        f.write("cart_items,0,late_line,flagg,is_late,A typo in the action.,added_at\n")

    with pytest.raises(OutOfDate) as refused:
        stale_files(manifest, write=True, project=files)

    assert str(refused.value).startswith(
        f"seeds/reference/dq_checks.csv line {line} (late_line): source_table must be a raw "
        "table")
    assert str(refused.value).endswith(
        "action one of quarantine, flag, whole_data_flag, knock_on")
