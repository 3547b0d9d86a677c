-- One row per customer with at least one order: how many orders, how much
-- revenue (net_total), and when they ordered first and last.
with orders as (select * from {{ ref('valid_ecom__orders') }}),

aggregated as (
    select
        customer_id,
        count(*) as orders,
        {{ sum_money('net_total') }} as lifetime_revenue,
        min(ordered_at) as first_ordered_at,
        max(ordered_at) as last_ordered_at
    from orders
    group by customer_id
)

select * from aggregated
