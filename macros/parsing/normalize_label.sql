{#-
    A categorical value (status, channel, tier, bucket, category, name) as
    lower(trim(value)): the raw files pad such values with spaces and write
    them in lower, UPPER or Title case (docs/raw_data.md). Blank becomes null.
-#}
{% macro normalize_label(column) -%}
    lower({{ clean_text(column) }})
{%- endmacro %}
