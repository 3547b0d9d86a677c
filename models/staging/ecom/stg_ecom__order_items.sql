{{ config(materialized='table') }}

with source as (
    select {{ select_raw_columns('order_items') }}
    from {{ source('ecom', 'order_items') }}
),

typed as (
    select
        *,
        {{ typed_raw_columns('order_items') }},
        {{ exact_copy_number('order_items') }} as exact_copy_number,
        {{ key_copy_number('order_items', [
            clean_text('raw_order_id'), parse_integer('raw_product_id')]) }}
            as key_copy_number
    from source
),

checked as (
    select
        typed.*,
        case
            when typed.exact_copy_number > 1 then 'exact_duplicate'
            when typed.order_id is null then 'missing_order_id'
            when typed.product_id is null then 'invalid_product_id'
            when typed.key_copy_number > 1 then 'duplicate_order_line'
            when typed.quantity is null then 'invalid_quantity'
            when typed.quantity <= 0 then 'non_positive_quantity'
            when typed.unit_price is null then 'invalid_unit_price'
            when typed.unit_price < 0 then 'negative_unit_price'
            when
                {{ is_unreadable(
                    'typed.raw_discount_amount', 'typed.discount_amount') }}
                or {{ is_unreadable('typed.raw_cost_price', 'typed.cost_price') }}
                then 'invalid_cost_amount'
        end as dq_reason
    from typed
),

final as (
    select
        order_id,
        product_id,
        product_name,
        category,
        quantity,
        unit_price,
        discount_amount,
        cost_price,
        quantity * unit_price as line_value,
        dq_reason,
        -- for every row: the check against the parent table comes after
        -- staging (valid_ecom__order_items); a line it rejects is quarantined
        -- with these values
        {{ raw_values_json('order_items') }} as raw_values
    from checked
)

select * from final
