"""The publish gate on real builds (scripts/publish_gate.py, docs/publishing.md#the-publish-gate):
data that must not be published is refused with a message saying why, and the
publication in place stays as it was and readable.
- a check that removes most of a table (every cart line's price unreadable);
- every event delivered again a second later (the history and near-duplicate gates,
  on a new work database and on an incremental refresh);
- an events file cut to its last days (the history gate);
- another shop's files, unless the change is accepted (--accept-history-change);
- heavy-mess generator data, which passes every gate, is published.
Its boundaries on hand-made marts, without dbt: test_publish_gate.py.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import subprocess
import sys
from pathlib import Path

from dbt_invocation import PROJECT_DIR

from conftest import copy_sample_as_raw_files, csv_row_count, generate_raw
from publishing import (
    EXPORTS,
    copy_publication,
    copy_work,
    in_place,
    publication_state,
    publish_again,
    publish_env,
    run_publish,
)

# --- the publish gate: data that must not be published (scripts/publish_gate.py) -------

# What the gate reads, built without the rest: the quarantine-share test (and the other
# tests on what it reads) and the marts of the history check. Enough to be refused; a
# publication needs every mart (the heavy-mess test builds them all).
GATE_NODES = ["--select", "+data_quality_audit+", "+funnel_daily", "+cart_conversion_daily",
              "+fct_carts", "--indirect-selection", "cautious",
              "--exclude-resource-type", "unit_test"]


def dbt_in(root: Path, args: list[str], dbt_vars: dict) -> subprocess.CompletedProcess:
    """The `dbt` command line with the work database and target of `root`, as
    publish.py's write step runs it (publish_again then audits and publishes it)."""
    (root / "build").mkdir(parents=True, exist_ok=True)
    return subprocess.run(
        [str(Path(sys.executable).with_name("dbt")), *args, "--project-dir", str(PROJECT_DIR),
         "--vars", json.dumps(dbt_vars)],
        cwd=PROJECT_DIR, env=publish_env(root), capture_output=True, text=True, timeout=900,
    )


def refused_build(published: Path, root: Path, raw: Path,
                  incremental: bool = False) -> tuple[str, tuple[str, str]]:
    """A folder with the sample's publication in place and, in its work database (new, or
    with `incremental` the one that built the publication), the gate's nodes built from
    `raw`; publish.py's audit of it must refuse to publish. Returns its output and the
    publication's state, which it must leave as it was."""
    copy_publication(published, root)
    if incremental:
        copy_work(published, root)
    before = publication_state(root)
    build = dbt_in(root, ["build", *GATE_NODES], {"raw_path": str(raw)})
    assert build.returncode in (0, 1), build.stdout[-3000:] + build.stderr[-3000:]
    code, out = publish_again(root, "ok")
    assert code == 1, out[-3000:]
    assert "NOTHING WAS PUBLISHED" in out and "is unchanged and readable" in out, out[-3000:]
    assert publication_state(root) == before
    return out, before


def rewrite_csv(path: Path, change) -> None:
    """Rewrites a raw CSV file: `change(rows)` returns the new list of dict rows."""
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        header, rows = reader.fieldnames, list(reader)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(change(rows))


def gate_lines(out: str) -> list[str]:
    """The lines of publish.py's refusal (for the assertion messages)."""
    return [line for line in out.splitlines() if line.startswith("publish:")]


def test_a_check_that_removes_most_of_a_table_publishes_nothing(published, tmp_path):
    """Every cart line's unit price unreadable: the check invalid_unit_price removes
    nearly all of cart_items; plain dbt build fails, and publish.py names the table, the
    check, its column, three sample raw values and the var to raise."""
    raw = copy_sample_as_raw_files(tmp_path / "raw")
    spellings = ["abc", "12.5.0", "-"]  # no number in any reading (a null token is blank)
    rewrite_csv(raw / "cart_items.csv", lambda rows: [
        {**row, "unit_price": spellings[number % 3]} for number, row in enumerate(rows)])
    root = tmp_path / "root"
    out, before = refused_build(published, root, raw)
    lines = gate_lines(out)
    lines_text = "\n".join(lines)
    lines_count = csv_row_count(raw / "cart_items.csv")
    assert "the data-quality gate (test assert_quarantine_shares_are_bounded):" in out, lines_text
    # exact duplicates of the sample keep their own reason: the rest is unreadable
    assert re.search(
        rf"cart_items: the check invalid_unit_price \(column unit_price\) removed [\d,]+ of "
        rf"{lines_count:,} rows \(99\.\d%\), more than max_quarantine_share \(10\.0%\)",
        lines_text), lines_text
    assert "sample values: '-', '12.5.0', 'abc'" in lines_text
    assert ("raise the bound: VARS='{max_quarantine_share_overrides: "
            "{cart_items.invalid_unit_price: 1}}'") in lines_text
    assert "test.ecommerce_behavior.assert_quarantine_shares_are_bounded: fail" in out

    # the override it names lets the check pass; an override naming no table fails
    overrides = {"cart_items.invalid_unit_price": 1, "cart_item": 1}
    tested = dbt_in(root, ["test", "--select", "assert_quarantine_shares_are_bounded"],
                    {"raw_path": str(raw), "max_quarantine_share_overrides": overrides})
    assert tested.returncode == 1, tested.stdout[-3000:]
    code, out = publish_again(root, "ok")
    assert code == 1
    assert ("the var max_quarantine_share_overrides names cart_item, which is no table of "
            "seeds/reference/dq_checks.csv") in out, out[-3000:]
    assert "invalid_unit_price" not in out
    assert publication_state(root) == before


def test_heavy_mess_generator_data_publishes(tmp_path):
    """The generator's heaviest mess stays under every bound (DECISIONLOG E8); a refresh
    with the same data then compares its history with the publication and publishes."""
    raw = generate_raw(tmp_path / "raw", customers=600, events=20000, seed=12,
                       messiness="heavy")
    root = tmp_path / "root"
    code, out, err = run_publish(root, "--raw-path", str(raw))
    assert code == 0, out[-3000:] + err[-3000:]
    manifest = json.loads((root / EXPORTS / "manifest.json").read_text())
    assert manifest["history"]["compared_with"] is None  # nothing in place to compare with
    first_id = manifest["publication_id"]
    code, out = publish_again(root, "ok", "--raw-path", str(raw))
    assert code == 0, out[-3000:]
    history = json.loads((root / EXPORTS / "manifest.json").read_text())["history"]
    assert history["compared_with"] == first_id
    assert history["moved_days"] == [] and history["accepted_change"] is None
    assert history["days_compared"]["events"] > 300 and history["days_compared"]["commerce"] > 300


def delivered_twice(folder: Path, copy: bool = True) -> Path:
    """The committed sample in `folder` (with `copy`; else the raw files already there),
    every event followed by a copy one second later."""
    raw = copy_sample_as_raw_files(folder) if copy else folder

    def doubled(rows: list[dict]) -> list[dict]:
        out = []
        for row in rows:
            time_text = row["event_time"].removesuffix(" UTC")
            later = dt.datetime.fromisoformat(time_text) + dt.timedelta(seconds=1)
            out += [row, {**row, "event_time": f"{later:%Y-%m-%d %H:%M:%S} UTC"}]
        return out

    rewrite_csv(raw / "events.csv", doubled)
    return raw


def test_a_file_delivered_twice_stops_at_the_history_and_near_duplicate_gates(
    published, tmp_path
):
    """Every event delivered again one second later, built in full: revenue doubles on
    every old day (the history gate stops it) and half the kept events are near-duplicates
    (reported with samples)."""
    raw = delivered_twice(tmp_path / "raw")
    out, _ = refused_build(published, tmp_path / "root", raw)
    lines = gate_lines(out)
    lines_text = "\n".join(lines)
    assert "a data-quality check took more than its share of a table" in out
    assert "the history changed" in out
    assert re.search(
        r"events: the flag near_duplicate_event \(columns event_time, event_type, user_id, "
        r"product_id\) flagged [\d,]+ of [\d,]+ kept rows \(50\.\d%\), more than "
        r"max_near_duplicate_share \(5\.0%\)", lines_text), lines_text
    assert "raise the bound: VARS='{max_near_duplicate_share: 0.55}'" in lines_text
    history = [line for line in lines if re.match(r"publish:   \d{4}-\d\d-\d\d events: ", line)]
    assert 1 <= len(history) <= 10, lines_text  # the days that moved most, at most 10
    assert all("revenue" in line and "(+100.0%)" in line for line in history), history
    assert re.search(r"and \d+ more day\(s\)", lines_text)
    assert "a file delivered twice" in lines_text


def test_a_file_delivered_twice_to_an_incremental_refresh_stops_at_the_near_duplicates(
    tmp_path
):
    """The same file given again to an incremental refresh of the folder it was published
    from (same raw_path: the incremental models stay incremental, DECISIONLOG E7): the days
    before its window are not read again, so the history stays put, and only the last days
    double; the near-duplicate share of those days (not diluted by the whole history) stops
    it."""
    raw = copy_sample_as_raw_files(tmp_path / "raw")
    first = tmp_path / "first"
    code, out, err = run_publish(first, "--raw-path", str(raw))
    assert code == 0, out[-3000:] + err
    delivered_twice(raw, copy=False)
    out, _ = refused_build(first, tmp_path / "root", raw, incremental=True)
    lines_text = "\n".join(gate_lines(out))
    assert re.search(
        r"events: the flag near_duplicate_event \(columns event_time, event_type, user_id, "
        r"product_id\) flagged [\d,]+ of [\d,]+ kept rows of the days from 2024-12-27 on "
        r"\(the days a refresh rebuilds\) and without a day \(50\.\d%\)", lines_text), lines_text
    assert "sample values: (event_time='2024-12-2" in lines_text
    assert "the history changed" not in out


def test_a_shorter_events_file_stops_at_the_history_gate(published, tmp_path):
    """An events file that lost its first half: the days it lost are missing from the
    build, and the message says the raw file must keep its full history."""
    raw = copy_sample_as_raw_files(tmp_path / "raw")
    rewrite_csv(raw / "events.csv",
                lambda rows: [row for row in rows if row["event_time"] >= "2024-07-01"])
    out, _ = refused_build(published, tmp_path / "root", raw)
    lines_text = "\n".join(gate_lines(out))
    assert "publish:   2024-01-01 events: missing from this build (published: " in lines_text
    assert re.search(r"\d+ published day\(s\) of events are missing from this build: the raw "
                     r"files must keep their full history", lines_text), lines_text
    assert "FULL_REFRESH=1" in lines_text
    assert 'ACCEPT_HISTORY_CHANGE="why"' in lines_text
    assert "commerce:" not in lines_text  # the commerce files did not change


def test_another_shop_is_stopped_unless_the_change_is_accepted(ecomgen_work, tmp_path):
    """A build of another shop (the ecomgen sample, commerce only) over the sample's
    publication: refused, its history moved; published with --accept-history-change,
    which manifest.json records with the moved days."""
    root = tmp_path / "root"
    copy_publication(ecomgen_work, root)
    copy_work(ecomgen_work, root)
    before_id, _ = in_place(root)
    code, out = publish_again(root, "ok")
    assert code == 1, out[-3000:]
    assert "NOTHING WAS PUBLISHED: the history changed" in out
    assert "the build has no events marts (funnel_daily)" in out
    assert re.search(r"publish:   2024-\d\d-\d\d commerce: ", out), out[-3000:]
    assert in_place(root)[0] == before_id

    reason = "moving to the shop of the ecomgen sample"
    code, out = publish_again(root, "ok", "--accept-history-change", reason)
    assert code == 0, out[-3000:]
    assert "day(s) moved against the publication before" in out
    publication_id, tables = in_place(root)
    assert publication_id != before_id and "marts.funnel_kpis" not in tables
    history = json.loads((root / EXPORTS / "manifest.json").read_text())["history"]
    assert history["accepted_change"] == reason
    assert history["compared_with"] == before_id
    families = {day["family"] for day in history["moved_days"]}
    assert families == {"events", "commerce"}
    missing_events = [d for d in history["moved_days"] if d["missing"] and d["family"] == "events"]
    assert missing_events and missing_events[0]["figures"]["revenue"]["this_build"] is None
