{#-
    A customer attribute as a segment value: `unknown` for guests and for
    customers without the attribute (docs/overview.md: guests and blanks are unknown).
-#}
{% macro segment_attribute(is_guest, column) -%}
    case when {{ is_guest }} then 'unknown' else coalesce({{ column }}, 'unknown') end
{%- endmacro %}
