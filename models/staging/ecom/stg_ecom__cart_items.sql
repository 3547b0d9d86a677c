{{ config(materialized='table') }}

with raw_rows as (
    {{ select_raw_rows('ecom', 'cart_items') }}
),

typed as (
    select
        *,
        {{ typed_raw_columns('cart_items') }},
        {{ exact_copy_number('cart_items') }} as exact_copy_number
    from raw_rows
),

numbered as (
    select
        *,
        {{ key_copy_number('cart_items') }} as key_copy_number
    from typed
),

checked as (
    -- checks in order, the first failed one wins: rows of seeds/reference/dq_checks.csv
    select
        *,
        case
            when exact_copy_number > 1 then 'exact_duplicate'
            when cart_item_id is null then 'invalid_cart_item_id'
            when key_copy_number > 1 then 'duplicate_cart_item_id'
            when cart_id is null then 'missing_cart_id'
            when product_id is null then 'invalid_product_id'
            when {{ has_unreadable_time_zone('raw_added_at') }}
                then 'unreadable_time_zone'
            when {{ is_unreadable('raw_added_at', 'added_at') }}
                then 'invalid_added_at'
            when quantity is null then 'invalid_quantity'
            when quantity <= 0 then 'non_positive_quantity'
            when {{ is_implausible('quantity', 'quantity') }}
                then 'implausible_quantity'
            when unit_price is null then 'invalid_unit_price'
            when unit_price < 0 then 'negative_unit_price'
            when {{ is_implausible('unit_price', 'unit_price') }}
                then 'implausible_unit_price'
        end as dq_reason
    from numbered
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
