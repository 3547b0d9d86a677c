{{ config(materialized='table') }}

with source as (
    select {{ select_raw_columns('order_items') }}
    from {{ raw_source('ecom', 'order_items') }}
),

orders as (
    select order_id from {{ ref('stg_ecom__orders') }}
),

typed as (
    select
        *,
        {{ clean_text('raw_order_id') }} as order_id,
        {{ parse_integer('raw_product_id') }} as product_id,
        {{ normalize_label('raw_product_name') }} as product_name,
        {{ normalize_label('raw_category') }} as category,
        {{ parse_integer('raw_quantity') }} as quantity,
        {{ parse_money('raw_unit_price') }} as unit_price,
        {{ parse_money('raw_discount_amount') }} as discount_amount,
        {{ parse_money('raw_cost_price') }} as cost_price,
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
            -- a line whose order is not (validly) in the orders table
            when orders.order_id is null then 'orphan_order_line'
        end as dq_reason
    from typed
    left join orders
        on typed.order_id = orders.order_id
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
        case
            when dq_reason is not null then {{ raw_values_json('order_items') }}
        end as raw_values
    from checked
)

select * from final
