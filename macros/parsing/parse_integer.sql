{#-
    A raw whole number as a bigint, null when blank, a null token or not a
    whole number. `67.0` (or `67,0` where the decimal separator is the comma)
    is read as 67 (exports written by float-typed tools), and thousands
    separators are read (`1,234`, `1.234` or `1 234`, by the decimal separator
    of the table: read_number); `1.5`, `1e3` and `0x10` are not whole numbers
    (a plain cast would round or convert them on some engines, hiding a bad
    value); 19-digit ids such as category_id stay exact (no detour through
    floating point). Text that is already a number written plainly (it comes
    back unchanged when the number is written again: `67`, `-3`) is read by
    the cast alone; the patterns, which cost more, read the rest (DECISIONLOG
    P9).
-#}
{% macro parse_integer(column) -%}
    {%- set plain = try_cast(column, api.Column.translate_type('bigint')) -%}
    case
        when cast({{ plain }} as {{ dbt.type_string() }}) = {{ column }} then {{ plain }}
        else {{ read_number(column, 'integer') }}
    end
{%- endmacro %}
