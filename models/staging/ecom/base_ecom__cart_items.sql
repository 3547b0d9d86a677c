{{ config(materialized='table') }}

with source as (
    select {{ select_raw_columns('cart_items') }}
    from {{ raw_source('ecom', 'cart_items') }}
),

carts as (
    select cart_id from {{ ref('stg_ecom__carts') }}
),

typed as (
    select
        *,
        {{ parse_integer('raw_cart_item_id') }} as cart_item_id,
        {{ clean_text('raw_cart_id') }} as cart_id,
        {{ parse_integer('raw_product_id') }} as product_id,
        {{ normalize_label('raw_product_name') }} as product_name,
        {{ normalize_label('raw_category') }} as category,
        {{ parse_timestamp('raw_added_at') }} as added_at,
        {{ parse_integer('raw_quantity') }} as quantity,
        {{ parse_money('raw_unit_price') }} as unit_price,
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
            -- a line whose cart is not (validly) in the carts table
            when carts.cart_id is null then 'orphan_cart_line'
        end as dq_reason
    from typed
    left join carts
        on typed.cart_id = carts.cart_id
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
        dq_reason,
        case
            when dq_reason is not null then {{ raw_values_json('cart_items') }}
        end as raw_values
    from checked
)

select * from final
