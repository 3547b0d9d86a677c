{{ config(materialized='table') }}

with source as (
    select {{ select_raw_columns('cart_items') }}
    from {{ source('ecom', 'cart_items') }}
),

typed as (
    select
        *,
        {{ typed_raw_columns('cart_items') }},
        {{ exact_copy_number('cart_items') }} as exact_copy_number,
        {{ key_copy_number('cart_items', [parse_integer('raw_cart_item_id')]) }}
            as key_copy_number
    from source
),

checked as (
    select
        typed.*,
        case
            when typed.exact_copy_number > 1 then 'exact_duplicate'
            when typed.cart_item_id is null then 'invalid_cart_item_id'
            when typed.key_copy_number > 1 then 'duplicate_cart_item_id'
            when typed.cart_id is null then 'missing_cart_id'
            when typed.product_id is null then 'invalid_product_id'
            when {{ is_unreadable('typed.raw_added_at', 'typed.added_at') }}
                then 'invalid_added_at'
            when typed.quantity is null then 'invalid_quantity'
            when typed.quantity <= 0 then 'non_positive_quantity'
            when typed.unit_price is null then 'invalid_unit_price'
            when typed.unit_price < 0 then 'negative_unit_price'
        end as dq_reason
    from typed
),

final as (
    select
        cart_item_id,
        cart_id,
        product_id,
        product_name,
        category,
        added_at,
        quantity,
        unit_price,
        quantity * unit_price as line_value,
        added_at is null as is_added_at_missing,
        dq_reason,
        -- for every row: the check against the parent table comes after
        -- staging (valid_ecom__cart_items); a line it rejects is quarantined
        -- with these values
        {{ raw_values_json('cart_items') }} as raw_values
    from checked
)

select * from final
