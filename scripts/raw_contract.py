"""The raw data contract for Python: the dbt macro `raw_contract()`
(macros/raw/raw_contract.sql, the one place where each raw table's columns, their kinds
and staged names are written) read as dbt reads it, with Jinja. Used by the pandas
references (tests/python/reference) and by the checks that the generator
(scripts/shopgen/schema.py), the sources yml and docs/raw_data.md agree with it.

    >>> raw_columns()["shopping_carts"]
    ['cart_id', 'customer_id', 'created_at', 'updated_at', 'cart_total', 'status']
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import jinja2
import jinja2.ext

CONTRACT_MACRO = Path(__file__).resolve().parents[1] / "macros" / "raw" / "raw_contract.sql"


@dataclass(frozen=True)
class RawColumn:
    """One column of a raw table: its name in the file, how staging reads it (text, id,
    label, integer, money, date, timestamp, boolean, custom) and its staged name."""

    name: str
    kind: str
    staged_as: str


class _Returned(Exception):
    """dbt's `return()` in a macro: the value it returns."""

    def __init__(self, value):
        super().__init__()
        self.value = value


def _return(value):
    raise _Returned(value)


@cache
def raw_contract() -> dict[str, dict]:
    """raw_contract() of the macro: table -> {family, staged_as, columns, ...}, the
    columns as written there ('<raw column> <kind>[ as <staged name>]'). The macros it
    calls for the keep order are not needed here and render as their name."""
    environment = jinja2.Environment(extensions=[jinja2.ext.do], undefined=jinja2.StrictUndefined)
    environment.globals.update({
        "return": _return,
        "rank_in_list": lambda column, values: f"rank_in_list({column})",
    })
    module = environment.from_string(CONTRACT_MACRO.read_text()).make_module()
    try:
        module.raw_contract()
    except _Returned as returned:
        return returned.value
    raise ValueError(f"raw_contract() in {CONTRACT_MACRO} returned nothing")


def contract_columns(table: str) -> list[RawColumn]:
    """The columns of a raw table, in contract (file) order."""
    columns = []
    for spec in raw_contract()[table]["columns"]:
        words = spec.split(" ")
        columns.append(RawColumn(words[0], words[1], words[3] if len(words) == 4 else words[0]))
    return columns


def raw_columns() -> dict[str, list[str]]:
    """table -> its raw column names, in contract order."""
    return {table: [c.name for c in contract_columns(table)] for table in raw_contract()}
