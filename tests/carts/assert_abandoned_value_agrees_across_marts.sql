-- The value left in abandoned carts is the same number wherever it is shown:
-- cart_kpis, fct_carts, abandoned_products, abandoned_categories and the daily
-- and monthly conversion marts. Exact: money is decimal.
{%- set marts_summed = [
    'abandoned_products', 'abandoned_categories', 'cart_conversion_daily',
    'cart_conversion_monthly', 'cart_reengagement',
] %}

with totals as (
    select
        'cart_kpis' as mart,
        sum(abandoned_value) as abandoned_value
    from {{ ref('cart_kpis') }}
    union all
    select
        'fct_carts' as mart,
        coalesce(sum(cart_value), 0) as abandoned_value
    from {{ ref('fct_carts') }}
    where is_abandoned
    {%- for mart in marts_summed %}
    union all
    select
        '{{ mart }}' as mart,
        coalesce(sum(abandoned_value), 0) as abandoned_value
    from {{ ref(mart) }}
    {%- endfor %}
)

select
    mart,
    abandoned_value
from totals
where abandoned_value <> (
    select t.abandoned_value
    from totals as t
    where t.mart = 'cart_kpis'
)
