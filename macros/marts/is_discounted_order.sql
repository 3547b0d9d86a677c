{#-
    Boolean SQL expression, the rule of a discounted order: a discount above 0
    (total_discount_amount > 0); an empty discount is none, so the result is
    never null.
-#}
{% macro is_discounted_order(discount_amount) -%}
    coalesce({{ discount_amount }} > 0, false)
{%- endmacro %}
