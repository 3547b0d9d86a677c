{#-
    A raw whole number as a bigint, null when blank or not a whole number.
    `67.0` is read as 67 (exports written by float-typed tools); `1.5`, `1e3`
    and `0x10` are not whole numbers (a plain cast would round or convert
    them on some engines, hiding a bad value); 19-digit ids such as
    category_id stay exact (no detour through floating point).
-#}
{% macro parse_integer(column) -%}
    case
        when {{ matches_pattern(clean_text(column), '^[+-]?[0-9]+([.]0+)?$') }}
            then {{ try_cast(
                "regexp_replace(" ~ clean_text(column) ~ ", '[.]0+$', '')",
                api.Column.translate_type('bigint')) }}
    end
{%- endmacro %}
