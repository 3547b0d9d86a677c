{#-
    The raw values of a row as one JSON text, like DuckDB's json_object: every
    contract column in contract order, null values written as null (Spark's
    to_json drops null fields unless told not to).
-#}
{% macro spark__raw_values_json(table_name) -%}
    to_json(
        named_struct(
        {%- for column in raw_column_names(table_name) %}
            '{{ column }}', raw_{{ column }}{{ ',' if not loop.last }}
        {%- endfor %}
        ),
        map('ignoreNullFields', 'false')
    )
{%- endmacro %}
