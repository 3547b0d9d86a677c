"""Writing the tables: CSV (header, minimal RFC 4180 quoting, blank = empty field) or
Parquet (snappy, every column a STRING, blanks are NULL); the events as one file or as one
file per day in a folder."""

import csv
import os

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from .common import EVENT_CHUNK
from .schema import TABLE_COLUMNS


def table_schema(name: str, columns: list[str] | None = None) -> pa.Schema:
    """All-string Arrow schema of table ``name`` (its ``columns``, by default all of
    ``TABLE_COLUMNS[name]``)."""
    return pa.schema([(c, pa.string()) for c in (columns or TABLE_COLUMNS[name])])


def to_arrow(name: str, cols: dict, columns: list[str] | None = None) -> pa.Table:
    """Text columns (object arrays, ``None`` = blank) -> Arrow table in contract order;
    ``columns`` picks the columns to write (default: every contract column of ``name``)."""
    columns = columns or TABLE_COLUMNS[name]
    arrays = [pa.array(np.asarray(cols[c], dtype=object), type=pa.string(), from_pandas=True)
              for c in columns]
    return pa.Table.from_arrays(arrays, schema=table_schema(name, columns))


def _needs_quoting(table: pa.Table) -> bool:
    """True if any field contains a comma, quote, CR or LF (then the csv module writes it)."""
    return any(pc.any(pc.match_substring_regex(col, r'[,"\r\n]')).as_py() for col in table.columns)


def write_csv(table: pa.Table, path: str) -> None:
    """Header + rows, minimal quoting (only fields with , " CR LF), blank = empty field."""
    if _needs_quoting(table):
        with open(path, "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
            w.writerow(table.column_names)
            cols = [c.to_pylist() for c in table.columns]
            w.writerows(zip(*cols, strict=True))
        return
    with open(path, "wb") as f:
        f.write((",".join(table.column_names) + "\n").encode())
        pacsv.write_csv(table, f, pacsv.WriteOptions(include_header=False, quoting_style="none"))


def write_table(table: pa.Table, path: str, fmt: str) -> None:
    """Write one commerce table as ``csv`` or ``parquet``."""
    if fmt == "csv":
        write_csv(table, path)
    else:
        pq.write_table(table, path, compression="snappy")


def write_events(batches, path: str, fmt: str) -> int:
    """Stream event batches (Arrow tables) to ``path``; returns the number of rows."""
    schema = table_schema("events")
    rows = 0
    if fmt == "csv":
        with open(path, "wb") as f:
            f.write((",".join(schema.names) + "\n").encode())
            opts = pacsv.WriteOptions(include_header=False, quoting_style="none")
            with pacsv.CSVWriter(f, schema, write_options=opts) as w:
                for b in batches:
                    w.write_table(b)
                    rows += b.num_rows
    else:
        with pq.ParquetWriter(path, schema, compression="snappy") as w:
            for b in batches:
                w.write_table(b, row_group_size=EVENT_CHUNK)
                rows += b.num_rows
            if rows == 0:
                w.write_table(pa.Table.from_arrays([pa.array([], pa.string())] * 9, schema=schema))
    return rows


def write_events_daily(batches, folder: str, fmt: str) -> int:
    """Write the event batches as one file per day, ``<folder>/<YYYY-MM-DD>.<fmt>`` (the
    day of each row's event_time; the rows come sorted by time, so each day is one run of
    rows); a day without events has no file. Returns the number of rows."""
    os.makedirs(folder, exist_ok=True)
    rows = 0
    day, parts = None, []

    def flush() -> None:
        if day is not None:
            write_events(iter(parts), os.path.join(folder, f"{day}.{fmt}"), fmt)

    for batch in batches:
        days = pc.utf8_slice_codeunits(batch.column("event_time"), 0, 10).to_pylist()
        start = 0
        for i in range(1, len(days) + 1):
            if i == len(days) or days[i] != days[start]:
                if days[start] != day:
                    flush()
                    day, parts = days[start], []
                parts.append(batch.slice(start, i - start))
                start = i
        rows += batch.num_rows
    flush()
    return rows
