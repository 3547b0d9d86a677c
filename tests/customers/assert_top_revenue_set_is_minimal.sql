-- The top revenue customers make at least top_revenue_share of all revenue,
-- and the set is minimal: without its smallest member (by the ranking:
-- revenue, then customer_id) it would fall below the share.
with customers as (select * from {{ ref('dim_customers') }}),

totals as (
    select
        sum(lifetime_revenue) as revenue,
        sum(case when is_top_revenue_customer then lifetime_revenue else 0 end)
            as top_revenue
    from customers
),

smallest_top as (
    select lifetime_revenue
    from customers
    where is_top_revenue_customer
    order by lifetime_revenue asc, customer_id desc
    limit 1
)

select
    totals.revenue,
    totals.top_revenue
from totals
left join smallest_top on true
where
    totals.revenue > 0
    and (
        totals.top_revenue < {{ var('top_revenue_share') }} * totals.revenue
        or totals.top_revenue - coalesce(smallest_top.lifetime_revenue, 0)
        >= {{ var('top_revenue_share') }} * totals.revenue
    )
