{#-
    The contract columns of a raw table as text, renamed with the prefix `raw_`
    so that a staging model can keep the text as read next to the typed column
    of the same name: `cast(cart_id as <text>) as raw_cart_id, ...`. Parquet
    files and warehouse tables may carry real types: they are read as text too.
-#}
{% macro select_raw_columns(table_name) -%}
    {%- for column in raw_column_names(table_name) %}
        cast({{ column }} as {{ dbt.type_string() }}) as raw_{{ column }}{{ ',' if not loop.last }}
    {%- endfor %}
{%- endmacro %}


{#-
    1 for the first of a set of identical raw rows, 2, 3, ... for its exact
    copies (every contract column equal, blanks included).
-#}
{% macro exact_copy_number(table_name) -%}
    {#- the order is irrelevant among identical rows; some engines require one -#}
    row_number() over (
        partition by
        {%- for column in raw_column_names(table_name) %}
            raw_{{ column }}{{ ',' if not loop.last }}
        {%- endfor %}
        order by raw_{{ raw_column_names(table_name)[0] }}
    )
{%- endmacro %}


{#-
    1 for the rows kept among raw rows sharing a key (the contract's key
    columns, each read as its kind), 2, 3, ... for rows with other values.
    Which one is kept depends only on the rows' values (the smallest by every
    raw column), so the choice is the same on every build. dense_rank gives
    exact copies the same number: they are told apart by exact_copy_number,
    never by an arbitrary order between identical rows.
-#}
{% macro key_copy_number(table_name) -%}
    {%- set kinds = raw_column_kinds(table_name) -%}
    {%- set key_expressions = [] -%}
    {%- for column in raw_contract()[table_name]['key'] -%}
        {%- do key_expressions.append(parse_raw_column(kinds[column], column)) -%}
    {%- endfor -%}
    dense_rank() over (
        partition by {{ key_expressions | join(', ') }}
        order by
        {%- for column in raw_column_names(table_name) %}
            raw_{{ column }}{{ ',' if not loop.last }}
        {%- endfor %}
    )
{%- endmacro %}


{#-
    The raw values of a row as one JSON text, kept for quarantined rows so a
    reader sees exactly what arrived.
-#}
{% macro raw_values_json(table_name) -%}
    {{ return(adapter.dispatch('raw_values_json', 'ecommerce_behavior')(table_name)) }}
{%- endmacro %}

{% macro duckdb__raw_values_json(table_name) -%}
    cast(json_object(
        {%- for column in raw_column_names(table_name) %}
            '{{ column }}', raw_{{ column }}{{ ',' if not loop.last }}
        {%- endfor %}
    ) as {{ dbt.type_string() }})
{%- endmacro %}

{% macro default__raw_values_json(table_name) -%}
    {{ not_supported_on_adapter('raw_values_json') }}
{%- endmacro %}
