{#-
    Boolean SQL expression: true when a value is above the documented
    plausibility bound of its kind (docs/raw_data.md, "Plausibility"), the var
    `max_plausible_<kind>`: quantity, unit_price or order_total. Never null: a
    blank value is not implausible (other checks deal with it). Staging
    quarantines or flags such values, per column.
-#}
{% macro is_implausible(value, kind) %}
    {%- set bound_var = 'max_plausible_' ~ kind -%}
    {%- if kind not in ['quantity', 'unit_price', 'order_total'] -%}
        {{ exceptions.raise_compiler_error(
            "is_implausible: unknown kind '" ~ kind ~ "' (quantity, unit_price or order_total)") }}
    {%- endif -%}
    coalesce({{ value }} > {{ var(bound_var) }}, false)
{%- endmacro %}
