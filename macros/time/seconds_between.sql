{#-
    Seconds from one timestamp to another (negative when `end` is earlier), exact
    to the microsecond. Windows and timeouts compare this with a number of
    seconds, never with dbt.datediff, which counts calendar boundaries on DuckDB
    (23:59 -> 00:01 would be "1 day").
-#}
{% macro seconds_between(start, end) -%}
    {{ return(adapter.dispatch('seconds_between', 'ecommerce_behavior')(start, end)) }}
{%- endmacro %}

{% macro duckdb__seconds_between(start, end) -%}
    (date_diff('microsecond', {{ start }}, {{ end }}) / 1000000.0)
{%- endmacro %}

{% macro default__seconds_between(start, end) -%}
    {{ not_supported_on_adapter('seconds_between') }}
{%- endmacro %}
