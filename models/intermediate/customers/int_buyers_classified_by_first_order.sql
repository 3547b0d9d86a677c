-- One row per buyer: their first order (the earliest ordered_at; two orders at
-- the same time are told apart by order_id, the smallest first), whether it was
-- discounted (is_discounted_order), the month it was placed in, and the
-- buyer's orders and revenue (int_customer_orders_aggregated).
with orders as (select * from {{ ref('valid_ecom__orders') }}),

buyers as (select * from {{ ref('int_customer_orders_aggregated') }}),

ranked as (
    select
        customer_id,
        order_id,
        ordered_at,
        total_discount_amount,
        row_number() over (
            partition by customer_id
            order by ordered_at asc, order_id asc
        ) as order_number
    from orders
),

final as (
    select
        buyers.customer_id,
        ranked.order_id as first_order_id,
        ranked.ordered_at as first_ordered_at,
        cast({{ dbt.date_trunc('month', 'ranked.ordered_at') }} as date)
            as first_order_month,
        {{ is_discounted_order('ranked.total_discount_amount') }}
            as is_first_order_discounted,
        buyers.orders,
        buyers.lifetime_revenue
    from buyers
    inner join ranked
        on
            buyers.customer_id = ranked.customer_id
            and ranked.order_number = 1
)

select * from final
