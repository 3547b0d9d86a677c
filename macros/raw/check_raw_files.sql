{#-
    Runs once before every dbt command (on-run-start), before
    create_raw_relations. Checks that each raw table of an enabled family can be
    read: from files (raw_path, or the committed sample), a folder that exists
    holding exactly one file <table>.csv, .csv.gz, .csv.zst or .parquet
    (raw_file_extensions), readable in the encoding of the var raw_encoding,
    with every contract column; in warehouse mode, the source table with every
    contract column. All problems are reported together in one message that
    says what to do. A file with a header and no rows is no problem (its tables
    build empty, the audit says 0 read), but it is named in a warning.
-#}
{% macro check_raw_files() %}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {%- set problems = [] -%}
    {%- set empty_files = [] -%}
    {%- set folders = {} -%}
    {%- set switches = {'commerce': 'enable_commerce', 'events': 'enable_events'} -%}
    {%- set encodings = raw_encodings() -%}
    {%- if encodings is not none and var('raw_encoding') not in encodings -%}
        {#- raised alone: every file would fail to be read -#}
        {%- do raise_problems("Raw data check failed", [
            "the var raw_encoding is '" ~ var('raw_encoding') ~ "', which " ~ target.type
            ~ " cannot read: use one of " ~ encodings | join(', ') ~ " (docs/raw_data.md)."]) -%}
    {%- endif -%}
    {%- for table_name, spec in raw_contract().items() -%}
        {%- set family = spec['family'] -%}
        {%- set folder = raw_folder(family) if raw_family_enabled(family) else none -%}
        {%- set switch_hint = "or switch the " ~ family ~ " family off with --vars '{" ~ switches[family] ~ ": false}'" -%}
        {%- if folder is not none and folder not in folders -%}
            {#- a folder that does not exist is reported once, not as one missing file per table -#}
            {%- set folder_problem = raw_folder_pattern_problem(folder) or raw_folder_problem(folder) -%}
            {%- do folders.update({folder: folder_problem}) -%}
            {%- if folder_problem -%}{%- do problems.append(folder_problem) -%}{%- endif -%}
        {%- endif -%}
        {%- if folder is not none and not folders[folder] -%}
            {%- set files = list_raw_files(table_name) -%}
            {%- if files | length == 0 -%}
                {%- set compressed = raw_file_extensions() | reject('in', ['csv', 'parquet']) | list -%}
                {%- do problems.append(
                    "no file " ~ table_name ~ ".csv or " ~ table_name ~ ".parquet in raw_path '"
                    ~ folder ~ "'"
                    ~ (" (nor " ~ table_name ~ "." ~ compressed | join(' or ' ~ table_name ~ '.') ~ ")"
                        if compressed else "")
                    ~ ": add it, " ~ switch_hint ~ ".") -%}
            {%- elif files | length > 1 -%}
                {%- do problems.append(
                    ("both " if files | length == 2 else "")
                    ~ files[:-1] | join(', ') ~ " and " ~ files[-1] ~ " are forms of the "
                    ~ table_name ~ " table in raw_path '" ~ folder ~ "': a table is one file"
                    ~ " directly in raw_path; keep only one of them.") -%}
            {%- else -%}
                {%- set scan = raw_file_scan(files[0]) -%}
                {%- if scan['bad_line'] is not none -%}
                    {%- do problems.append(
                        "file " ~ files[0] ~ " is not " ~ var('raw_encoding') ~ ": line "
                        ~ scan['bad_line'] ~ " (the header is line 1) is the first that cannot be read as "
                        ~ var('raw_encoding') ~ ". Set the var raw_encoding to the encoding of the raw"
                        ~ " files (--vars '{raw_encoding: latin-1}'), or convert the file to "
                        ~ var('raw_encoding') ~ ".") -%}
                {%- else -%}
                    {%- set missing = missing_columns(raw_column_names(table_name), raw_file_columns(files[0])) -%}
                    {%- if missing -%}
                        {%- do problems.append(
                            "file " ~ files[0] ~ " lacks column(s) " ~ missing | join(', ')
                            ~ ". The " ~ table_name ~ " table needs the columns "
                            ~ raw_column_names(table_name) | join(', ')
                            ~ " (docs/raw_data.md); add the missing ones to the header (values may be empty).") -%}
                    {%- elif scan['rows'] == 0 -%}
                        {%- do empty_files.append(files[0]) -%}
                    {%- endif -%}
                    {%- if table_name == 'events' and not missing -%}
                        {%- set shrunk = raw_history_shrink_problem(files[0], scan['rows']) -%}
                        {%- if shrunk -%}{%- do problems.append(shrunk) -%}{%- endif -%}
                    {%- endif -%}
                {%- endif -%}
            {%- endif -%}
        {%- elif folder is none and raw_family_enabled(family) and var(family ~ '_source_schema', none) is not none -%}
            {%- set source_name = raw_source_name(family) -%}
            {%- set relation = adapter.get_relation(
                database=source(source_name, table_name).database,
                schema=source(source_name, table_name).schema,
                identifier=source(source_name, table_name).identifier) -%}
            {%- if relation is none -%}
                {%- do problems.append(
                    "warehouse table " ~ source(source_name, table_name) ~ " does not exist: check the vars "
                    ~ family ~ "_source_database / " ~ family ~ "_source_schema, " ~ switch_hint ~ ".") -%}
            {%- else -%}
                {%- set found = adapter.get_columns_in_relation(relation) | map(attribute='name') | map('lower') | list -%}
                {%- set missing = missing_columns(raw_column_names(table_name), found) -%}
                {%- if missing -%}
                    {%- do problems.append(
                        "warehouse table " ~ relation ~ " lacks column(s) " ~ missing | join(', ')
                        ~ " (docs/raw_data.md).") -%}
                {%- endif -%}
            {%- endif -%}
        {%- endif -%}
    {%- endfor -%}
    {%- for folder, folder_problem in folders.items() if not folder_problem -%}
        {%- set unread = unread_raw_files(folder) -%}
        {%- for file in unread['table_parts'] -%}
            {%- do problems.append(
                "file " ~ file ~ " looks like part of the " ~ unread['table_parts'][file]
                ~ " table, but a table is one file " ~ unread['table_parts'][file]
                ~ ".csv (or .csv.gz, .parquet) directly in raw_path: merge the files into it,"
                ~ " or move this one out of raw_path '" ~ folder ~ "' (docs/raw_data.md).") -%}
        {%- endfor -%}
        {%- if unread['others'] -%}
            {%- do exceptions.warn(
                "raw_path '" ~ folder ~ "' holds files the build does not read: "
                ~ unread['others'] | join(', ') ~ " (a raw table is <table>.csv, .csv.gz or"
                ~ " .parquet directly in raw_path; docs/raw_data.md).") -%}
        {%- endif -%}
    {%- endfor -%}
    {%- for file in empty_files -%}
        {%- do exceptions.warn(
            "Raw file " ~ file ~ " has a header and no rows: its table is read as empty"
            ~ " (data_quality_audit reports 0 read).") -%}
    {%- endfor -%}
    {%- do raise_problems("Raw data check failed", problems) -%}
    {{ return('') }}
{% endmacro %}


{#-
    The encodings the engine reads raw csv files in (the values the var
    raw_encoding may take), or none when the engine takes any name it knows:
    DuckDB reads utf-8, utf-16 and latin-1 without an extension; Spark reads
    every charset of the JVM.
-#}
{% macro raw_encodings() %}
    {{ return(adapter.dispatch('raw_encodings', 'ecommerce_behavior')()) }}
{% endmacro %}

{% macro default__raw_encodings() %}
    {{ return(none) }}
{% endmacro %}

{% macro duckdb__raw_encodings() %}
    {{ return(['utf-8', 'utf-16', 'latin-1']) }}
{% endmacro %}


{#-
    Why a raw folder's name cannot be used, or '' when it can: the engines read
    file paths as patterns, so a folder whose name holds a wildcard character
    (* ? [ ] { }) would read other files, or none. Quotes, spaces, `;` and
    backticks are fine (paths reach SQL through sql_text_literal).
-#}
{% macro raw_folder_pattern_problem(folder) %}
    {%- set found = [] -%}
    {%- for character in '*?[]{}' -%}
        {%- if character in folder -%}{%- do found.append(character) -%}{%- endif -%}
    {%- endfor -%}
    {%- if found -%}
        {{ return("raw_path '" ~ folder ~ "' holds " ~ found | join(' ')
            ~ ", which " ~ target.type ~ " reads as wildcards in a file path: rename the folder,"
            ~ " or point raw_path at a link to it whose name has none of * ? [ ] { }.") }}
    {%- endif -%}
    {{ return('') }}
{% endmacro %}


{#-
    Why the raw folder cannot be read, or '' when it can: it does not exist (or
    is an empty folder), or it is a file.
-#}
{% macro raw_folder_problem(folder) %}
    {{ return(adapter.dispatch('raw_folder_problem', 'ecommerce_behavior')(folder)) }}
{% endmacro %}

{#- Spark's own listing (list_raw_files) stops on a missing folder with "Path does not exist: <path>". -#}
{% macro default__raw_folder_problem(folder) %}
    {{ return('') }}
{% endmacro %}

{#- DuckDB's glob lists files only: a folder with no file looks like one that does not exist. -#}
{% macro duckdb__raw_folder_problem(folder) %}
    {%- set query -%}
        select
            (select count(*) from glob({{ sql_text_literal(folder) }})) as as_file,
            (select count(*) from glob({{ sql_text_literal(folder.rstrip('/') ~ '/*') }})) as inside
    {%- endset -%}
    {%- set found = run_query(query).rows[0] -%}
    {%- if found[0] > 0 -%}
        {{ return("raw_path '" ~ folder ~ "' is a file, not a folder: set raw_path to the folder that holds the raw files.") }}
    {%- elif found[1] == 0 -%}
        {{ return("raw_path '" ~ folder ~ "' does not exist (or is an empty folder): set raw_path to the folder that holds the raw files.") }}
    {%- endif -%}
    {{ return('') }}
{% endmacro %}


{#-
    Reads a raw file once, through: {'rows': its data rows, 'bad_line': the
    first line (the header is line 1) that cannot be read in the encoding of the
    var raw_encoding, or none}. A parquet file has no encoding and its row count
    is in its metadata.
-#}
{% macro raw_file_scan(path) %}
    {{ return(adapter.dispatch('raw_file_scan', 'ecommerce_behavior')(path)) }}
{% endmacro %}

{% macro default__raw_file_scan(path) %}
    {{ not_supported_on_adapter('raw_file_scan') }}
{% endmacro %}

{#-
    DuckDB: the csv reader's store_rejects keeps the lines it cannot read (with
    their line number) instead of stopping, so the check can name the first one.
    Every column is read (the whole row, `raw_row`): DuckDB checks the encoding
    of the columns a query uses only.
-#}
{% macro duckdb__raw_file_scan(path) %}
    {%- if path.endswith('.parquet') -%}
        {%- set rows = run_query("select count(*) from " ~ duckdb_raw_file_reader(path)).rows[0][0] -%}
        {{ return({'rows': rows, 'bad_line': none}) }}
    {%- endif -%}
    {%- do run_query("drop table if exists temp.raw_check_rejects") -%}
    {%- do run_query("drop table if exists temp.raw_check_scans") -%}
    {%- set counted = run_query(
        "select count(*) filter (where raw_row is not null) from "
        ~ duckdb_raw_file_reader(path, "store_rejects = true, rejects_table = 'raw_check_rejects', "
            ~ "rejects_scan = 'raw_check_scans'")
        ~ " as raw_row") -%}
    {%- set rejected = run_query(
        "select count(*), min(case when error_type = 'INVALID ENCODING' then line end)"
        ~ " from temp.raw_check_rejects").rows[0] -%}
    {%- do run_query("drop table if exists temp.raw_check_rejects") -%}
    {%- do run_query("drop table if exists temp.raw_check_scans") -%}
    {{ return({'rows': counted.rows[0][0] + rejected[0], 'bad_line': rejected[1]}) }}
{% endmacro %}


{#- Lower-cased column names of a raw file. -#}
{% macro raw_file_columns(path) %}
    {{ return(adapter.dispatch('raw_file_columns', 'ecommerce_behavior')(path)) }}
{% endmacro %}

{% macro default__raw_file_columns(path) %}
    {{ not_supported_on_adapter('raw_file_columns') }}
{% endmacro %}

{% macro duckdb__raw_file_columns(path) %}
    {%- set described = run_query('describe select * from ' ~ duckdb_raw_file_reader(path)) -%}
    {{ return(described.columns[0].values() | map('lower') | list) }}
{% endmacro %}


{#- The expected columns that are not among the found ones, in contract order. -#}
{% macro missing_columns(expected, found) %}
    {{ return(expected | reject('in', found) | list) }}
{% endmacro %}


{#-
    The files of a raw folder (and its subfolders) that the build does not read:
    {'table_parts': {file: table} for those named like part of a table
    (`events2.csv`, `events-2019-Nov.csv`, `sub/events.csv`: a name that starts with
    a table's name and ends with a raw file extension), 'others': the rest}. Hidden
    files (a name starting with `.`) are left out. Engines that cannot list a folder
    recursively return nothing (default).
-#}
{% macro unread_raw_files(folder) %}
    {{ return(adapter.dispatch('unread_raw_files', 'ecommerce_behavior')(folder)) }}
{% endmacro %}

{% macro default__unread_raw_files(folder) %}
    {{ return({'table_parts': {}, 'others': []}) }}
{% endmacro %}

{% macro duckdb__unread_raw_files(folder) %}
    {%- set base = folder.rstrip('/') -%}
    {%- set listed = run_query("select file from glob(" ~ sql_text_literal(base ~ '/**') ~ ") order by file")
        .columns[0].values() | list -%}
    {%- set read = [] -%}
    {%- set tables = [] -%}
    {%- for table_name, spec in raw_contract().items() -%}
        {%- do tables.append(table_name) -%}
        {%- for extension in raw_file_extensions() -%}
            {%- do read.append(base ~ '/' ~ table_name ~ '.' ~ extension) -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- set unread = {'table_parts': {}, 'others': []} -%}
    {%- for file in listed if file not in read -%}
        {%- set relative = file[base | length + 1:] -%}
        {%- set name = relative.split('/')[-1] | lower -%}
        {%- set hidden = [] -%}
        {%- for part in relative.split('/') if part.startswith('.') -%}
            {%- do hidden.append(part) -%}
        {%- endfor -%}
        {%- if not hidden -%}
            {%- set extension_found = [] -%}
            {%- for extension in raw_file_extensions() if name.endswith('.' ~ extension) -%}
                {%- do extension_found.append(extension) -%}
            {%- endfor -%}
            {#- no table's name starts another's, so at most one matches -#}
            {%- set table_found = [] -%}
            {%- for table_name in tables if name.startswith(table_name) and extension_found -%}
                {%- do table_found.append(table_name) -%}
            {%- endfor -%}
            {%- if table_found -%}
                {%- do unread['table_parts'].update({file: table_found[0]}) -%}
            {%- else -%}
                {%- do unread['others'].append(file) -%}
            {%- endif -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(unread) }}
{% endmacro %}


{#-
    Why the events file cannot be read incrementally, or '' when it can: earlier
    runs read more rows from before the incremental window than the file now holds
    in all (it was replaced by a shorter one). Checked when the events' staging
    table exists, will be built incrementally (no --full-refresh, same raw inputs)
    and the file has every column.
-#}
{% macro raw_history_shrink_problem(path, raw_rows) %}
    {%- if flags.FULL_REFRESH -%}{{ return('') }}{%- endif -%}
    {%- set relation = adapter.get_relation(
        database=target.get('database'), schema='staging', identifier='stg_clickstream__events') -%}
    {%- if relation is none
        or recorded_raw_inputs('stg_clickstream__events') not in [none, raw_inputs_signature()] -%}
        {{ return('') }}
    {%- endif -%}
    {%- set window_start = dbt.dateadd('day', -1 * var('events_lookback_days'), 'max(event_date)') -%}
    {%- set staged = run_query(
        "select count(*) from " ~ relation ~ " where event_date < (select cast("
        ~ window_start ~ " as date) from " ~ relation ~ ")").rows[0][0] -%}
    {%- if raw_rows < staged -%}
        {{ return("file " ~ path ~ " holds " ~ raw_rows ~ " rows, fewer than the " ~ staged
            ~ " rows before the incremental window that earlier runs read from it: the raw"
            ~ " file must keep its full history (add new events to it, never replace it by a"
            ~ " shorter one), or rebuild from it alone with a full refresh (make build"
            ~ " FULL_REFRESH=1, dbt build --full-refresh).") }}
    {%- endif -%}
    {{ return('') }}
{% endmacro %}

