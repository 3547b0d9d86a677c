{#-
    Raw files (var raw_path) on Spark: the Spark versions of list_raw_files,
    read_raw_file and raw_file_columns (macros/raw/). Spark reads a file through
    a temporary view `raw_file__<table>` over the file (csv: header, RFC 4180
    quotes, quoted line breaks, every column as text; parquet: its own types,
    cast to text in read_raw_file). The view is (re)created when the macro runs:
    in the same session as the statement that reads it, on a `session` target
    and on a `thrift` connection alike.
-#}

{#-
    The files <raw_path>/<table>.csv and <raw_path>/<table>.parquet that exist,
    listed with the binaryFile source (only names are read, never contents;
    Spark's listing leaves out empty, 0-byte files). Returned in the form the
    user wrote raw_path in, like the DuckDB version.
-#}
{% macro spark__list_raw_files(table_name) %}
    {%- if not execute -%}{{ return([]) }}{%- endif -%}
    {%- set folder = var('raw_path') | string -%}
    {%- set view = 'raw_files__' ~ table_name -%}
    {%- do run_query(
        "create or replace temporary view " ~ view ~ " using binaryFile options ("
        ~ "path '" ~ folder ~ "', "
        ~ "pathGlobFilter '" ~ table_name ~ ".{csv,parquet}', "
        ~ "recursiveFileLookup 'true')") -%}
    {%- set paths = run_query("select path from " ~ view).columns[0].values() | list -%}
    {#-
        The listing is recursive: keep the files directly in raw_path, i.e. the
        shallowest ones, and, when raw_path is absolute or a URI, only those
        whose folder is raw_path itself.
    -#}
    {%- set depths = [] -%}
    {%- for path in paths -%}
        {%- do depths.append(path.split(':', 1)[-1].strip('/').split('/') | select | list | length) -%}
    {%- endfor -%}
    {%- set folder_key = '/' ~ folder.split(':', 1)[-1].strip('/').split('/') | select | join('/') -%}
    {%- set is_absolute = folder.startswith('/') or ':' in folder -%}
    {%- set found = [] -%}
    {%- for path in paths -%}
        {%- set extension = path.split('.')[-1] -%}
        {%- set path_key = '/' ~ path.split(':', 1)[-1].strip('/').split('/') | select | join('/') -%}
        {%- if depths[loop.index0] == depths | min
            and (not is_absolute or path_key == folder_key ~ '/' ~ table_name ~ '.' ~ extension)
        -%}
            {%- do found.append(folder.rstrip('/') ~ '/' ~ table_name ~ '.' ~ extension) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(found | unique | sort | list) }}
{% endmacro %}


{#- Create (or replace) the temporary view over a raw file; returns its name. -#}
{% macro spark_raw_file_view(path) %}
    {%- set name = path.split('/')[-1] -%}
    {%- set view = 'raw_file__' ~ name.replace('.', '_') -%}
    {%- if path.endswith('.parquet') -%}
        {%- set ddl = "create or replace temporary view " ~ view
            ~ " using parquet options (path '" ~ path ~ "')" -%}
    {%- else -%}
        {%- set ddl = "create or replace temporary view " ~ view
            ~ " using csv options (path '" ~ path ~ "', header 'true', "
            ~ "inferSchema 'false', multiLine 'true', quote '\"', escape '\"', "
            ~ "mode 'PERMISSIVE')" -%}
    {%- endif -%}
    {%- do run_query(ddl) -%}
    {{ return(view) }}
{% endmacro %}


{% macro spark__raw_file_columns(path) %}
    {%- set view = spark_raw_file_view(path) -%}
    {%- set empty = run_query('select * from ' ~ view ~ ' limit 0') -%}
    {{ return(empty.column_names | map('lower') | list) }}
{% endmacro %}


{#- A table expression reading a raw file with every column as text. -#}
{% macro spark__read_raw_file(table_name) %}
    {%- set path = raw_file_path(table_name) -%}
    {%- set columns = raw_contract()[table_name]['columns'] -%}
    {%- if execute -%}
        {%- set view = spark_raw_file_view(path) -%}
    {%- else -%}
        {%- set view = 'raw_file__' ~ path.split('/')[-1].replace('.', '_') -%}
    {%- endif -%}
    (
        select
        {%- for column in columns %}
            cast({{ column }} as string) as {{ column }}{{ ',' if not loop.last }}
        {%- endfor %}
        from {{ view }}
    ) as raw_file
{% endmacro %}
