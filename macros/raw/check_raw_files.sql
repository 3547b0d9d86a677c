{#-
    Runs once before every dbt command (on-run-start), before
    create_raw_relations. Checks that each raw table of an enabled family can be
    read: from files (raw_path, or the committed sample), a folder that exists
    holding either exactly one file <table>.csv, .csv.gz, .csv.zst or .parquet
    (raw_file_extensions) or a folder <table>/ of such files (any names, any
    number; DuckDB), each readable in the encoding of the var raw_encoding,
    not empty (0 bytes), with every contract column; in warehouse mode, the
    source table with every contract column. All problems are reported
    together in one message that says what to do. A file with a header and no
    rows is no problem (it adds no row, the audit says so), but it is named in
    a warning. Then records what it read from each file (record_raw_file_loads).
-#}
{% macro check_raw_files() %}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {%- set problems = [] -%}
    {%- set empty_files = [] -%}
    {%- set loads = [] -%}
    {%- set folders = {} -%}
    {%- set previous = previous_raw_file_loads() -%}
    {%- set loaded_now = run_started_at.strftime('%Y-%m-%d %H:%M:%S.%f') -%}
    {%- set switches = {'commerce': 'enable_commerce', 'events': 'enable_events',
        'marketing': 'enable_marketing'} -%}
    {%- set encodings = raw_encodings() -%}
    {%- if encodings is not none and var('raw_encoding') not in encodings -%}
        {#- raised alone: every file would fail to be read -#}
        {%- do raise_problems("Raw data check failed", [
            "the var raw_encoding is '" ~ var('raw_encoding') ~ "', which " ~ target.type
            ~ " cannot read: use one of " ~ encodings | join(', ') ~ " (docs/raw_data.md)."]) -%}
    {%- endif -%}
    {%- for table_name, spec in raw_contract().items() -%}
        {%- set family = spec['family'] -%}
        {#- an optional family without files is no problem: it is built empty -#}
        {%- set folder = raw_folder(family)
            if raw_family_enabled(family) and raw_family_present(family) else none -%}
        {%- set switch_hint = "or switch the " ~ family ~ " family off with --vars '{" ~ switches[family] ~ ": false}'" -%}
        {%- if folder is not none and folder not in folders -%}
            {#- a folder that does not exist is reported once, not as one missing file per table -#}
            {%- set folder_problem = raw_folder_pattern_problem(folder) or raw_folder_problem(folder) -%}
            {%- do folders.update({folder: folder_problem}) -%}
            {%- if folder_problem -%}{%- do problems.append(folder_problem) -%}{%- endif -%}
        {%- endif -%}
        {%- if folder is not none and not folders[folder] -%}
            {%- set problems_before = problems | length -%}
            {%- set single = list_raw_files(table_name) -%}
            {%- set in_folder = list_raw_folder_files(table_name) -%}
            {%- set table_folder = raw_table_folder(table_name) ~ '/' -%}
            {%- if single and in_folder -%}
                {%- do problems.append(
                    single | join(' and ') ~ " and the folder " ~ table_folder ~ " both hold the "
                    ~ table_name ~ " table in raw_path '" ~ folder ~ "': a table is one file or one"
                    ~ " folder of files; keep only one of them (docs/raw_data.md).") -%}
            {%- elif not single and not in_folder -%}
                {%- set compressed = raw_file_extensions() | reject('in', ['csv', 'parquet']) | list -%}
                {%- do problems.append(
                    "no file " ~ table_name ~ ".csv or " ~ table_name ~ ".parquet in raw_path '"
                    ~ folder ~ "'"
                    ~ (" (nor " ~ table_name ~ "." ~ compressed | join(' or ' ~ table_name ~ '.') ~ ")"
                        if compressed else "")
                    ~ (", nor a folder " ~ table_name ~ "/ of such files" if raw_table_folders_read() else "")
                    ~ ": add it, " ~ switch_hint ~ ".") -%}
            {%- elif single | length > 1 -%}
                {%- do problems.append(
                    ("both " if single | length == 2 else "")
                    ~ single[:-1] | join(', ') ~ " and " ~ single[-1] ~ " are forms of the "
                    ~ table_name ~ " table in raw_path '" ~ folder ~ "': a table is one file"
                    ~ " directly in raw_path (or one folder of files); keep only one of them.") -%}
            {%- else -%}
                {%- set readable = [] -%}
                {%- for file in single or in_folder -%}
                    {%- if is_raw_file_name(file) -%}
                        {%- do readable.append(file) -%}
                    {%- else -%}
                        {%- do problems.append(
                            "file " ~ file ~ " in the folder " ~ table_folder ~ " of the " ~ table_name
                            ~ " table is not " ~ raw_file_forms_label() ~ ": every file there is read as"
                            ~ " part of the table; convert it to one of those forms, or move it out of"
                            ~ " the folder.") -%}
                    {%- endif -%}
                {%- endfor -%}
                {%- set sizes = raw_file_sizes(readable) -%}
                {%- set modified = raw_files_modified_at(readable) -%}
                {%- set signature = raw_check_signature(table_name) -%}
                {#-
                    a file the manifest holds with the same bytes, modification time and
                    check settings is not read again: its record is this run's
                -#}
                {%- set unchanged = {} -%}
                {%- set csv_files = [] -%}
                {%- set parquet_files = [] -%}
                {%- for file in readable if sizes[file] > 0 -%}
                    {%- set earlier = previous.get(table_name ~ '/' ~ file[folder.rstrip('/') | length + 1:]) -%}
                    {%- if earlier and earlier['check_signature'] == signature
                        and earlier['file_bytes'] == sizes[file]
                        and modified.get(file) is not none and earlier['modified_at'] == modified[file]
                        and (table_name != 'events' or earlier['number_signs'] is not none) -%}
                        {%- do unchanged.update({file: earlier}) -%}
                    {%- else -%}
                        {%- do (parquet_files if file.endswith('.parquet') else csv_files).append(file) -%}
                    {%- endif -%}
                {%- endfor -%}
                {%- set delimiters = raw_csv_delimiters(csv_files) -%}
                {%- set table_rows = namespace(count=0) -%}
                {%- set scans = raw_files_scan(csv_files + parquet_files, delimiters, table_name) -%}
                {%- set fingerprints = raw_file_fingerprints(csv_files + parquet_files, sizes) -%}
                {%- for file, earlier in unchanged.items() -%}
                    {%- do scans.update({file: {'rows': earlier['rows_read'], 'bad_line': none,
                        'columns': raw_column_names(table_name)}}) -%}
                    {%- do fingerprints.update({file: earlier['fingerprint']}) -%}
                {%- endfor -%}
                {%- set table_loads = {} -%}
                {%- for file in readable -%}
                    {%- set file_loads = raw_file_check(file, table_name, sizes[file], scans.get(file), problems, empty_files) -%}
                    {%- if file_loads is not none -%}
                        {%- set table_rows.count = table_rows.count + file_loads['rows_read'] -%}
                        {%- set raw_file = file[folder.rstrip('/') | length + 1:] -%}
                        {%- set earlier = previous.get(table_name ~ '/' ~ raw_file, {}) -%}
                        {%- set fingerprint = fingerprints.get(file) -%}
                        {%- do file_loads.update({
                            'source_table': table_name,
                            'raw_file': raw_file,
                            'modified_at': modified.get(file),
                            'fingerprint': fingerprint,
                            'loaded_at': earlier['loaded_at']
                                if file in unchanged
                                    or (fingerprint is not none and earlier.get('fingerprint') == fingerprint)
                                else loaded_now,
                            'check_signature': signature}) -%}
                        {%- do loads.append(file_loads) -%}
                        {%- do table_loads.update({file: file_loads}) -%}
                    {%- endif -%}
                {%- endfor -%}
                {%- if table_name == 'events' and problems | length == problems_before -%}
                    {#-
                        what an incremental run needs to leave a file out
                        (raw_events_files_to_read): found by the scan of a csv file, in one
                        more read of the parquet files, kept from the manifest for an
                        unchanged file; a file with rows but no facts has none (every
                        events file is then read), one without rows needs none
                    -#}
                    {%- set facts = raw_events_file_facts(parquet_files) -%}
                    {%- for file in csv_files if scans[file].get('facts') -%}
                        {%- do facts.update({file: scans[file]['facts']}) -%}
                    {%- endfor -%}
                    {%- for file, earlier in unchanged.items() -%}
                        {%- do facts.update({file: {'last_event_day': earlier['last_event_day'],
                            'number_signs': earlier['number_signs']}}) -%}
                    {%- endfor -%}
                    {%- for file, file_loads in table_loads.items() -%}
                        {%- do file_loads.update(facts.get(file, {'last_event_day': none,
                            'number_signs': none if file_loads['rows_read'] > 0
                                else {'has_point': false, 'has_comma': false, 'ambiguous': {}}})) -%}
                    {%- endfor -%}
                    {%- set shrunk = raw_history_shrink_problem(raw_file_path(table_name), table_rows.count) -%}
                    {%- if shrunk -%}{%- do problems.append(shrunk) -%}{%- endif -%}
                    {%- do problems.extend(raw_events_delivery_problems(readable, folder, previous)) -%}
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
                {%- set missing = missing_columns(required_raw_column_names(table_name), found) -%}
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
            {%- set part_of = unread['table_parts'][file] -%}
            {%- do problems.append(
                "file " ~ file ~ " looks like part of the " ~ part_of ~ " table, but a table is"
                ~ " one file " ~ part_of ~ ".csv (or .csv.gz, .parquet) directly in raw_path"
                ~ (", or the files of the folder " ~ part_of ~ "/" if raw_table_folders_read() else "")
                ~ ": merge the files into it"
                ~ (", put them all in " ~ folder.rstrip('/') ~ "/" ~ part_of ~ "/" if raw_table_folders_read() else "")
                ~ ", or move this one out of raw_path '" ~ folder ~ "' (docs/raw_data.md).") -%}
        {%- endfor -%}
        {%- if unread['others'] -%}
            {%- do exceptions.warn(
                "raw_path '" ~ folder ~ "' holds files the build does not read: "
                ~ unread['others'] | join(', ') ~ " (a raw table is <table>.csv, .csv.gz or"
                ~ " .parquet directly in raw_path"
                ~ (", or a folder <table>/ of such files" if raw_table_folders_read() else "")
                ~ "; docs/raw_data.md).") -%}
        {%- endif -%}
    {%- endfor -%}
    {%- for file in empty_files -%}
        {%- do exceptions.warn(
            "Raw file " ~ file ~ " has a header and no rows: its table is read as empty"
            ~ " (data_quality_audit reports 0 read).") -%}
    {%- endfor -%}
    {%- do raise_problems("Raw data check failed", problems) -%}
    {%- do record_raw_file_loads(loads) -%}
    {{ return('') }}
{% endmacro %}


{#-
    Checks one raw file of a table (`size`: its bytes; `scan`: what
    raw_files_scan read from it, none for an empty file) and returns what was read
    from it, {'file_format', 'file_bytes', 'rows_read'}, or none when it cannot
    be read; each problem goes to `problems`, a file with a header and no rows
    to `empty_files`.
-#}
{% macro raw_file_check(file, table_name, size, scan, problems, empty_files) %}
    {%- if size == 0 -%}
        {%- do problems.append(
            "file " ~ file ~ " is empty (0 bytes, not even the header line): deliver it again, or"
            ~ " remove it if it has no rows (a file with only the header line is read as no rows).") -%}
        {{ return(none) }}
    {%- endif -%}
    {%- if scan['bad_line'] is not none -%}
        {%- do problems.append(
            "file " ~ file ~ " is not " ~ var('raw_encoding') ~ ": line "
            ~ scan['bad_line'] ~ " (the header is line 1) is the first that cannot be read as "
            ~ var('raw_encoding') ~ ". Set the var raw_encoding to the encoding of the raw"
            ~ " files (--vars '{raw_encoding: latin-1}'), or convert the file to "
            ~ var('raw_encoding') ~ ".") -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set missing = missing_columns(required_raw_column_names(table_name), scan['columns']) -%}
    {%- if missing -%}
        {%- do problems.append(
            "file " ~ file ~ " lacks column(s) " ~ missing | join(', ')
            ~ ". The " ~ table_name ~ " table needs the columns "
            ~ required_raw_column_names(table_name) | join(', ')
            ~ " (docs/raw_data.md); add the missing ones to the header (values may be empty).") -%}
        {{ return(none) }}
    {%- endif -%}
    {%- if scan['rows'] == 0 -%}
        {%- do empty_files.append(file) -%}
    {%- endif -%}
    {%- set form = [] -%}
    {%- for extension in raw_file_extensions() if file.endswith('.' ~ extension) -%}
        {%- do form.append(extension) -%}
    {%- endfor -%}
    {#- no extension ends another, so exactly one matches -#}
    {{ return({'file_format': form[0], 'file_bytes': size, 'rows_read': scan['rows']}) }}
{% endmacro %}


{#- The raw file forms, for a message: `.csv, .csv.gz, .csv.zst or .parquet`. -#}
{% macro raw_file_forms_label() %}
    {%- set forms = [] -%}
    {%- for extension in raw_file_extensions() -%}
        {%- do forms.append('.' ~ extension) -%}
    {%- endfor -%}
    {{ return(forms[:-1] | join(', ') ~ ' or ' ~ forms[-1]) }}
{% endmacro %}


{#-
    Records what the check read (on-run-start), as the relation
    raw.raw_file_loads: the load manifest (macros/raw/raw_file_manifest.sql) and
    the source of the mart data_quality_raw_files. One row per raw file, with its
    table, its path relative to the raw folder, its form, its bytes, its data rows,
    its modification time, its content fingerprint, when this content was first
    loaded, the check settings it was read with and, for an events file, the
    latest day of its events and what its numbers show of their decimal
    separator (raw_events_file_facts). No row in warehouse mode.
-#}
{% macro record_raw_file_loads(loads) %}
    {%- set relation = api.Relation.create(
        database=target.get('database'), schema='raw', identifier='raw_file_loads') -%}
    {%- do adapter.create_schema(api.Relation.create(database=relation.database, schema=relation.schema)) -%}
    {%- set text = dbt.type_string() -%}
    {%- set timestamp = api.Column.translate_type('timestamp') -%}
    {%- set columns = "cast(source_table as " ~ text ~ ") as source_table, "
        ~ "cast(raw_file as " ~ text ~ ") as raw_file, "
        ~ "cast(file_format as " ~ text ~ ") as file_format, "
        ~ "cast(file_bytes as " ~ dbt.type_bigint() ~ ") as file_bytes, "
        ~ "cast(rows_read as " ~ dbt.type_bigint() ~ ") as rows_read, "
        ~ "cast(modified_at as " ~ timestamp ~ ") as modified_at, "
        ~ "cast(fingerprint as " ~ text ~ ") as fingerprint, "
        ~ "cast(loaded_at as " ~ timestamp ~ ") as loaded_at, "
        ~ "cast(check_signature as " ~ text ~ ") as check_signature, "
        ~ "cast(last_event_day as date) as last_event_day, "
        ~ "cast(number_signs as " ~ text ~ ") as number_signs" -%}
    {%- set rows = [] -%}
    {%- for load in loads -%}
        {%- set values = [sql_text_literal(load['source_table']), sql_text_literal(load['raw_file']),
            sql_text_literal(load['file_format']), load['file_bytes'], load['rows_read']] -%}
        {%- for key in ['modified_at', 'fingerprint', 'loaded_at', 'check_signature', 'last_event_day'] -%}
            {%- do values.append('null' if load.get(key) is none else sql_text_literal(load[key])) -%}
        {%- endfor -%}
        {%- do values.append('null' if load.get('number_signs') is none
            else sql_text_literal(tojson(load['number_signs']))) -%}
        {%- do rows.append("(" ~ values | join(', ') ~ ")") -%}
    {%- endfor -%}
    {%- set values = rows | join(', ') if rows
        else "(cast(null as " ~ text ~ "), '', '', 0, 0, null, null, null, null, null, null)" -%}
    {#- a statement without a result (over a Spark Thrift server run_query fails on one) -#}
    {%- call statement('record_raw_file_loads', fetch_result=False, auto_begin=False) -%}
        create or replace view {{ relation }} as
        select {{ columns }}
        from (values {{ values }}) as loads (source_table, raw_file, file_format, file_bytes,
            rows_read, modified_at, fingerprint, loaded_at, check_signature, last_event_day,
            number_signs)
        {{- '' if rows else ' where source_table is not null' }}
    {%- endcall -%}
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

{#-
    DuckDB's glob lists files only: a folder with no file (in it or in its
    subfolders, such as the folders of tables) looks like one that does not exist.
-#}
{% macro duckdb__raw_folder_problem(folder) %}
    {%- set query -%}
        select
            (select count(*) from glob({{ sql_text_literal(folder) }})) as as_file,
            (select count(*) from glob({{ sql_text_literal(folder.rstrip('/') ~ '/**') }})) as inside
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
    Reads each of the raw files `paths` of one table once (`delimiters`: the
    csv files' delimiters, raw_csv_delimiters), through: {path: {'rows': its
    data rows, 'bad_line': the first line (the header is line 1) that cannot be
    read in the encoding of the var raw_encoding, or none, 'columns': its
    column names, lower-cased}}. A parquet file has no encoding; its row count
    and columns are in its metadata. For `table_name` 'events', the same read
    finds each csv file's facts for the load manifest ('facts':
    raw_events_facts_of) where the engine keeps one.
-#}
{% macro raw_files_scan(paths, delimiters, table_name=none) %}
    {{ return(adapter.dispatch('raw_files_scan', 'ecommerce_behavior')(paths, delimiters, table_name)) }}
{% endmacro %}

{#- One file at a time, with the engine's raw_file_scan and raw_file_columns. -#}
{% macro default__raw_files_scan(paths, delimiters, table_name=none) %}
    {%- set scans = {} -%}
    {%- for path in paths -%}
        {%- set scan = raw_file_scan(path, delimiters.get(path)) -%}
        {%- do scan.update({'columns': raw_file_columns(path, delimiters.get(path))}) -%}
        {%- do scans.update({path: scan}) -%}
    {%- endfor -%}
    {{ return(scans) }}
{% endmacro %}

{#-
    DuckDB reads the csv files that share a delimiter and a header line
    together (a folder of daily files is one read), each row with its file
    (filename): the csv reader's store_rejects keeps the lines it cannot read,
    with their file and line number, instead of stopping, so the check can name
    the first one. Every column is read (the whole row, `raw_row`): DuckDB
    checks the encoding of the columns a query uses only. The parquet files'
    rows and columns come from their metadata, in one query each. An events
    file's facts (raw_events_facts_query) are aggregates of the same read when
    its header holds their columns (else the file has none, and an incremental
    run reads every events file).
-#}
{% macro duckdb__raw_files_scan(paths, delimiters, table_name=none) %}
    {%- set scans = {} -%}
    {%- set parquet_literals = [] -%}
    {%- set csv_paths = [] -%}
    {%- for path in paths -%}
        {%- if path.endswith('.parquet') -%}
            {%- do parquet_literals.append(sql_text_literal(path)) -%}
        {%- else -%}
            {%- do csv_paths.append(path) -%}
        {%- endif -%}
        {%- do scans.update({path: {'rows': 0, 'bad_line': none, 'columns': []}}) -%}
    {%- endfor -%}
    {%- if parquet_literals -%}
        {%- set parquet_files = '[' ~ parquet_literals | join(', ') ~ ']' -%}
        {%- for row in run_query("select file_name, num_rows from parquet_file_metadata(" ~ parquet_files ~ ")").rows -%}
            {%- do scans[row[0]].update({'rows': row[1]}) -%}
        {%- endfor -%}
        {#- the root element of each file's schema has no type -#}
        {%- for row in run_query("select file_name, lower(name) from parquet_schema(" ~ parquet_files
            ~ ") where type is not null").rows -%}
            {%- do scans[row[0]]['columns'].append(row[1]) -%}
        {%- endfor -%}
    {%- endif -%}
    {%- set headers = raw_files_first_lines(csv_paths) -%}
    {%- set groups = {} -%}
    {%- for path in csv_paths -%}
        {%- do groups.setdefault((delimiters[path], headers[path]), []).append(path) -%}
    {%- endfor -%}
    {%- for key in groups | sort -%}
        {%- set files = groups[key] -%}
        {%- set reader = duckdb_raw_file_reader(files if files | length > 1 else files[0],
            "filename = true, store_rejects = true, rejects_table = 'raw_check_rejects',"
            ~ " rejects_scan = 'raw_check_scans'", key[0], false) -%}
        {%- set header = [] -%}
        {%- for name in key[1].split(key[0]) -%}
            {%- do header.append(name.strip().lstrip('\ufeff').strip('"').strip().lower()) -%}
        {%- endfor -%}
        {%- set facts_columns = raw_events_facts_columns() if table_name == 'events' else [] -%}
        {%- set with_facts = facts_columns and not missing_columns(facts_columns, header) -%}
        {%- set rows_query = "select filename, count(*) filter (where raw_row is not null) as rows_read from "
            ~ reader ~ " as raw_row group by filename" -%}
        {%- if with_facts -%}
            {%- set rows_query = raw_events_facts_query(
                "(select filename, raw_row is not null as is_row, " ~ facts_columns | join(', ')
                ~ " from " ~ reader ~ " as raw_row) as scanned", ['is_row'],
                {'rows_read': 'count(*) filter (where is_row)'}) -%}
        {%- endif -%}
        {%- for row in run_query(
            "drop table if exists temp.raw_check_rejects; drop table if exists temp.raw_check_scans; "
            ~ rows_query) -%}
            {%- do scans[row['filename']].update({'rows': row['rows_read']}) -%}
            {%- if with_facts -%}
                {%- do scans[row['filename']].update({'facts': raw_events_facts_of(row)}) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- for row in run_query(
            "select scans.file_path, count(*),"
            ~ " min(case when rejects.error_type = 'INVALID ENCODING' then rejects.line end)"
            ~ " from temp.raw_check_rejects as rejects inner join temp.raw_check_scans as scans"
            ~ " on rejects.scan_id = scans.scan_id and rejects.file_id = scans.file_id"
            ~ " group by scans.file_path").rows -%}
            {%- do scans[row[0]].update({'rows': scans[row[0]]['rows'] + row[1], 'bad_line': row[2]}) -%}
        {%- endfor -%}
        {#-
            the files of a group share their header line, hence their columns: one
            readable file is described (DuckDB's sniffer stops on a line it cannot
            decode; a file with one is refused before its columns matter)
        -#}
        {%- set readable = [] -%}
        {%- for file in files if scans[file]['bad_line'] is none -%}
            {%- do readable.append(file) -%}
        {%- endfor -%}
        {%- if readable -%}
            {%- set columns = run_query('describe select * from '
                ~ duckdb_raw_file_reader(readable[0], '', key[0])).columns[0].values() | map('lower') | list -%}
            {%- for file in files -%}
                {%- do scans[file].update({'columns': columns}) -%}
            {%- endfor -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(scans) }}
{% endmacro %}


{#-
    Reads one raw file, through: {'rows': its data rows, 'bad_line': the first
    line (the header is line 1) that cannot be read in the encoding of the var
    raw_encoding, or none}. For engines that read files one at a time
    (default__raw_files_scan).
-#}
{% macro raw_file_scan(path, delimiter=none) %}
    {{ return(adapter.dispatch('raw_file_scan', 'ecommerce_behavior')(path, delimiter)) }}
{% endmacro %}

{% macro default__raw_file_scan(path, delimiter=none) %}
    {{ not_supported_on_adapter('raw_file_scan') }}
{% endmacro %}


{#- Lower-cased column names of a raw file (default__raw_files_scan). -#}
{% macro raw_file_columns(path, delimiter=none) %}
    {{ return(adapter.dispatch('raw_file_columns', 'ecommerce_behavior')(path, delimiter)) }}
{% endmacro %}

{% macro default__raw_file_columns(path, delimiter=none) %}
    {{ not_supported_on_adapter('raw_file_columns') }}
{% endmacro %}


{#- The expected columns that are not among the found ones, in contract order. -#}
{% macro missing_columns(expected, found) %}
    {{ return(expected | reject('in', found) | list) }}
{% endmacro %}


{#-
    The files of a raw folder (and its subfolders) that the build does not read,
    apart from those in a table's folder (`events/...`: check_raw_files reads them all):
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
    {%- for file in listed if file not in read and file[base | length + 1:].split('/')[0] not in tables -%}
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
    Is the events' staging table there, to be built incrementally by this run (no
    --full-refresh, the same raw inputs)? Its relation if so, none otherwise.
-#}
{% macro incremental_events_relation() %}
    {%- if flags.FULL_REFRESH -%}{{ return(none) }}{%- endif -%}
    {%- set relation = adapter.get_relation(
        database=target.get('database'), schema='staging', identifier='stg_clickstream__events') -%}
    {%- if relation is none
        or recorded_raw_inputs('stg_clickstream__events') not in [none, raw_inputs_signature()] -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(relation) }}
{% endmacro %}


{#-
    Why the events files `files` (in the raw folder `folder`) cannot be read by
    this incremental run, as a list of problems (empty when they can, or when
    the run is not incremental), from the last run's manifest `previous`
    (previous_raw_file_loads):
    - a file the last run read is gone: its rows are still in the tables;
    - a file that is new since the last run holds events of a day before the
      incremental window (latest built day - events_lookback_days), which an
      incremental run does not reach.
    A file that changed in place is read again (a month's file grows; a single
    file is exported again with its history): its file fingerprint cannot tell a
    change of the days before the window from the same history written again.
    What a change adds before the window makes the test
    assert_raw_files_add_up_to_the_audit fail.
-#}
{% macro raw_events_delivery_problems(files, folder, previous) %}
    {{ return(adapter.dispatch('raw_events_delivery_problems', 'ecommerce_behavior')(files, folder, previous)) }}
{% endmacro %}

{#- engines that read a table from one file only (Spark): a file is not new or gone there -#}
{% macro default__raw_events_delivery_problems(files, folder, previous) %}
    {{ return([]) }}
{% endmacro %}

{% macro duckdb__raw_events_delivery_problems(files, folder, previous) %}
    {%- set relation = incremental_events_relation() -%}
    {%- set earlier = [] -%}
    {%- for key in previous if key.startswith('events/') -%}
        {%- do earlier.append(key[7:]) -%}
    {%- endfor -%}
    {%- if relation is none or not earlier -%}{{ return([]) }}{%- endif -%}
    {%- set base = folder.rstrip('/') ~ '/' -%}
    {%- set present = [] -%}
    {%- set new_files = [] -%}
    {%- for file in files -%}
        {%- do present.append(file[base | length:]) -%}
        {%- if file[base | length:] not in earlier -%}{%- do new_files.append(file) -%}{%- endif -%}
    {%- endfor -%}
    {%- set problems = [] -%}
    {%- set gone = earlier | reject('in', present) | sort -%}
    {%- if gone -%}
        {%- do problems.append(
            "the last run read the events file(s) " ~ base ~ gone | join(', ' ~ base)
            ~ ", which are gone: their rows are still in the tables. Restore them, or rebuild"
            ~ " from the files there are now with a full refresh (make build FULL_REFRESH=1,"
            ~ " dbt build --full-refresh).") -%}
    {%- endif -%}
    {%- if new_files -%}
        {%- set window_start = dbt.dateadd('day', -1 * var('events_lookback_days'), 'max(event_date)') -%}
        {%- set found = run_query(
            "select (select cast(" ~ window_start ~ " as date) from " ~ relation ~ "),"
            ~ " (select min(cast(" ~ parse_timestamp('event_time') ~ " as date)) from ("
            ~ duckdb_raw_files_select(new_files, ['event_time']) ~ "))").rows[0] -%}
        {%- if found[0] is not none and found[1] is not none and found[1] < found[0] -%}
            {%- do problems.append(
                "new events file(s) " ~ new_files | join(', ') ~ " hold events of " ~ found[1]
                ~ ", before the days an incremental run rebuilds (from " ~ found[0]
                ~ ": the latest built day minus events_lookback_days = " ~ var('events_lookback_days')
                ~ "). Rebuild with a full refresh (make build FULL_REFRESH=1, dbt build"
                ~ " --full-refresh) to take them in, or raise events_lookback_days.") -%}
        {%- endif -%}
    {%- endif -%}
    {{ return(problems) }}
{% endmacro %}


{#-
    Why the events file (`path`; a folder's path ends with `/`) cannot be read
    incrementally, or '' when it can: earlier runs read more rows from before the
    incremental window than the file (or the folder's files) now holds in all
    (it was replaced by a shorter one). Checked when the events' staging
    table exists, will be built incrementally (no --full-refresh, same raw inputs)
    and the file has every column.
-#}
{% macro raw_history_shrink_problem(path, raw_rows) %}
    {%- set relation = incremental_events_relation() -%}
    {%- if relation is none -%}{{ return('') }}{%- endif -%}
    {%- set window_start = dbt.dateadd('day', -1 * var('events_lookback_days'), 'max(event_date)') -%}
    {%- set staged = run_query(
        "select count(*) from " ~ relation ~ " where event_date < (select cast("
        ~ window_start ~ " as date) from " ~ relation ~ ")").rows[0][0] -%}
    {%- if raw_rows < staged and path.endswith('/') -%}
        {{ return("the files of the folder " ~ path ~ " hold " ~ raw_rows ~ " rows, fewer than the "
            ~ staged ~ " rows before the incremental window that earlier runs read from them: the"
            ~ " folder must keep the events' full history (add new files, never remove or shorten"
            ~ " one), or rebuild from what it holds with a full refresh (make build"
            ~ " FULL_REFRESH=1, dbt build --full-refresh).") }}
    {%- elif raw_rows < staged -%}
        {{ return("file " ~ path ~ " holds " ~ raw_rows ~ " rows, fewer than the " ~ staged
            ~ " rows before the incremental window that earlier runs read from it: the raw"
            ~ " file must keep its full history (add new events to it, never replace it by a"
            ~ " shorter one), or rebuild from it alone with a full refresh (make build"
            ~ " FULL_REFRESH=1, dbt build --full-refresh).") }}
    {%- endif -%}
    {{ return('') }}
{% endmacro %}

