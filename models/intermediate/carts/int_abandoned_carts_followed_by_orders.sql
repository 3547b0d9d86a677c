-- One row per abandoned cart with the customer's next order after it was
-- abandoned (any order), and whether that order came within
-- reengagement_window_days (inclusive, to the microsecond).
with abandoned_carts as (
    select * from {{ ref('int_carts_classified') }}
    where cart_outcome = 'abandoned'
),

orders as (select * from {{ ref('valid_ecom__orders') }}),

later_orders as (
    select
        abandoned_carts.cart_id,
        orders.order_id,
        orders.ordered_at,
        row_number() over (
            partition by abandoned_carts.cart_id
            order by orders.ordered_at, orders.order_id
        ) as order_number
    from abandoned_carts
    inner join orders
        on
            abandoned_carts.customer_id = orders.customer_id
            and abandoned_carts.abandoned_at < orders.ordered_at
),

final as (
    select
        abandoned_carts.cart_id,
        abandoned_carts.customer_id,
        abandoned_carts.abandoned_at,
        abandoned_carts.cart_value as abandoned_value,
        later_orders.order_id as next_order_id,
        later_orders.ordered_at as next_ordered_at,
        {{ seconds_between('abandoned_carts.abandoned_at', 'later_orders.ordered_at') }}
        / 3600.0 as hours_to_next_order,
        coalesce(
            {{ seconds_between(
                'abandoned_carts.abandoned_at', 'later_orders.ordered_at') }}
            <= {{ var('reengagement_window_days') }} * 86400,
            false
        ) as is_reengaged
    from abandoned_carts
    left join later_orders
        on
            abandoned_carts.cart_id = later_orders.cart_id
            and later_orders.order_number = 1
)

select * from final
