{{ config(materialized='table') }}

with checked as (
    -- dq_reason: exact copies and the key first (raw contract), then these
    {% call select_checked_raw_rows('ecom', 'order_items') %}
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
    {% endcall %}
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
