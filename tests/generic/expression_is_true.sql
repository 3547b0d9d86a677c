{#-
    Every row satisfies a boolean SQL expression (optionally only the rows
    matching `where`). Fails with the rows where it is false or null.
-#}
{% test expression_is_true(model, expression, column_name=none, where_clause=none) %}
select *
from {{ model }}
where
    not coalesce({{ expression }}, false)
    {%- if where_clause %}
    and ({{ where_clause }})
    {%- endif %}
{% endtest %}
