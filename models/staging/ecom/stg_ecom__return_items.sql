{{ config(materialized='table') }}

with raw_rows as (
    {{ select_raw_rows('ecom', 'return_items') }}
),

typed as (
    select
        *,
        {{ typed_raw_columns('return_items') }},
        {{ exact_copy_number('return_items') }} as exact_copy_number
    from raw_rows
),

numbered as (
    select
        *,
        {{ key_copy_number('return_items') }} as key_copy_number
    from typed
),

checked as (
    -- checks in order, the first failed one wins: rows of seeds/reference/dq_checks.csv
    select
        *,
        case
            when exact_copy_number > 1 then 'exact_duplicate'
            when return_item_id is null then 'invalid_return_item_id'
            when key_copy_number > 1 then 'duplicate_return_item_id'
            when return_id is null then 'missing_return_id'
            when product_id is null then 'invalid_product_id'
            when quantity_returned is null then 'invalid_quantity_returned'
            when quantity_returned <= 0 then 'non_positive_quantity_returned'
            when {{ is_implausible('quantity_returned', 'quantity') }}
                then 'implausible_quantity_returned'
            when
                {{ is_unreadable('raw_unit_price', 'unit_price') }}
                or {{ is_unreadable('raw_cost_price', 'cost_price') }}
                or {{ is_unreadable('raw_refunded_amount', 'refunded_amount') }}
                then 'invalid_amount'
        end as dq_reason
    from numbered
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
