{#-
    The relation (or table expression) a base model reads a raw table from,
    in the order of precedence of the mart interface (docs/overview.md):
      1. var raw_path: the file <raw_path>/<table>.csv or .parquet;
      2. var <family>_source_schema set: the declared source (warehouse tables);
      3. otherwise the committed sample seed `sample_<table>`.
    Every column is read as text; base models type it, so that a bad value is
    quarantined with a reason instead of failing the load.
-#}
{% macro raw_source(source_name, table_name) %}
    {%- set family = raw_contract()[table_name]['family'] -%}
    {%- if var('raw_path', none) is not none -%}
        {{ read_raw_file(table_name) }}
    {%- elif var(family ~ '_source_schema', none) is not none -%}
        {{ source(source_name, table_name) }}
    {%- else -%}
        {{ ref('sample_' ~ table_name) }}
    {%- endif -%}
{% endmacro %}


{#- The file of a raw table in raw_path: csv or parquet (check_raw_files rejects both/neither). -#}
{% macro raw_file_path(table_name) %}
    {%- set found = list_raw_files(table_name) -%}
    {%- if found | length == 1 -%}
        {{ return(found[0]) }}
    {%- else -%}
        {#- at parse time, or when the check has already failed: a placeholder -#}
        {{ return(var('raw_path') ~ '/' ~ table_name ~ '.csv') }}
    {%- endif -%}
{% endmacro %}


{#- The files <raw_path>/<table>.csv and <raw_path>/<table>.parquet that exist. -#}
{% macro list_raw_files(table_name) %}
    {{ return(adapter.dispatch('list_raw_files', 'ecommerce_behavior')(table_name)) }}
{% endmacro %}

{% macro duckdb__list_raw_files(table_name) %}
    {%- if not execute -%}{{ return([]) }}{%- endif -%}
    {%- set base = var('raw_path') ~ '/' ~ table_name -%}
    {%- set query -%}
        select file from glob('{{ base }}.csv')
        union all
        select file from glob('{{ base }}.parquet')
        order by file
    {%- endset -%}
    {{ return(run_query(query).columns[0].values() | list) }}
{% endmacro %}


{#- A table expression reading a raw file with every column as text. -#}
{% macro read_raw_file(table_name) %}
    {{ return(adapter.dispatch('read_raw_file', 'ecommerce_behavior')(table_name)) }}
{% endmacro %}

{% macro duckdb__read_raw_file(table_name) %}
    {%- set path = raw_file_path(table_name) -%}
    {%- set columns = raw_contract()[table_name]['columns'] -%}
    {%- if path.endswith('.parquet') -%}
        {#- a user's parquet may carry real types: read them as text like a csv -#}
        (
            select
            {%- for column in columns %}
                cast({{ column }} as varchar) as {{ column }}{{ ',' if not loop.last }}
            {%- endfor %}
            from read_parquet('{{ path }}')
        )
    {%- else -%}
        (
            select {{ columns | join(', ') }}
            from read_csv('{{ path }}', header = true, all_varchar = true)
        )
    {%- endif -%}
{% endmacro %}
