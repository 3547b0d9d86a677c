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
