{#- Microseconds since 1970-01-01 00:00:00 of a timestamp (UTC), as a bigint. -#}
{% macro epoch_microseconds(column) -%}
    {{ return(adapter.dispatch('epoch_microseconds', 'ecommerce_behavior')(column)) }}
{%- endmacro %}

{% macro duckdb__epoch_microseconds(column) -%}
    epoch_us({{ column }})
{%- endmacro %}

{% macro default__epoch_microseconds(column) -%}
    {{ not_supported_on_adapter('epoch_microseconds') }}
{%- endmacro %}
