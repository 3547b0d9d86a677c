{#- Day of the week of a timestamp, Monday = 1 ... Sunday = 7 (ISO 8601). -#}
{% macro iso_weekday(column) -%}
    {{ return(adapter.dispatch('iso_weekday', 'ecommerce_behavior')(column)) }}
{%- endmacro %}

{% macro duckdb__iso_weekday(column) -%}
    isodow({{ column }})
{%- endmacro %}

{% macro default__iso_weekday(column) -%}
    {{ not_supported_on_adapter('iso_weekday') }}
{%- endmacro %}
