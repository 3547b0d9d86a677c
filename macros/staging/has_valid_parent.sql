{#-
    The orphan rule, in one place for the valid_ and quarantine_ models of a
    child table: true when the row's key is a key of the parent's valid_ model
    (a cart line whose cart is valid, an order line whose order is valid, ...).
-#}
{% macro has_valid_parent(key_column, parent_model) -%}
    {{ key_column }} in (
        select {{ key_column }} from {{ ref(parent_model) }} where {{ key_column }} is not null
    )
{%- endmacro %}


{#-
    The rule that keeps a row of a child table, in one place for its valid_
    model (the rows where it holds) and its quarantine_ model (the others):
    staging found no reason to quarantine the row, and its parent is valid
    (has_valid_parent).
-#}
{% macro is_valid_child(key_column, parent_model) -%}
    (dq_reason is null and {{ has_valid_parent(key_column, parent_model) }})
{%- endmacro %}
