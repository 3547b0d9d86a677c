{{ config(materialized='table') }}

with checked as (
    -- dq_reason: exact copies and the key first (raw contract), then these
    {% call select_checked_raw_rows('ecom', 'cart_items') %}
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
    {% endcall %}
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
