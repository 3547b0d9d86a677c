{{ config(materialized='table') }}

with source as (
    select {{ select_raw_columns('return_items') }}
    from {{ source('ecom', 'return_items') }}
),

typed as (
    select
        *,
        {{ typed_raw_columns('return_items') }},
        {{ exact_copy_number('return_items') }} as exact_copy_number,
        {{ key_copy_number('return_items', [parse_integer('raw_return_item_id')]) }}
            as key_copy_number
    from source
),

checked as (
    select
        typed.*,
        case
            when typed.exact_copy_number > 1 then 'exact_duplicate'
            when typed.return_item_id is null then 'invalid_return_item_id'
            when typed.key_copy_number > 1 then 'duplicate_return_item_id'
            when typed.return_id is null then 'missing_return_id'
            when typed.product_id is null then 'invalid_product_id'
            when typed.quantity_returned is null then 'invalid_quantity_returned'
            when typed.quantity_returned <= 0 then 'non_positive_quantity_returned'
            when
                {{ is_unreadable('typed.raw_unit_price', 'typed.unit_price') }}
                or {{ is_unreadable('typed.raw_cost_price', 'typed.cost_price') }}
                or {{ is_unreadable(
                    'typed.raw_refunded_amount', 'typed.refunded_amount') }}
                then 'invalid_amount'
        end as dq_reason
    from typed
),

final as (
    select
        return_item_id,
        return_id,
        order_id,
        product_id,
        product_name,
        category,
        quantity_returned,
        unit_price,
        cost_price,
        refunded_amount,
        dq_reason,
        -- for every row: the check against the parent table comes after
        -- staging (valid_ecom__return_items); a line it rejects is quarantined
        -- with these values
        {{ raw_values_json('return_items') }} as raw_values
    from checked
)

select * from final
