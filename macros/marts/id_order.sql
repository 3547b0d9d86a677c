{#-
    The order of ids (text) where a mart breaks a tie by id: whole numbers by their
    value first, as when ids were numbers (so a shop with numeric ids keeps its
    ranks), then the other ids as text (DECISIONLOG E12).
-#}
{% macro id_order(column) -%}
    {{ try_cast(column, api.Column.translate_type('bigint')) }} asc nulls last, {{ column }} asc
{%- endmacro %}
