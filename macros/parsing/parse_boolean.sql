{#- A raw `True`/`False` (any case, padded) as a boolean; anything else is null. -#}
{% macro parse_boolean(column) -%}
    case {{ normalize_label(column) }}
        when 'true' then true
        when 't' then true
        when '1' then true
        when 'yes' then true
        when 'false' then false
        when 'f' then false
        when '0' then false
        when 'no' then false
    end
{%- endmacro %}
