{{ config(materialized='table') }}

with source as (
    select {{ select_raw_columns('return_items') }}
    from {{ raw_source('ecom', 'return_items') }}
),

returns as (
    select return_id from {{ ref('stg_ecom__returns') }}
),

typed as (
    select
        *,
        {{ parse_integer('raw_return_item_id') }} as return_item_id,
        {{ clean_text('raw_return_id') }} as return_id,
        {{ clean_text('raw_order_id') }} as order_id,
        {{ parse_integer('raw_product_id') }} as product_id,
        {{ normalize_label('raw_product_name') }} as product_name,
        {{ normalize_label('raw_category') }} as category,
        {{ parse_integer('raw_quantity_returned') }} as quantity_returned,
        {{ parse_money('raw_unit_price') }} as unit_price,
        {{ parse_money('raw_cost_price') }} as cost_price,
        {{ parse_money('raw_refunded_amount') }} as refunded_amount,
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
            -- a line whose return is not (validly) in the returns table
            when returns.return_id is null then 'orphan_return_line'
        end as dq_reason
    from typed
    left join returns
        on typed.return_id = returns.return_id
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
        case
            when dq_reason is not null then {{ raw_values_json('return_items') }}
        end as raw_values
    from checked
)

select * from final
