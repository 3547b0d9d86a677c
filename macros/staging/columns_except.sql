{#-
    The columns of `relation` except the `excluded` ones, as a select list, for a
    model that passes a relation's rows on without some of its columns (the
    valid_ models leave out the data-quality columns of their staging model).
    It is `*` before the relation exists (at parse time, or when compiling an
    empty warehouse).
-#}
{% macro columns_except(relation, excluded) %}
    {%- if not execute -%}{{ return('*') }}{%- endif -%}
    {%- set columns = adapter.get_columns_in_relation(relation) -%}
    {%- if not columns -%}{{ return('*') }}{%- endif -%}
    {%- set kept = [] -%}
    {%- for column in columns if column.name | lower not in excluded -%}
        {%- do kept.append(column.name | lower) -%}
    {%- endfor -%}
    {{ return(kept | join(', ')) }}
{% endmacro %}
