{#-
    The "now" of a family (docs/overview.md, as_of): the var `as_of` as a
    timestamp when it is given, otherwise `latest_at`, an SQL expression for the
    latest timestamp of the family's data. Never the wall clock.
-#}
{% macro as_of_timestamp(latest_at) -%}
    {%- set as_of = var('as_of', none) -%}
    {%- if as_of is not none -%}
        cast({{ sql_text_literal(as_of) }} as {{ dbt.type_timestamp() }})
    {%- else -%}
        {{ latest_at }}
    {%- endif -%}
{%- endmacro %}
