{{ config(materialized='table') }}

with raw_rows as (
    {{ select_raw_rows('ecom', 'shopping_carts') }}
),

status_map as (select * from {{ ref('cart_status_map') }}),

typed as (
    select
        *,
        {{ typed_raw_columns('shopping_carts') }},
        {{ exact_copy_number('shopping_carts') }} as exact_copy_number
    from raw_rows
),

numbered as (
    select
        *,
        {{ key_copy_number('shopping_carts') }} as key_copy_number
    from typed
),

checked as (
    -- checks in order, the first failed one wins: rows of seeds/reference/dq_checks.csv
    select
        *,
        case
            when exact_copy_number > 1 then 'exact_duplicate'
            when cart_id is null then 'missing_cart_id'
            when key_copy_number > 1 then 'duplicate_cart_id'
            when customer_id is null then 'missing_customer_id'
            when
                {{ has_unreadable_time_zone('raw_created_at') }}
                or {{ has_unreadable_time_zone('raw_updated_at') }}
                then 'unreadable_time_zone'
            when created_at is null then 'invalid_created_at'
            when {{ is_unreadable('raw_updated_at', 'updated_at') }}
                then 'invalid_updated_at'
            when {{ is_unreadable('raw_cart_total', 'cart_total') }}
                then 'invalid_cart_total'
            when cart_total < 0 then 'negative_cart_total'
        end as dq_reason
    from numbered
),

final as (
    select
        checked.cart_id,
        checked.customer_id,
        checked.created_at,
        checked.updated_at,
        checked.cart_total,
        checked.status_value,
        coalesce(status_map.cart_status, 'unknown') as cart_status,
        status_map.cart_status is null as is_status_unknown,
        checked.updated_at is null as is_updated_at_missing,
        {{ is_implausible('checked.cart_total', 'order_total') }}
            as is_cart_total_implausible,
        checked.dq_reason,
        case
            when checked.dq_reason is not null
                then {{ raw_values_json('shopping_carts') }}
        end as raw_values
    from checked
    left join status_map
        on checked.status_value = status_map.status_value
)

select * from final
