-- Revenue (the sum of purchase prices) is the same number in every mart that
-- splits it: by brand, category, product, session, user, day and time bucket.
with totals as (
    select
        'funnel_kpis' as mart,
        revenue
    from {{ ref('funnel_kpis') }}
    union all
    select
        'brand_performance' as mart,
        sum(revenue) as revenue
    from {{ ref('brand_performance') }}
    union all
    select
        'category_performance' as mart,
        sum(revenue) as revenue
    from {{ ref('category_performance') }}
    union all
    select
        'product_performance' as mart,
        sum(revenue) as revenue
    from {{ ref('product_performance') }}
    union all
    select
        'fct_sessions' as mart,
        sum(revenue) as revenue
    from {{ ref('fct_sessions') }}
    union all
    select
        'user_behavior_segments' as mart,
        sum(revenue) as revenue
    from {{ ref('user_behavior_segments') }}
    union all
    select
        'funnel_daily' as mart,
        sum(revenue) as revenue
    from {{ ref('funnel_daily') }}
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
