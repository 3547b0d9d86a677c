{#-
    One row per raw file read by the build: the table it belongs to, where it
    is (relative to the raw folder), its form, its bytes and its data rows, as
    the raw-file check counted them before anything ran (record_raw_file_loads).
    A table delivered as one file has one row; a table delivered as a folder of
    files (raw_path/<table>/), one per file. Summed per table, rows_read equals
    the rows data_quality_audit reads from it (tests/data_quality).
-#}

select
    source_table,
    raw_file,
    file_format,
    file_bytes,
    rows_read
from {{ source('raw_files', 'raw_file_loads') }}
