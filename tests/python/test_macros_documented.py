"""Every macro of the project (macros/**/*.sql, dispatched variants included) and
every generic test (tests/generic/*.sql, the macro test_<name>) is documented in
macros/_macros.yml: it has a description, each argument of its signature has a
type and a description, and no argument is documented that the macro does not have.

The manifest lists a macro's `arguments` from the YAML only, so the real arguments
are read from the `{% macro name(args) %}` / `{% test name(args) %}` header of its
`macro_sql`."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.check  # parse-level: run by `make check`

HEADER = re.compile(r"\{%-?\s*(?:macro|test)\s+\w+\s*\((.*?)\)\s*-?%\}", re.DOTALL)
# quoted strings and bracketed values, so that a default such as ['a', 'b'] adds no comma
DEFAULT_VALUES = re.compile(r"'[^']*'|\"[^\"]*\"|\[[^\]]*\]|\([^)]*\)|\{[^}]*\}")


@pytest.fixture(scope="module")
def macros(parsed_manifest) -> dict[str, dict]:
    return {
        macro["name"]: macro
        for macro in parsed_manifest["macros"].values()
        if macro["package_name"] == "ecommerce_behavior"
    }


def signature(macro: dict) -> list[str]:
    """The argument names of a macro, from the header of its code."""
    header = HEADER.search(macro["macro_sql"])
    assert header, f"no macro or test header in {macro['original_file_path']}"
    arguments = DEFAULT_VALUES.sub("", header.group(1))
    return [a.split("=")[0].strip() for a in arguments.split(",") if a.strip()]


def test_every_macro_has_a_description(macros):
    assert len(macros) > 50
    missing = sorted(name for name, macro in macros.items() if not macro["description"].strip())
    assert not missing, f"macros without a description in macros/_macros.yml: {missing}"


def test_every_argument_is_documented(macros):
    undocumented = []
    for name, macro in macros.items():
        documented = {
            a["name"] for a in macro["arguments"] if a["description"].strip() and a["type"]
        }
        undocumented += [f"{name}({a})" for a in signature(macro) if a not in documented]
    assert not undocumented, (
        f"arguments without a type and description in macros/_macros.yml: {sorted(undocumented)}"
    )


def test_no_documented_argument_is_stale(macros):
    stale = [
        f"{name}({a['name']})"
        for name, macro in macros.items()
        for a in macro["arguments"]
        if a["name"] not in signature(macro)
    ]
    assert not stale, f"documented arguments that the macro does not have: {sorted(stale)}"
