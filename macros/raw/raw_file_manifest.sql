{#-
    The load manifest (docs/raw_data.md, "The load manifest"): what the last run's
    raw-file check read from each file, so that this run's check reads again only
    the files that are new or changed. The manifest is the relation
    raw.raw_file_loads (record_raw_file_loads): one row per file, with its bytes,
    modification time, content fingerprint (md5 of its bytes), rows, when this
    content was first loaded, and the check settings it was read with.
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
    (text), 'fingerprint', 'loaded_at' (text), 'rows_read', 'check_signature'}},
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
    {%- set table = run_query(
        "select source_table || '/' || raw_file, file_bytes, " ~ manifest_columns ~ " from " ~ relation) -%}
    {%- set loads = {} -%}
    {%- for row in table.rows -%}
        {%- do loads.update({row[0]: {'file_bytes': row[1], 'modified_at': row[2], 'fingerprint': row[3],
            'loaded_at': row[4], 'rows_read': row[5], 'check_signature': row[6]}}) -%}
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
