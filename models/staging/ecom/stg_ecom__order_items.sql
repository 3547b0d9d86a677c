{{ config(materialized='table') }}

with raw_rows as (
    {{ select_raw_rows('ecom', 'order_items') }}
),

typed as (
    select
        *,
        {{ typed_raw_columns('order_items') }},
        {{ exact_copy_number('order_items') }} as exact_copy_number
    from raw_rows
),

numbered as (
    select
        *,
        {{ key_copy_number('order_items') }} as key_copy_number
    from typed
),

checked as (
    -- checks in order, the first failed one wins: rows of seeds/reference/dq_checks.csv
    select
        *,
        case
            when exact_copy_number > 1 then 'exact_duplicate'
            when order_id is null then 'missing_order_id'
            when product_id is null then 'invalid_product_id'
            when key_copy_number > 1 then 'duplicate_order_line'
            when quantity is null then 'invalid_quantity'
            when quantity <= 0 then 'non_positive_quantity'
            when {{ is_implausible('quantity', 'quantity') }}
                then 'implausible_quantity'
            when unit_price is null then 'invalid_unit_price'
            when unit_price < 0 then 'negative_unit_price'
            when {{ is_implausible('unit_price', 'unit_price') }}
                then 'implausible_unit_price'
            when
                {{ is_unreadable('raw_discount_amount', 'discount_amount') }}
                or {{ is_unreadable('raw_cost_price', 'cost_price') }}
                then 'invalid_cost_amount'
        end as dq_reason
    from numbered
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
