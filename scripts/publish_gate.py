"""The publish gate of scripts/publish.py: the checks that judge the data of a build
before it is published (docs/publishing.md, "The publish gate"; DECISIONLOG E8-E10).

- Quarantine shares: the dbt test `assert_quarantine_shares_are_bounded` fails when one
  quarantine check removed more than `max_quarantine_share` of a table's rows, or when
  near-duplicate events are more than `max_near_duplicate_share` of the kept events.
  dbt stores its rows; `quarantine_share_report` turns them into a message that names
  the table, the check, its column, three sample values read from the quarantine
  relation of the work database, and the var to raise.
- History: `check_history` compares the per-day figures of the build with the
  publication in place (events, purchases and revenue of funnel_daily; carts and
  abandoned value of cart_conversion_daily and orders of fct_carts), for the days older
  than the lookback of their family. A day that moved beyond the tolerance, or that
  the build no longer has, stops the publication unless the change is accepted
  (`--accept-history-change "why"`).

The rule vars are read as dbt reads them: the defaults of dbt_project.yml, overridden
by the vars of the run.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import duckdb
import yaml

QUARANTINE_SHARE_TEST = "assert_quarantine_shares_are_bounded"
# Lines of moved days printed (the manifest of an accepted change records them all).
MOVED_DAYS_SHOWN = 10
# A share suggested to raise a bound to: the next multiple of this.
SUGGESTED_SHARE_STEP = 0.05
SAMPLE_LENGTH = 160  # characters of a whole raw row shown as a sample

# The per-day figures the history check compares, per data family: the query that
# gives them (one row per day, on schema `marts`), the marts it reads, and the var of
# the family's lookback (days the refresh may still change).
HISTORY_FIGURES = {
    "events": {
        "marts": ["funnel_daily"],
        "lookback_var": "events_lookback_days",
        "figures": ["funnel events", "purchases", "revenue"],
        "query": """
            select
                event_date as day,
                view_events + cart_events + purchase_events as "funnel events",
                purchase_events as purchases,
                revenue
            from marts.funnel_daily
        """,
    },
    "commerce": {
        "marts": ["cart_conversion_daily", "fct_carts"],
        "lookback_var": "commerce_history_lookback_days",
        "figures": ["carts", "abandoned value", "orders"],
        "query": """
            with carts as (
                select period as day, carts, abandoned_value
                from marts.cart_conversion_daily
            ),
            orders as (
                select cast(ordered_at as date) as day, count(order_id) as orders
                from marts.fct_carts
                where order_id is not null
                group by cast(ordered_at as date)
            )
            select
                coalesce(carts.day, orders.day) as day,
                coalesce(carts.carts, 0) as carts,
                coalesce(carts.abandoned_value, 0) as "abandoned value",
                coalesce(orders.orders, 0) as orders
            from carts
            full outer join orders on carts.day = orders.day
        """,
    },
}


class GateVarError(ValueError):
    """A var of the gate that cannot be used (the message says which and why)."""


def rule_vars(project_dir: Path, dbt_vars: dict) -> dict:
    """The vars of a run as dbt sees them: dbt_project.yml's defaults, then the run's."""
    project = yaml.safe_load((project_dir / "dbt_project.yml").read_text())
    values = {**(project.get("vars") or {}), **dbt_vars}
    for name in ("history_max_relative_change", "history_min_absolute_change",
                 "events_lookback_days", "commerce_history_lookback_days"):
        value = values.get(name)
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise GateVarError(f"the var {name} must be a number of at least 0; got {value!r}")
    return values


def sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# --- quarantine shares ----------------------------------------------------------------


def quarantine_share_report(run_results: dict, build_db: Path) -> list[str]:
    """The lines that explain a failure of the quarantine-share test (none when it
    passed or did not run): one paragraph per check beyond its bound."""
    result = next(
        (r for r in run_results.get("results", [])
         if r["unique_id"] == f"test.ecommerce_behavior.{QUARANTINE_SHARE_TEST}"),
        None,
    )
    if result is None or result["status"] != "fail" or not result.get("relation_name"):
        return []
    with duckdb.connect(str(build_db), read_only=True) as con:
        cursor = con.execute(
            f"select * from {result['relation_name']} order by source_table, check_name"
        )
        names = [d[0] for d in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        # a check beyond its bound over the whole table is told once (its last days too)
        whole = {(r["source_table"], r["check_name"]) for r in rows if r["days_from"] is None}
        lines = ["the data-quality gate (test assert_quarantine_shares_are_bounded):"]
        for row in rows:
            if row["days_from"] is None or (row["source_table"], row["check_name"]) not in whole:
                lines += describe_share_failure(con, row)
    return lines


def describe_share_failure(con, row: dict) -> list[str]:
    """A check beyond its bound, in words, with three sample values and the var to raise."""
    table, check = row["source_table"], row["check_name"]
    if row["check_action"] == "unknown override":
        what = f"{table}.{check}" if check else table
        return [f"  the var max_quarantine_share_overrides names {what}, which is no "
                f"{'check of ' + table if check else 'table'} of seeds/reference/dq_checks.csv"]
    columns = (row["raw_columns"] or "").split()
    column_text = (f"column {columns[0]}" if len(columns) == 1
                   else f"columns {', '.join(columns)}" if columns else "every column")
    flagged = row["check_action"] == "flag"
    verb, whose = ("flagged", "kept rows") if flagged else ("removed", "rows")
    if row["days_from"] is not None:  # the days an incremental run rebuilds
        whose += (f" of the days from {row['days_from']} on (the days a refresh rebuilds) "
                  "and without a day")
    share, bound = float(row["share"]), float(row["max_share"])
    lines = [
        f"  {table}: the {'flag' if flagged else 'check'} {check} ({column_text}) {verb} "
        f"{row['rows_affected']:,} of {row['rows_of_table']:,} {whose} ({share:.1%}), more "
        f"than {row['var_name']} ({bound:.1%})",
        f"    sample values: {', '.join(sample_values(con, row, columns)) or '(none)'}",
        f"    if this is expected, raise the bound: {raise_hint(row, share)}",
    ]
    return lines


def sample_values(con, row: dict, columns: list[str]) -> list[str]:
    """Three distinct values of the check's columns (the raw values as read, from the
    quarantine relation; for a flag, the columns of its valid_ relation, of the days
    judged), or three raw rows when the check reads every column."""
    if row["check_action"] == "flag":
        expressions = [f"cast({identifier(c)} as varchar)" for c in columns]
        condition = identifier(row["flag_column"])
        if row["days_from"] is not None:  # the valid_ relation of events has their day
            condition += f" and event_date >= {sql_string(str(row['days_from']))}"
    else:
        expressions = [f"json_extract_string(raw_values, {sql_string('$.' + c)})"
                       for c in columns] or ["raw_values"]
        condition = f"dq_reason = {sql_string(row['check_name'])}"
    found = con.execute(
        f"select distinct {', '.join(expressions)} from {row['sample_relation']} "
        f"where {condition} order by all limit 3"
    ).fetchall()
    samples = []
    for values in found:
        if not columns:
            text = values[0] or ""
            samples.append(text if len(text) <= SAMPLE_LENGTH else text[:SAMPLE_LENGTH] + "…")
        elif len(columns) == 1:
            samples.append(shown(values[0]))
        else:
            samples.append("(" + ", ".join(
                f"{c}={shown(v)}" for c, v in zip(columns, values, strict=True)) + ")")
    return samples


def shown(value) -> str:
    return "(blank)" if value is None else repr(value)


def raise_hint(row: dict, share: float) -> str:
    """How to let this share pass: the vars (YAML) of the check's own bound, or of the
    near-duplicate bound, at the next multiple of 5 % above the share."""
    steps = math.ceil(round(share / SUGGESTED_SHARE_STEP, 9))
    suggested = f"{min(1.0, steps * SUGGESTED_SHARE_STEP):.2f}".rstrip("0").rstrip(".")
    if row["var_name"] == "max_near_duplicate_share":
        return f"VARS='{{max_near_duplicate_share: {suggested}}}'"
    hint = (f"VARS='{{max_quarantine_share_overrides: "
            f"{{{row['source_table']}.{row['check_name']}: {suggested}}}}}'")
    if row["var_name"] == "max_quarantine_share":
        hint += f" (or, for every check, VARS='{{max_quarantine_share: {suggested}}}')"
    return hint


# --- history ----------------------------------------------------------------------------


@dataclass
class MovedDay:
    family: str
    day: dt.date
    # figure -> (published, this build); for a missing day the build's are None
    figures: dict[str, tuple]
    missing: bool = False

    def change(self) -> tuple[float, float]:
        """How much it moved: the largest relative change, then the largest absolute."""
        if self.missing:
            return (math.inf, math.inf)
        relative = absolute = 0.0
        for old, new in self.figures.values():
            delta = abs(float(new) - float(old))
            absolute = max(absolute, delta)
            relative = max(relative, delta / abs(float(old)) if old else math.inf)
        return (relative, absolute)

    def line(self) -> str:
        if self.missing:
            published = ", ".join(f"{name} {number(old)}"
                                  for name, (old, _) in self.figures.items())
            return f"  {self.day} {self.family}: missing from this build (published: {published})"
        moved = ", ".join(
            f"{name} {number(old)} -> {number(new)} ({relative_text(old, new)})"
            for name, (old, new) in self.figures.items()
        )
        return f"  {self.day} {self.family}: {moved}"

    def record(self) -> dict:
        return {
            "family": self.family,
            "day": self.day.isoformat(),
            "missing": self.missing,
            "figures": {name: {"published": old, "this_build": new}
                        for name, (old, new) in self.figures.items()},
        }


def number(value) -> str:
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    return f"{value:,}"


def relative_text(old, new) -> str:
    if not old:
        return "new"
    return f"{(float(new) - float(old)) / abs(float(old)):+.1%}"


@dataclass
class HistoryCheck:
    """The outcome of comparing a build with the publication in place."""

    compared_with: str | None = None
    days_compared: dict[str, int] = field(default_factory=dict)
    moved: list[MovedDay] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)  # published families this build lacks
    note: str | None = None  # why nothing was compared

    def report(self, accepted: str | None = None) -> dict:
        """What manifest.json records."""
        return {
            "compared_with": self.compared_with,
            "days_compared": self.days_compared,
            "moved_days": [day.record() for day in self.sorted_moves()],
            "accepted_change": accepted,
            **({"note": self.note} if self.note else {}),
        }

    def sorted_moves(self) -> list[MovedDay]:
        return sorted(self.moved, key=lambda d: (tuple(-c for c in d.change()), d.day, d.family))

    def refusal(self, rule: dict, full_refresh: bool) -> list[str]:
        """The lines that say why nothing is published, and what to do."""
        moves = self.sorted_moves()
        missing = [d for d in moves if d.missing]
        changed = [d for d in moves if not d.missing]
        lines = [f"the history check against the publication in place ({self.compared_with}): "
                 f"{len(moves)} day(s) moved; the days that moved most "
                 f"(published -> this build):"]
        lines += [day.line() for day in moves[:MOVED_DAYS_SHOWN]]
        if len(moves) > MOVED_DAYS_SHOWN:
            lines.append(f"  ... and {len(moves) - MOVED_DAYS_SHOWN} more day(s)")
        for family in self.absent:
            lines.append(
                f"  the build has no {family} marts ({', '.join(HISTORY_FIGURES[family]['marts'])}"
                f"): was the {family} family switched off (enable_{family}: false)?")
        if missing:
            families = sorted({d.family for d in missing})
            lines.append(
                f"  {len(missing)} published day(s) of {' and '.join(families)} are missing "
                "from this build: the raw files must keep their full history (a refresh "
                "rebuilds old days from them); deliver the whole history again"
                + ("" if full_refresh else ", or, if the files are whole and the work "
                   "database holds another history, run a full refresh "
                   "(make build FULL_REFRESH=1)")
            )
        if changed:
            lines.append(
                f"  {len(changed)} day(s) older than the lookback (events: "
                f"events_lookback_days = {rule['events_lookback_days']}; commerce: "
                f"commerce_history_lookback_days = {rule['commerce_history_lookback_days']}) "
                "changed by more than history_max_relative_change "
                f"({rule['history_max_relative_change']:.1%}) and history_min_absolute_change "
                f"({rule['history_min_absolute_change']}): a file delivered twice, another "
                "shop's files (RAW_PATH), or a changed rule?"
            )
        lines.append(
            '  if the change is intended, publish it with make build ACCEPT_HISTORY_CHANGE="why" '
            '(scripts/publish.py --accept-history-change "why"); manifest.json records the '
            "reason and the moved days"
        )
        return lines


def figures_by_day(database: Path) -> dict[str, dict]:
    """family -> {day: {figure: value}} for the families whose marts the database has."""
    with duckdb.connect(str(database), read_only=True) as con:
        tables = {name for (name,) in con.execute(
            "select table_name from information_schema.tables where table_schema = 'marts'"
        ).fetchall()}
        found = {}
        for family, spec in HISTORY_FIGURES.items():
            if not set(spec["marts"]) <= tables:
                continue
            cursor = con.execute(spec["query"])
            names = [d[0] for d in cursor.description][1:]
            found[family] = {row[0]: dict(zip(names, row[1:], strict=True))
                             for row in cursor.fetchall()}
    return found


def moved_beyond(old, new, rule: dict) -> bool:
    """A figure moved beyond the tolerance: relative, with an absolute floor."""
    delta = abs(Decimal(str(new)) - Decimal(str(old)))
    floor = Decimal(str(rule["history_min_absolute_change"]))
    relative = Decimal(str(rule["history_max_relative_change"])) * abs(Decimal(str(old)))
    return delta > max(floor, relative)


def check_history(published: Path | None, publication_id: str | None, build_db: Path,
                  rule: dict) -> HistoryCheck:
    """Compares the build's per-day figures with the publication in place: for each family
    the publication has, a day it has and the build lacks has moved (wherever it is), and
    a day older than the family's lookback (counted back from the publication's latest day)
    has moved when one of its figures changed beyond the tolerance. New days never move."""
    if published is None:
        return HistoryCheck(note="no publication in place: nothing to compare")
    check = HistoryCheck(compared_with=publication_id)
    old_figures = figures_by_day(published)
    new_figures = figures_by_day(build_db)
    for family, old_days in old_figures.items():
        if not old_days:
            continue
        if family not in new_figures:
            check.absent.append(family)
        new_days = new_figures.get(family, {})
        lookback = dt.timedelta(days=rule[HISTORY_FIGURES[family]["lookback_var"]])
        settled_before = max(old_days) - lookback
        compared = 0
        for day, old in sorted(old_days.items()):
            new = new_days.get(day)
            if new is None:
                check.moved.append(MovedDay(family, day, {k: (v, None) for k, v in old.items()},
                                            missing=True))
                continue
            if day >= settled_before:
                continue
            compared += 1
            moved = {name: (old[name], new[name]) for name in old
                     if moved_beyond(old[name], new[name], rule)}
            if moved:
                check.moved.append(MovedDay(family, day, moved))
        check.days_compared[family] = compared
    return check

