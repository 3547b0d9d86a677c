{#-
    Runs once before every dbt command (on-run-start), before
    create_raw_relations. Checks that each raw table of an enabled family can be
    read: from files (raw_path, or the committed sample), exactly one file
    <table>.csv or <table>.parquet with every contract column; in warehouse
    mode, the source table with every contract column. All problems are
    reported together in one message that says what to do.
-#}
{% macro check_raw_files() %}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {%- set problems = [] -%}
    {%- set switches = {'commerce': 'enable_commerce', 'events': 'enable_events'} -%}
    {%- for table_name, spec in raw_contract().items() -%}
        {%- set family = spec['family'] -%}
        {%- set switch_hint = "or switch the " ~ family ~ " family off with --vars '{" ~ switches[family] ~ ": false}'" -%}
        {%- if raw_family_enabled(family) -%}
            {%- if raw_folder(family) is not none -%}
                {%- set files = list_raw_files(table_name) -%}
                {%- if files | length == 0 -%}
                    {%- do problems.append(
                        "no file " ~ table_name ~ ".csv or " ~ table_name ~ ".parquet in raw_path '"
                        ~ raw_folder(family) ~ "': add it, " ~ switch_hint ~ ".") -%}
                {%- elif files | length > 1 -%}
                    {%- do problems.append(
                        "both " ~ table_name ~ ".csv and " ~ table_name ~ ".parquet are in raw_path '"
                        ~ raw_folder(family) ~ "': keep only one of them.") -%}
                {%- else -%}
                    {%- set missing = missing_columns(raw_column_names(table_name), raw_file_columns(files[0])) -%}
                    {%- if missing -%}
                        {%- do problems.append(
                            "file " ~ files[0] ~ " lacks column(s) " ~ missing | join(', ')
                            ~ ". The " ~ table_name ~ " table needs the columns "
                            ~ raw_column_names(table_name) | join(', ')
                            ~ " (docs/raw_data.md); add the missing ones to the header (values may be empty).") -%}
                    {%- endif -%}
                {%- endif -%}
            {%- elif var(family ~ '_source_schema', none) is not none -%}
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
        {%- endif -%}
    {%- endfor -%}
    {%- do raise_problems("Raw data check failed", problems) -%}
    {{ return('') }}
{% endmacro %}


{#- Lower-cased column names of a raw file. -#}
{% macro raw_file_columns(path) %}
    {{ return(adapter.dispatch('raw_file_columns', 'ecommerce_behavior')(path)) }}
{% endmacro %}

{% macro default__raw_file_columns(path) %}
    {{ not_supported_on_adapter('raw_file_columns') }}
{% endmacro %}

{% macro duckdb__raw_file_columns(path) %}
    {%- if path.endswith('.parquet') -%}
        {%- set reader = "read_parquet('" ~ path ~ "')" -%}
    {%- else -%}
        {%- set reader = "read_csv('" ~ path ~ "', header = true, all_varchar = true)" -%}
    {%- endif -%}
    {%- set described = run_query('describe select * from ' ~ reader) -%}
    {{ return(described.columns[0].values() | map('lower') | list) }}
{% endmacro %}


{#- The expected columns that are not among the found ones, in contract order. -#}
{% macro missing_columns(expected, found) %}
    {{ return(expected | reject('in', found) | list) }}
{% endmacro %}
