"""A raw table delivered as a folder of files (raw_path/<table>/, docs/raw_data.md).

Trackers and exports write a table as many files: one per day or per month, in csv,
compressed csv or parquet, sometimes with the columns in another order or an extra
column. A folder of such files (the committed sample's events as daily files, its carts
and cart lines in parts of every form; the third-party ecomgen export as monthly files)
must publish exactly the marts of the same rows in one file. The mart
data_quality_raw_files must count each file's rows and bytes as Python counts them;
every file that cannot be read is named, with what to do; and events delivered day by
day to incremental runs must equal a full build, or stop the run when they cannot.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import gzip
import hashlib
import os
import re
import shutil
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from conftest import (
    COMMERCE_TABLES,
    ECOMGEN_SAMPLE_DIR,
    copy_sample_as_raw_files,
    duckdb_path,
    generate_raw,
    mart_differences,
    run_dbt,
)

# the mart that lists the files: it differs between one file and a folder by design
FILES_MART = "data_quality_raw_files"


def read_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    """The header and the rows of a raw csv file, as text."""
    with path.open(newline="", encoding="utf-8") as handle:
        header, *rows = list(csv.reader(handle))
    return header, rows


def write_part(path: Path, header: list[str], rows: list[list[str]], delimiter: str = ",") -> None:
    """Rows as a csv (plain, or gzip by the name's .gz), or as parquet (text columns,
    blanks as nulls: what a parquet export holds)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.name.endswith(".parquet"):
        columns = {c: [r[i] or None for r in rows] for i, c in enumerate(header)}
        pq.write_table(pa.table({c: pa.array(v, pa.string()) for c, v in columns.items()}), path)
        return
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "wt", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=delimiter, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def reordered(header: list[str], rows: list[list[str]], order: list[str]):
    """The same rows with the columns in `order` (columns not in the header: blank)."""
    index = [header.index(c) if c in header else None for c in order]
    return order, [[r[i] if i is not None else "" for i in index] for r in rows]


def split_into_parts(raw: Path, table: str) -> None:
    """Replace raw/<table>.csv by the folder raw/<table>/ of three parts in three forms:
    a csv with the columns reversed, a gzip csv with `;` as delimiter, a parquet file
    with an extra column; plus a hidden file and a file with only the header line."""
    header, rows = read_rows(raw / f"{table}.csv")
    (raw / f"{table}.csv").unlink()
    third = len(rows) // 3
    folder = raw / table
    write_part(folder / "part-1.csv", *reordered(header, rows[:third], header[::-1]))
    write_part(folder / "2024/part-2.csv.gz", header, rows[third:2 * third], delimiter=";")
    write_part(folder / "part-3.parquet",
               *reordered(header, rows[2 * third:], [*header, "exported_by"]))
    write_part(folder / "part-4-no-rows.csv", header, [])
    (folder / ".part-5.csv.tmp").write_text("half-written\n")


def file_rows(path: Path) -> int:
    """A raw file's data rows, counted by Python (csv module, parquet metadata)."""
    if path.name.endswith(".parquet"):
        return pq.ParquetFile(path).metadata.num_rows
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rt", newline="", encoding="utf-8") as handle:
        sample = handle.readline()
        handle.seek(0)
        delimiter = ";" if sample.count(";") > sample.count(",") else ","
        return sum(1 for _ in csv.reader(handle, delimiter=delimiter)) - 1


def raw_files_of(raw: Path) -> set[tuple]:
    """(table, relative path, form, bytes, rows) of every file a build reads from `raw`."""
    found = set()
    for path in raw.rglob("*"):
        relative = path.relative_to(raw)
        if path.is_dir() or any(part.startswith(".") for part in relative.parts):
            continue
        table = relative.parts[0].split(".")[0]
        form = path.name.split(".", 1)[1] if len(relative.parts) == 1 else (
            "parquet" if path.name.endswith(".parquet") else
            "csv.gz" if path.name.endswith(".csv.gz") else "csv")
        found.add((table, relative.as_posix(), form, path.stat().st_size, file_rows(path)))
    return found


def split_by_day(raw: Path, table: str, column: str) -> None:
    """Replace raw/<table>.csv by the folder raw/<table>/ of one file per day of
    `column` (<YYYY-MM-DD>.csv, as trackers write them; rows without a day in
    undated.csv)."""
    header, rows = read_rows(raw / f"{table}.csv")
    (raw / f"{table}.csv").unlink()
    days: dict[str, list[list[str]]] = {}
    for row in rows:
        days.setdefault(row[header.index(column)][:10] or "undated", []).append(row)
    for day, part in days.items():
        write_part(raw / table / f"{day}.csv", header, part)


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    """The committed sample with the events as daily files, and the carts and cart
    lines as folders of parts in every form."""
    raw = copy_sample_as_raw_files(tmp_path_factory.mktemp("folders"))
    split_by_day(raw, "events", "event_time")
    for table in ("shopping_carts", "cart_items"):
        split_into_parts(raw, table)
    build = run_dbt(["build"], tmp_path_factory.mktemp("folders_run"), {"raw_path": str(raw)})
    assert build.success, build.output[-3000:]
    return raw, build


def test_a_folder_of_files_publishes_the_marts_of_one_file(folders, sample_build):
    assert len(list((folders[0] / "events").glob("*.csv"))) > 300  # daily files
    differences = mart_differences(folders[1], sample_build)
    assert set(differences) == {FILES_MART}, differences


def test_each_file_is_counted_as_python_counts_it(folders):
    raw, build = folders
    listed = set(build.query("select source_table, raw_file, file_format, file_bytes, rows_read"
                             f" from marts.{FILES_MART}"))
    assert listed == raw_files_of(raw)
    no_rows = raw / "shopping_carts/part-4-no-rows.csv"
    assert ("shopping_carts", "shopping_carts/part-4-no-rows.csv", "csv",
            no_rows.stat().st_size, 0) in listed
    assert f"Raw file {no_rows} has a header and no rows" in build.output


def test_the_raw_files_add_up_to_the_rows_read(folders):
    raw, build = folders
    by_table = dict(build.query(
        f"select source_table, sum(rows_read) from marts.{FILES_MART} group by 1"))
    read = dict(build.query(
        "select source_table, rows_in from marts.data_quality_audit where step_type = 'read'"))
    assert by_table == read


# --- a third party's export, delivered as monthly files ------------------------------


def split_by_month(source: Path, destination: Path) -> None:
    """Each table of `source` as the folder destination/<table>/ of one file per month
    of its first date column (<YYYY-MM>.csv; rows without one in undated.csv), or of
    two halves for tables without a date."""
    for table in COMMERCE_TABLES:
        header, rows = read_rows(source / f"{table}.csv")
        dated = [i for i, c in enumerate(header) if c.endswith(("_at", "_date"))]
        parts: dict[str, list[list[str]]] = {}
        for number, row in enumerate(rows):
            key = (row[dated[0]][:7] or "undated") if dated else f"half-{2 * number // len(rows)}"
            parts.setdefault(key, []).append(row)
        for key, part in parts.items():
            write_part(destination / table / f"{key}.csv", header, part)


def test_a_third_party_export_in_monthly_files_publishes_the_same_marts(
    tmp_path, ecomgen_sample_build
):
    raw = tmp_path / "raw"
    split_by_month(ECOMGEN_SAMPLE_DIR, raw)
    assert len(list((raw / "orders").iterdir())) >= 12
    build = run_dbt(["build"], tmp_path / "run", {"raw_path": str(raw), "enable_events": False})
    assert build.success, build.output[-3000:]
    differences = mart_differences(build, ecomgen_sample_build)
    assert set(differences) == {FILES_MART}, differences
    assert build.query(f"select count(*), sum(rows_read) from marts.{FILES_MART}") == [
        (len(list(raw.rglob("*.csv"))), sum(file_rows(p) for p in raw.rglob("*.csv")))]


# --- what cannot be read is named ----------------------------------------------------


@pytest.fixture(scope="module")
def refused(tmp_path_factory):
    """One raw folder with every problem a folder of files can have (the check reports
    them all in one message), built up to one staging model."""
    raw = generate_raw(tmp_path_factory.mktemp("refused"), customers=50, events=500, seed=3,
                       messiness="none", daily_files=True)
    shutil.copyfile(next((raw / "events").glob("*.csv")), raw / "events.csv")
    header, rows = read_rows(raw / "shopping_carts.csv")
    (raw / "shopping_carts.csv").unlink()
    carts = raw / "shopping_carts"
    write_part(carts / "01.csv", header, rows[:10])
    (carts / "02.csv").write_bytes(b"")
    (carts / "03.xlsx").write_bytes(b"PK")
    write_part(carts / "04.csv", *reordered(header, rows[10:20], header[1:]))
    write_part(carts / "05.csv", header, [[*rows[20][:-1], "abandonné"]])
    latin = (carts / "05.csv").read_text(encoding="utf-8").encode("latin-1")
    (carts / "05.csv").write_bytes(latin)
    (raw / "returns.csv").unlink()
    (raw / "returns").mkdir()
    (raw / "returns" / ".DS_Store").write_bytes(b"\0")
    result = run_dbt(["build", "--select", "stg_ecom__customers"],
                     tmp_path_factory.mktemp("refused_run"), {"raw_path": str(raw)})
    assert not result.success
    return raw, result.output


def test_a_table_in_a_file_and_a_folder_is_refused(refused):
    raw, output = refused
    assert (f"{raw}/events.csv and the folder {raw}/events/ both hold the events table in"
            f" raw_path '{raw}': a table is one file or one folder of files; keep only one of"
            " them") in output


def test_an_empty_file_in_a_folder_is_named(refused):
    raw, output = refused
    assert (f"file {raw}/shopping_carts/02.csv is empty (0 bytes, not even the header line):"
            " deliver it again, or remove it") in output


def test_a_file_of_another_form_in_a_folder_is_named(refused):
    raw, output = refused
    assert (f"file {raw}/shopping_carts/03.xlsx in the folder {raw}/shopping_carts/ of the"
            " shopping_carts table is not .csv, .csv.gz, .csv.zst or .parquet") in output


def test_a_file_whose_header_lacks_a_column_is_named(refused):
    raw, output = refused
    assert f"file {raw}/shopping_carts/04.csv lacks column(s) cart_id." in output
    assert f"file {raw}/shopping_carts/01.csv" not in output  # the good part is no problem


def test_a_file_in_another_encoding_is_named_with_its_line(refused):
    raw, output = refused
    assert f"file {raw}/shopping_carts/05.csv is not utf-8: line 2 (the header is line 1)" in output


def test_a_folder_with_only_hidden_files_is_no_table(refused):
    raw, output = refused
    assert (f"no file returns.csv or returns.parquet in raw_path '{raw}' (nor returns.csv.gz or"
            " returns.csv.zst), nor a folder returns/ of such files") in output
    assert ".DS_Store" not in output


# --- events delivered day by day to incremental runs ----------------------------------


@pytest.fixture(scope="module")
def day_by_day(tmp_path_factory, folders):
    """The raw folder of `folders` delivered in two steps to one work database: a first
    build with the events of the first 300 days, then an incremental run once the other
    daily files have arrived. Returns (raw folder, work folder, the second build)."""
    raw = tmp_path_factory.mktemp("day_by_day") / "raw"
    shutil.copytree(folders[0], raw)
    later = sorted((raw / "events").glob("*.csv"))[300:]
    held_back = raw.parent / "held_back"
    held_back.mkdir()
    for path in later:
        shutil.move(path, held_back / path.name)
    work = raw.parent / "run"
    first = run_dbt(["build"], work, {"raw_path": str(raw)})
    assert first.success, first.output[-3000:]
    for path in held_back.iterdir():
        shutil.move(path, raw / "events" / path.name)
    second = run_dbt(["build"], work, {"raw_path": str(raw)})
    assert second.success, second.output[-3000:]
    return raw, work, second


def test_daily_files_delivered_to_incremental_runs_equal_a_full_build(day_by_day, folders):
    assert "incremental" in day_by_day[2].output  # the second run did not start again
    assert mart_differences(day_by_day[2], folders[1]) == {}


def events_files_read(build) -> set[str]:
    """The raw events files that the build's stg_clickstream__events read, by name, from
    its compiled SQL: empty when it read the source relation (every file)."""
    compiled = (build.target_path / "compiled" / "ecommerce_behavior" / "models" / "staging"
                / "clickstream" / "stg_clickstream__events.sql").read_text()
    return {Path(name).name for name in re.findall(
        r"'([^']*/events/[^']*\.(?:csv|csv\.gz|csv\.zst|parquet))'", compiled)}


def test_an_incremental_run_reads_only_the_files_of_its_window(day_by_day):
    """The second run's window starts events_lookback_days (3) before the latest day the
    first build kept (the last of its 300 daily files): it reads the files of those days
    and after, and leaves out the older ones, whose rows it would not keep."""
    raw, _, second = day_by_day
    files = sorted(p.name for p in (raw / "events").glob("*.csv"))
    window_start = (dt.date.fromisoformat(files[299][:10]) - dt.timedelta(days=3)).isoformat()
    assert events_files_read(second) == {f for f in files if f[:10] >= window_start}
    assert len(events_files_read(second)) < len(files) - 290


def test_the_files_left_out_still_give_the_decimal_separator(tmp_path):
    """Prices written with a decimal comma (`65,58`), except in the last ten daily files,
    whose prices read the same either way (`12`) or as two numbers (`1,234`). A full build
    reads `1,234` as 1.234: the table's other files show the comma. An incremental run
    that leaves the older files out must find the same separator (the manifest's record
    of their numbers), not stop on `1,234` nor read it another way."""
    raw = copy_sample_as_raw_files(tmp_path / "data")
    split_by_day(raw, "events", "event_time")
    files = sorted((raw / "events").glob("*.csv"))
    for index, path in enumerate(files):
        header, rows = read_rows(path)
        at = header.index("price")
        for number, row in enumerate(rows):
            row[at] = (row[at].replace(".", ",") if index < len(files) - 10
                       else "1,234" if number % 2 else "12")
        write_part(path, header, rows)
    held_back = tmp_path / "held_back"
    held_back.mkdir()
    for path in files[-5:]:
        shutil.move(path, held_back / path.name)
    dbt_vars = {"raw_path": str(raw)}
    select = ["run", "--select", "stg_clickstream__events"]
    first = run_dbt(select, tmp_path / "run", dbt_vars)
    assert first.success, first.output[-3000:]
    for path in held_back.iterdir():
        shutil.move(path, raw / "events" / path.name)
    incremental = run_dbt(select, tmp_path / "run", dbt_vars)
    assert incremental.success, incremental.output[-3000:]
    assert 0 < len(events_files_read(incremental)) < 10  # the comma's files were left out
    full = run_dbt(select, tmp_path / "full", dbt_vars)
    assert full.success, full.output[-3000:]
    table = "select * from staging.stg_clickstream__events order by all"
    assert incremental.query(table) == full.query(table)
    assert incremental.query("select count(*) from staging.stg_clickstream__events"
                             " where price = 1.234") != [(0,)]


@contextlib.contextmanager
def restored(path: Path):
    """Whatever the block does to the file `path` (rewrite, delete), put back its bytes and
    its modification time afterwards, also when the block fails."""
    kept, stat = path.read_bytes(), path.stat()
    try:
        yield
    finally:
        path.write_bytes(kept)
        os.utime(path, (stat.st_atime, stat.st_mtime))


def test_a_file_the_last_run_read_that_is_gone_stops_the_run(day_by_day):
    raw, work, _ = day_by_day
    gone = sorted((raw / "events").glob("*.csv"))[-1]
    with restored(gone):  # the run stops before any model: the database is as it was
        gone.unlink()
        result = run_dbt(["build"], work, {"raw_path": str(raw)})
    assert not result.success
    assert (f"the last run read the events file(s) {raw}/events/{gone.name}, which are gone:"
            " their rows are still in the tables. Restore them, or rebuild") in result.output


def manifest_of(work: Path) -> dict[str, tuple]:
    """The load manifest of the work database: {raw_file: (bytes, rows, modified_at,
    fingerprint, loaded_at)} of the events files."""
    with duckdb.connect(str(duckdb_path(work)), read_only=True) as con:
        rows = con.execute(
            "select raw_file, file_bytes, rows_read, modified_at, fingerprint, loaded_at"
            " from raw.raw_file_loads where source_table = 'events'").fetchall()
    return {r[0]: r[1:] for r in rows}


def file_facts(path: Path) -> tuple:
    """(bytes, modification time in UTC to the second, md5) of a file, by Python."""
    stat = path.stat()
    modified = dt.datetime.fromtimestamp(int(stat.st_mtime), dt.UTC).replace(tzinfo=None)
    return stat.st_size, modified, hashlib.md5(path.read_bytes()).hexdigest()


def test_the_load_manifest_records_each_file_and_reads_only_what_changed(day_by_day):
    """An incremental run after one daily file was touched (same bytes, a new
    modification time), another changed (a line of the last day added at its end), and a
    third changed with the same size and modification time (which the check does not
    read again)."""
    raw, work, _ = day_by_day
    files = sorted((raw / "events").glob("*.csv"))
    before = manifest_of(work)
    for path in files:
        size, modified, md5 = file_facts(path)
        assert before[f"events/{path.name}"][0] == size
        assert before[f"events/{path.name}"][2:4] == (modified, md5), path.name
    # the files of the first build kept the time they were first loaded
    first, later = before[f"events/{files[0].name}"][4], before[f"events/{files[-1].name}"][4]
    assert first < later

    # the changed file holds a day before the window: its new line (of the last day) is
    # taken in by the incremental run
    touched, grown, unseen, last_day = files[5], files[9], files[7], files[-2]
    os.utime(touched, (touched.stat().st_atime, touched.stat().st_mtime + 3600))
    # the same size and modification time: taken from the manifest, not read (as make
    # and rsync do; documented); a day before the window, so no table reads it either
    stat = unseen.stat()
    header, changed = read_rows(unseen)
    changed[0][-1] = changed[0][-1][:-1] + ("x" if changed[0][-1][-1:] != "x" else "y")
    header, rows = read_rows(grown)
    with grown.open("a", newline="", encoding="utf-8") as handle:  # a late copy, appended
        csv.writer(handle, lineterminator="\n").writerow(read_rows(last_day)[1][-1])
    with restored(unseen):
        write_part(unseen, header, changed)
        assert unseen.stat().st_size == stat.st_size
        os.utime(unseen, (stat.st_atime, stat.st_mtime))
        result = run_dbt(["build"], work, {"raw_path": str(raw)})
    assert result.success, result.output[-3000:]  # the audit's two readers agree
    after = manifest_of(work)
    assert after[f"events/{unseen.name}"] == before[f"events/{unseen.name}"]

    size, modified, md5 = file_facts(touched)
    assert after[f"events/{touched.name}"][2:4] == (modified, md5)
    assert after[f"events/{touched.name}"][4] == before[f"events/{touched.name}"][4]
    size, modified, md5 = file_facts(grown)
    assert after[f"events/{grown.name}"][:4] == (size, len(rows) + 1, modified, md5)
    assert after[f"events/{grown.name}"][4] > before[f"events/{grown.name}"][4]
    unchanged = [f"events/{p.name}" for p in files if p not in (touched, grown)]
    assert all(after[f] == before[f] for f in unchanged)


def test_a_record_of_an_earlier_version_still_names_a_gone_file(day_by_day):
    """The first run after an upgrade finds raw.raw_file_loads without the manifest's
    columns (as the version before the manifest wrote it): it reads every file again
    and still names a file that is gone."""
    raw, work, _ = day_by_day
    with duckdb.connect(str(duckdb_path(work))) as con:
        con.execute("create or replace table raw.saved_loads as select * from raw.raw_file_loads")
        con.execute("create or replace view raw.raw_file_loads as select source_table, raw_file,"
                    " file_format, file_bytes, rows_read from raw.saved_loads")
    gone = sorted((raw / "events").glob("*.csv"))[-1]
    try:
        with restored(gone):
            gone.unlink()
            result = run_dbt(["build"], work, {"raw_path": str(raw)})
    finally:
        with duckdb.connect(str(duckdb_path(work))) as con:
            con.execute("create or replace view raw.raw_file_loads as"
                        " select * from raw.saved_loads")
    assert not result.success
    assert f"the last run read the events file(s) {raw}/events/{gone.name}, which are gone" in (
        result.output), result.output[-3000:]


def test_a_new_file_of_days_before_the_window_stops_the_run(day_by_day):
    """Runs last in this file: it leaves the work database with a failed build."""
    raw, work, _ = day_by_day
    header, rows = read_rows(sorted((raw / "events").glob("*.csv"))[10])
    resent = raw / "events" / "resent" / "day-11.csv"
    write_part(resent, header, [[*row[:-1], row[-1] + "-resent"] for row in rows])
    late = run_dbt(["build"], work, {"raw_path": str(raw)})
    assert not late.success
    day = rows[0][0][:10]
    assert (f"new events file(s) {resent} hold events of {day}, before the days an incremental"
            " run rebuilds (from ") in late.output, late.output[-3000:]
    assert "Rebuild with a full refresh (make build FULL_REFRESH=1" in late.output

    # where the check cannot see it coming (here the last run's record of its files is
    # made to list the new file, as if it had been read), the audit's two readers
    # disagree after the build, and the build fails: nothing moved is published in silence
    with duckdb.connect(str(duckdb_path(work))) as con:
        con.execute("create table raw.earlier_loads as select * from raw.raw_file_loads")
        con.execute("create or replace view raw.raw_file_loads as select * from raw.earlier_loads"
                    " union all select 'events', 'events/resent/day-11.csv', 'csv', 0, 0,"
                    " null, null, null, null, null, null")
    unseen = run_dbt(["build"], work, {"raw_path": str(raw)})
    assert not unseen.success
    assert "Failure in test assert_raw_files_add_up_to_the_audit" in unseen.output

    # a full refresh takes the file in
    refreshed = run_dbt(["build", "--full-refresh"], work, {"raw_path": str(raw)})
    assert refreshed.success, refreshed.output[-3000:]
    assert refreshed.query(f"select rows_read from marts.{FILES_MART}"
                           " where raw_file = 'events/resent/day-11.csv'") == [(len(rows),)]
