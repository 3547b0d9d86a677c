"""scripts/generate.py: the files that restate the marts (docs/mart_interface.yml, the
marts tables of docs/overview.md, the every-mart exposures) are what the manifest says,
and a new mart, a new column or a breaking change reaches them as the rule says. The
changes are made to a copy of the parsed manifest and written to a copy of the files."""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path

import pytest
import yaml

from conftest import PROJECT_DIR
from generate import GENERATED, OutOfDate, main, stale_files

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

    assert stale_files(manifest, write=True, project=files) == [path for path, _ in GENERATED]

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
