-- The latest timestamp of the commerce data: carts' created_at and updated_at,
-- lines' added_at, orders' order time; a mistyped far-future date lies beyond
-- the data and is left out (latest_within_data). The default of as_of
-- (int_commerce_as_of) and what the freshness check compares with the wall clock.
with carts as (select * from {{ ref('valid_ecom__carts') }}),

cart_items as (select * from {{ ref('valid_ecom__cart_items') }}),

orders as (select * from {{ ref('valid_ecom__orders') }}),

activity as (
    select created_at as activity_at from carts
    union all
    select updated_at as activity_at from carts
    union all
    select added_at as activity_at from cart_items
    union all
    select ordered_at as activity_at from orders
),

days as (
    select
        cast(activity_at as date) as activity_day,
        count(*) as timestamp_count,
        max(activity_at) as latest_at
    from activity
    where activity_at is not null
    group by cast(activity_at as date)
),

final as (
    {{ latest_within_data('days') }}
)

select * from final
