{#- A raw `YYYY-MM-DD` date, null when blank or unreadable. -#}
{% macro parse_date(column) -%}
    {{ try_cast(clean_text(column), api.Column.translate_type('date')) }}
{%- endmacro %}
