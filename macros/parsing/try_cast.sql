{#-
    Cast that returns null instead of failing on a value that does not fit.
    dbt's own `dbt.safe_cast` is a plain cast on DuckDB, which would stop the
    whole build on one bad raw value; `try_cast` exists on DuckDB and Spark 3.2+.
-#}
{% macro try_cast(expression, data_type) -%}
    {{ return(adapter.dispatch('try_cast', 'ecommerce_behavior')(expression, data_type)) }}
{%- endmacro %}

{% macro duckdb__try_cast(expression, data_type) -%}
    try_cast({{ expression }} as {{ data_type }})
{%- endmacro %}

{% macro default__try_cast(expression, data_type) -%}
    {{ not_supported_on_adapter('try_cast') }}
{%- endmacro %}
