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


{#- The timestamp (UTC, without zone) that is a number of microseconds (a bigint) after the epoch. -#}
{% macro epoch_microseconds_to_timestamp(microseconds) -%}
    {{ return(adapter.dispatch('epoch_microseconds_to_timestamp', 'ecommerce_behavior')(microseconds)) }}
{%- endmacro %}

{% macro duckdb__epoch_microseconds_to_timestamp(microseconds) -%}
    make_timestamp({{ microseconds }})
{%- endmacro %}

{% macro default__epoch_microseconds_to_timestamp(microseconds) -%}
    {{ not_supported_on_adapter('epoch_microseconds_to_timestamp') }}
{%- endmacro %}
