-- Revenue (the sum of purchase prices) is the same number in every mart that
-- splits it: by brand, category, product, session, user, day and time bucket.
{%- set marts_summed = [
    'brand_performance', 'category_performance', 'product_performance',
    'fct_sessions', 'user_behavior_segments', 'funnel_daily',
] %}

with totals as (
    select
        'funnel_kpis' as mart,
        revenue
    from {{ ref('funnel_kpis') }}
    {%- for mart in marts_summed %}
    union all
    select
        '{{ mart }}' as mart,
        sum(revenue) as revenue
    from {{ ref(mart) }}
    {%- endfor %}
    union all
    select
        'activity_patterns ' || time_grain as mart,
        sum(revenue) as revenue
    from {{ ref('activity_patterns') }}
    group by time_grain
)

select
    mart,
    revenue
from totals
where revenue <> (
    select t.revenue
    from totals as t
    where t.mart = 'funnel_kpis'
)
