{{ config(materialized='table') }}

with source as (
    select {{ select_raw_columns('shopping_carts') }}
    from {{ source('ecom', 'shopping_carts') }}
),

status_map as (select * from {{ ref('cart_status_map') }}),

typed as (
    select
        *,
        {{ typed_raw_columns('shopping_carts') }},
        {{ exact_copy_number('shopping_carts') }} as exact_copy_number,
        {{ key_copy_number('shopping_carts', [clean_text('raw_cart_id')]) }}
            as key_copy_number
    from source
),

checked as (
    select
        *,
        case
            when exact_copy_number > 1 then 'exact_duplicate'
            when cart_id is null then 'missing_cart_id'
            when key_copy_number > 1 then 'duplicate_cart_id'
            when customer_id is null then 'missing_customer_id'
            when created_at is null then 'invalid_created_at'
            when {{ is_unreadable('raw_updated_at', 'updated_at') }}
                then 'invalid_updated_at'
            when {{ is_unreadable('raw_cart_total', 'cart_total') }}
                then 'invalid_cart_total'
            when cart_total < 0 then 'negative_cart_total'
        end as dq_reason
    from typed
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
