{#-
    A raw id as text: padding removed, blank or a null token null (clean_text),
    so `SKU-00123`, a UUID and `123` are all ids, compared as written. The one
    spelling changed is a whole number written with a zero fraction (`123.0`,
    `123,00`), as float-typed tools export a numeric id: it reads as `123`, the
    id the other files write (DECISIONLOG E12). Leading zeros are kept (`00123`
    is not `123`).
-#}
{% macro parse_id(column) -%}
    {%- set text = clean_text(column) -%}
    case
        when {{ matches_pattern(text, '^[0-9]+[.,]0+$') }}
            then {{ replace_pattern(text, '[.,]0+$', '') }}
        else {{ text }}
    end
{%- endmacro %}
