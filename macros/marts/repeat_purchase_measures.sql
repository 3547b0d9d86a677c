{#-
    Aggregate columns over buyers with `orders` and `lifetime_revenue` (one row
    per buyer, e.g. int_buyers_classified_by_first_order): buyers,
    repeat_buyers (two or more orders), repeat_purchase_rate, orders,
    avg_orders_per_buyer, revenue and aov (revenue / orders). For a select with
    a group by, or one row without it.
-#}
{% macro repeat_purchase_measures() -%}
    count(*) as buyers,
    count(case when orders >= 2 then 1 end) as repeat_buyers,
    {{ ratio('count(case when orders >= 2 then 1 end)', 'count(*)') }}
        as repeat_purchase_rate,
    {{ sum_int('orders') }} as orders,
    {{ ratio(sum_int('orders'), 'count(*)') }} as avg_orders_per_buyer,
    {{ sum_money('lifetime_revenue') }} as revenue,
    {{ ratio(sum_money('lifetime_revenue'), sum_int('orders')) }} as aov
{%- endmacro %}
