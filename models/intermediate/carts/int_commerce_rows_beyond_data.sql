-- One row per commerce table with timestamps (shopping_carts, cart_items,
-- orders): its kept rows with a timestamp on or after the first day beyond the
-- data (int_commerce_latest_activity). data_quality_audit reports each count as
-- the flag step timestamp_beyond_data (action whole_data_flag).
with data_end as (select * from {{ ref('int_commerce_latest_activity') }}),

carts as (select * from {{ ref('valid_ecom__carts') }}),

cart_items as (select * from {{ ref('valid_ecom__cart_items') }}),

orders as (select * from {{ ref('valid_ecom__orders') }}),

counts as (
    select
        'shopping_carts' as source_table,
        count(*) as rows_affected
    from carts
    cross join data_end
    where
        cast(carts.created_at as date) >= data_end.first_day_beyond_data
        or cast(carts.updated_at as date) >= data_end.first_day_beyond_data
    union all
    select
        'cart_items' as source_table,
        count(*) as rows_affected
    from cart_items
    cross join data_end
    where cast(cart_items.added_at as date) >= data_end.first_day_beyond_data
    union all
    select
        'orders' as source_table,
        count(*) as rows_affected
    from orders
    cross join data_end
    where cast(orders.ordered_at as date) >= data_end.first_day_beyond_data
),

final as (
    select
        source_table,
        'timestamp_beyond_data' as check_name,
        rows_affected
    from counts
)

select * from final
