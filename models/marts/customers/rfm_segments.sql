-- One row per RFM segment: how many buyers, how much revenue, and what a
-- typical member looks like.
with buyers as (
    select * from {{ ref('dim_customers') }}
    where orders > 0
),

grouped as (
    select
        rfm_segment,
        count(*) as customers,
        sum(lifetime_revenue) as revenue,
        avg(recency_days) as avg_recency_days,
        avg(orders) as avg_orders,
        avg(lifetime_revenue) as avg_revenue
    from buyers
    group by rfm_segment
),

final as (
    select
        rfm_segment,
        customers,
        {{ ratio('customers', 'sum(customers) over ()') }} as customer_share,
        revenue,
        {{ ratio('revenue', 'sum(revenue) over ()') }} as revenue_share,
        avg_recency_days,
        avg_orders,
        avg_revenue
    from grouped
)

select * from final
