-- One row per RFM segment: how many buyers, how much revenue, and what a
-- typical member looks like. Averages are exact sums (integers, decimals)
-- divided once, so every build gives the same bits (DECISIONLOG G1).
with buyers as (
    select * from {{ ref('dim_customers') }}
    where orders > 0
),

as_of as (select * from {{ ref('int_commerce_as_of') }}),

grouped as (
    select
        buyers.rfm_segment,
        count(*) as customers,
        {{ sum_money('buyers.lifetime_revenue') }} as revenue,
        {{ sum_int('buyers.orders') }} as orders,
        -- recency in whole microseconds, summed exactly (a decimal: a bigint
        -- sum could overflow on Spark)
        sum(
            cast(
                {{ epoch_microseconds('as_of.as_of') }}
                - {{ epoch_microseconds('buyers.last_ordered_at') }}
                as decimal(38, 0)
            )
        ) as recency_microseconds
    from buyers
    cross join as_of
    group by buyers.rfm_segment
),

final as (
    select
        rfm_segment,
        customers,
        {{ ratio('customers', 'sum(customers) over ()') }} as customer_share,
        revenue,
        {{ ratio('revenue', 'sum(revenue) over ()') }} as revenue_share,
        {{ ratio('recency_microseconds', 'customers * 86400000000') }}
            as avg_recency_days,
        {{ ratio('orders', 'customers') }} as avg_orders,
        {{ ratio('revenue', 'customers') }} as avg_revenue
    from grouped
)

select * from final
