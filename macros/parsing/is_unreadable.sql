{#-
    True when a raw value is present but its parsed value is null: the value
    exists and cannot be read as its contract type. Such a row goes to
    quarantine, with a reason naming the column.
-#}
{% macro is_unreadable(raw_column, parsed_expression) -%}
    ({{ clean_text(raw_column) }} is not null and ({{ parsed_expression }}) is null)
{%- endmacro %}
