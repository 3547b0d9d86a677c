{#-
    A raw whole number as a bigint, null when blank or not a whole number.
    `67.0` is read as 67 (exports written by float-typed tools); `1.5`, `1e3`
    and `0x10` are not whole numbers (a plain cast would round or convert
    them on some engines, hiding a bad value); 19-digit ids such as
    category_id stay exact (no detour through floating point). Text that is
    already a number written plainly (it comes back unchanged when the number
    is written again: `67`, `-3`) is read by the cast alone; the pattern,
    which costs more, reads the rest (DECISIONLOG P9).
-#}
{% macro parse_integer(column) -%}
    {%- set plain = try_cast(column, api.Column.translate_type('bigint')) -%}
    case
        when cast({{ plain }} as {{ dbt.type_string() }}) = {{ column }} then {{ plain }}
        when {{ matches_pattern(clean_text(column), '^[+-]?[0-9]+([.]0+)?$') }}
            then {{ try_cast(
                "regexp_replace(" ~ clean_text(column) ~ ", '[.]0+$', '')",
                api.Column.translate_type('bigint')) }}
    end
{%- endmacro %}
