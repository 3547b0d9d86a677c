-- One row per abandoned cart: did its customer come back and order within
-- reengagement_window_days of abandoning it?
with reengagement as (
    select * from {{ ref('int_abandoned_carts_followed_by_orders') }}
),

final as (
    select
        cart_id,
        customer_id,
        abandoned_at,
        abandoned_value,
        next_order_id,
        next_ordered_at,
        hours_to_next_order,
        hours_to_next_order / 24.0 as days_to_next_order,
        is_reengaged
    from reengagement
)

select * from final
