-- The latest timestamp found in the commerce data: carts' created_at and
-- updated_at, lines' added_at, orders' order time. The default of as_of
-- (int_commerce_as_of) and what the freshness check compares with the wall clock.
with carts as (select * from {{ ref('valid_ecom__carts') }}),

cart_items as (select * from {{ ref('valid_ecom__cart_items') }}),

orders as (select * from {{ ref('valid_ecom__orders') }}),

latest as (
    select max(created_at) as latest_at from carts
    union all
    select max(updated_at) as latest_at from carts
    union all
    select max(added_at) as latest_at from cart_items
    union all
    select max(ordered_at) as latest_at from orders
),

final as (
    select max(latest_at) as latest_at
    from latest
)

select * from final
