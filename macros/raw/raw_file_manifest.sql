{#-
    The load manifest (docs/raw_data.md, "The load manifest"): what the last run's
    raw-file check read from each file, so that this run's check reads again only
    the files that are new or changed. The manifest is the relation
    raw.raw_file_loads (record_raw_file_loads): one row per file, with its bytes,
    modification time, content fingerprint (md5 of its bytes), rows, when this
    content was first loaded, and the check settings it was read with; for an
    events file also what an incremental run needs to leave it out
    (raw_events_files_to_read): the latest day of its events and the signs of
    its numbers' decimal separator.
-#}

{#-
    The settings a file's check depends on, as text: the raw folder, the table's
    contract columns, the var raw_encoding and the var raw_csv_delimiter. A
    recorded file is reused only when they are the same (another raw_path, a new
    contract column, another encoding: every file is checked again).
-#}
{% macro raw_check_signature(table_name) %}
    {{ return(tojson([raw_folder(raw_contract()[table_name]['family']), raw_column_names(table_name),
        var('raw_encoding'), var('raw_csv_delimiter') | string])) }}
{% endmacro %}


{#-
    The last run's manifest: {'<table>/<raw_file>': {'file_bytes', 'modified_at'
    (text), 'fingerprint', 'loaded_at' (text), 'rows_read', 'check_signature',
    'last_event_day' (text), 'number_signs' (raw_events_file_facts)}},
    empty when there is none (a first build, warehouse mode, an engine without
    one). A record written before the manifest's columns gives its files with
    none of those columns: every file is read again, and a gone one is named.
-#}
{% macro previous_raw_file_loads() %}
    {{ return(adapter.dispatch('previous_raw_file_loads', 'ecommerce_behavior')()) }}
{% endmacro %}

{% macro default__previous_raw_file_loads() %}
    {{ return({}) }}
{% endmacro %}

{% macro duckdb__previous_raw_file_loads() %}
    {%- set relation = adapter.get_relation(
        database=target.get('database'), schema='raw', identifier='raw_file_loads') -%}
    {%- if relation is none -%}{{ return({}) }}{%- endif -%}
    {%- set columns = adapter.get_columns_in_relation(relation) | map(attribute='name') | list -%}
    {#- a record written before the manifest's columns: its files, none of them reusable -#}
    {%- set manifest_columns = "strftime(modified_at, '%Y-%m-%d %H:%M:%S.%f'), fingerprint,"
        ~ " strftime(loaded_at, '%Y-%m-%d %H:%M:%S.%f'), rows_read, check_signature"
        if 'check_signature' in columns else "null, null, null, rows_read, null" -%}
    {#- the events files' facts (raw_events_file_facts), recorded since DECISIONLOG L4 -#}
    {%- set facts_columns = "strftime(last_event_day, '%Y-%m-%d'), number_signs"
        if 'number_signs' in columns else "null, null" -%}
    {%- set table = run_query(
        "select source_table || '/' || raw_file, file_bytes, " ~ manifest_columns ~ ", "
        ~ facts_columns ~ " from " ~ relation) -%}
    {%- set loads = {} -%}
    {%- for row in table.rows -%}
        {%- do loads.update({row[0]: {'file_bytes': row[1], 'modified_at': row[2], 'fingerprint': row[3],
            'loaded_at': row[4], 'rows_read': row[5], 'check_signature': row[6],
            'last_event_day': row[7], 'number_signs': none if row[8] is none else fromjson(row[8])}}) -%}
    {%- endfor -%}
    {{ return(loads) }}
{% endmacro %}


{#-
    The modification time of each of the files `paths`, as UTC text
    ('YYYY-MM-DD HH:MM:SS.ffffff'): {path: text}; empty on engines that do not
    record it.
-#}
{% macro raw_files_modified_at(paths) %}
    {{ return(adapter.dispatch('raw_files_modified_at', 'ecommerce_behavior')(paths)) }}
{% endmacro %}

{% macro default__raw_files_modified_at(paths) %}
    {{ return({}) }}
{% endmacro %}

{#- read_blob without its content column reads the files' metadata only -#}
{% macro duckdb__raw_files_modified_at(paths) %}
    {{ return(duckdb_read_blob_values(paths,
        "strftime(last_modified at time zone 'UTC', '%Y-%m-%d %H:%M:%S.%f')")) }}
{% endmacro %}


{#-
    The content fingerprint of each of the files `paths`: the md5 of its bytes, as
    hex ({path: md5}); empty on engines that do not record it. `sizes` ({path:
    bytes}) groups the files into reads of at most about 256 MB (one query for a
    folder of small daily files; a large file alone). read_blob holds a file's
    bytes in memory and refuses a file of 4 GiB or more, so a file larger than
    raw_fingerprint_max_bytes() gets none (its loaded_at is then kept only while its
    size and modification time stay the same).
-#}
{% macro raw_fingerprint_max_bytes() %}
    {{ return(1024 * 1024 * 1024) }}
{% endmacro %}

{% macro raw_file_fingerprints(paths, sizes) %}
    {{ return(adapter.dispatch('raw_file_fingerprints', 'ecommerce_behavior')(paths, sizes)) }}
{% endmacro %}

{% macro default__raw_file_fingerprints(paths, sizes) %}
    {{ return({}) }}
{% endmacro %}

{% macro duckdb__raw_file_fingerprints(paths, sizes) %}
    {%- set groups = [[]] -%}
    {%- set group_bytes = namespace(total=0) -%}
    {%- for path in paths if sizes[path] <= raw_fingerprint_max_bytes() -%}
        {%- if groups[-1] and group_bytes.total + sizes[path] > 256 * 1024 * 1024 -%}
            {%- do groups.append([]) -%}
            {%- set group_bytes.total = 0 -%}
        {%- endif -%}
        {%- do groups[-1].append(path) -%}
        {%- set group_bytes.total = group_bytes.total + sizes[path] -%}
    {%- endfor -%}
    {%- set found = {} -%}
    {%- for group in groups if group -%}
        {%- do found.update(duckdb_read_blob_values(group, 'md5(content)')) -%}
    {%- endfor -%}
    {{ return(found) }}
{% endmacro %}


{#-
    What the manifest keeps of each events file so that an incremental run may
    leave the file out (raw_events_files_to_read): {'last_event_day',
    'number_signs'}.
    - `last_event_day` ('YYYY-MM-DD'): the latest day of the file's events, read
      from the times written in the canonical form (canonical_utc_timestamp,
      `2024-01-31 23:59:59 UTC`); a time in any other form, blank or unreadable
      counts as 9999-12-31, so that a file holding one is read by every run (its
      day is known only after the full parse, and rows without a day are taken
      in again by every incremental run).
    - `number_signs`: what the file's numbers show of their decimal separator
      (raw_number_signs: has_point, has_comma, the least ambiguous value of each
      number column), so that the table's separator (raw_number_format_of) is
      the same whether the file is read or not.
    raw_events_facts_query is the query, one row per file, over `relation`
    (the files' rows with the column `filename` and the columns of
    raw_events_facts_columns, plus `carry`, read by `aggregates`, more
    aggregates of the same pass: the check's row count); raw_events_facts_of
    reads one of its rows.
-#}
{% macro raw_events_facts_columns() %}
    {%- set columns = ['event_time'] -%}
    {%- for column, kind in raw_column_kinds('events').items() if kind in ['money', 'integer'] -%}
        {%- do columns.append(column) -%}
    {%- endfor -%}
    {{ return(columns) }}
{% endmacro %}

{% macro raw_events_facts_query(relation, carry=[], aggregates={}) %}
    {%- set all_aggregates = {'last_event_day': "strftime(max(coalesce(cast("
        ~ canonical_utc_timestamp('event_time') ~ " as date), date '9999-12-31')), '%Y-%m-%d')"} -%}
    {%- do all_aggregates.update(aggregates) -%}
    {{ return(raw_number_signs('events', relation, 'filename', ['event_time'] + carry, all_aggregates)) }}
{% endmacro %}

{% macro raw_events_facts_of(row) %}
    {%- set ambiguous = {} -%}
    {%- for column in raw_events_facts_columns()[1:] -%}
        {%- do ambiguous.update({column: row[column ~ '__ambiguous']}) -%}
    {%- endfor -%}
    {{ return({'last_event_day': row['last_event_day'], 'number_signs': {
        'has_point': row['has_point'], 'has_comma': row['has_comma'], 'ambiguous': ambiguous}}) }}
{% endmacro %}


{#-
    raw_events_facts_of each of the events files `paths` that have rows, in one
    read of them: {path: facts}. The check finds the facts of csv files in its
    own read (duckdb__raw_files_scan); this reads parquet files. Empty on
    engines without a manifest.
-#}
{% macro raw_events_file_facts(paths) %}
    {{ return(adapter.dispatch('raw_events_file_facts', 'ecommerce_behavior')(paths)) }}
{% endmacro %}

{% macro default__raw_events_file_facts(paths) %}
    {{ return({}) }}
{% endmacro %}

{% macro duckdb__raw_events_file_facts(paths) %}
    {%- if not paths -%}{{ return({}) }}{%- endif -%}
    {%- set files = "(" ~ duckdb_raw_files_select(paths, raw_events_facts_columns(), [], true) ~ ") as raw_events" -%}
    {%- set found = {} -%}
    {%- for row in run_query(raw_events_facts_query(files)) -%}
        {%- do found.update({row['filename']: raw_events_facts_of(row)}) -%}
    {%- endfor -%}
    {{ return(found) }}
{% endmacro %}


{#-
    The events files an incremental run of stg_clickstream__events reads, or
    none when it reads the whole table (warehouse mode, an engine without a
    manifest, a file without the facts). A file whose events all fall before
    the run's window (the latest built day - events_lookback_days;
    `this_relation` is the built table) holds no row the run would keep: it is
    left out (DECISIONLOG L4). Returns {'read': the paths to read, 'skipped':
    the number_signs of the files left out, which the table's decimal separator
    counts (raw_number_format_of) so that it is the one a full build finds,
    'relation': the files to read as a subquery that reads them as the source
    relation does}.
-#}
{% macro raw_events_files_to_read(this_relation) %}
    {{ return(adapter.dispatch('raw_events_files_to_read', 'ecommerce_behavior')(this_relation)) }}
{% endmacro %}

{% macro default__raw_events_files_to_read(this_relation) %}
    {{ return(none) }}
{% endmacro %}

{% macro duckdb__raw_events_files_to_read(this_relation) %}
    {%- set folder = raw_folder('events') -%}
    {%- if not execute or folder is none -%}{{ return(none) }}{%- endif -%}
    {%- set loads = {} -%}
    {%- for key, load in previous_raw_file_loads().items() if key.startswith('events/') -%}
        {%- do loads.update({key[7:]: load}) -%}
    {%- endfor -%}
    {%- set files = raw_table_files('events') -%}
    {%- set base = folder.rstrip('/') ~ '/' -%}
    {%- set window_start = run_query("select strftime(cast("
        ~ dbt.dateadd('day', -1 * var('events_lookback_days'), 'max(event_date)')
        ~ " as date), '%Y-%m-%d') from " ~ this_relation).rows[0][0] -%}
    {%- if window_start is none -%}{{ return(none) }}{%- endif -%}
    {%- set chosen = {'read': [], 'skipped': []} -%}
    {%- for file in files -%}
        {%- set load = loads.get(file[base | length:]) -%}
        {#- this run's check recorded every file it lets through; without the facts, read it -#}
        {%- if load is none or load['number_signs'] is none -%}
            {{ return(none) }}
        {%- endif -%}
        {%- if load['last_event_day'] is not none and load['last_event_day'] < window_start -%}
            {%- do chosen['skipped'].append(load['number_signs']) -%}
        {%- elif load['last_event_day'] is not none -%}
            {%- do chosen['read'].append(file) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if not chosen['read'] -%}{{ return(none) }}{%- endif -%}
    {%- do chosen.update({'relation': "(" ~ duckdb_raw_files_select(chosen['read'],
        raw_column_names('events'), raw_contract()['events'].get('optional', [])) ~ ") as raw_events"}) -%}
    {{ return(chosen) }}
{% endmacro %}
