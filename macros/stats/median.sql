{#- The median (interpolated between the two middle values) of a numeric expression. -#}
{% macro median(expression) -%}
    {{ return(adapter.dispatch('median', 'ecommerce_behavior')(expression)) }}
{%- endmacro %}

{% macro duckdb__median(expression) -%}
    quantile_cont({{ expression }}, 0.5)
{%- endmacro %}

{#- the SQL standard's form (PostgreSQL, Snowflake, Redshift, ...) -#}
{% macro default__median(expression) -%}
    percentile_cont(0.5) within group (order by {{ expression }})
{%- endmacro %}
