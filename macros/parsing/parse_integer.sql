{#-
    A raw whole number as a bigint, null when blank or not a whole number.
    `67.0` is read as 67 (exports written by float-typed tools); 19-digit ids
    such as category_id stay exact (no detour through floating point).
-#}
{% macro parse_integer(column) -%}
    {{ try_cast(
        "regexp_replace(" ~ clean_text(column) ~ ", '[.]0+$', '')",
        api.Column.translate_type('bigint')) }}
{%- endmacro %}
