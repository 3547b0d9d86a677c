{#-
    Aggregate columns counting carts by cart_outcome, and the value converted
    and abandoned: converted_carts, abandoned_carts, emptied_carts, open_carts,
    unknown_carts, converted_value, abandoned_value. For a select with a
    group by over carts with cart_outcome and cart_value (int_carts_classified,
    fct_carts), or one row without it.
-#}
{% macro count_carts_by_outcome() -%}
    count(case when cart_outcome = 'converted' then 1 end)
        as converted_carts,
    count(case when cart_outcome = 'abandoned' then 1 end)
        as abandoned_carts,
    count(case when cart_outcome = 'emptied' then 1 end) as emptied_carts,
    count(case when cart_outcome = 'open' then 1 end) as open_carts,
    count(case when cart_outcome = 'unknown' then 1 end) as unknown_carts,
    coalesce(
        {{ sum_money("case when cart_outcome = 'converted' then cart_value end") }}, 0
    ) as converted_value,
    coalesce(
        {{ sum_money("case when cart_outcome = 'abandoned' then cart_value end") }}, 0
    ) as abandoned_value
{%- endmacro %}
