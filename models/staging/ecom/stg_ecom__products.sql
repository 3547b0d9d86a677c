{{ config(materialized='table') }}

with checked as (
    -- dq_reason: exact copies and the key first (raw contract), then these
    {% call select_checked_raw_rows('ecom', 'product_catalog') %}
        when {{ is_unreadable('raw_unit_price', 'unit_price') }}
            then 'invalid_unit_price'
        when unit_price < 0 then 'negative_unit_price'
        when {{ is_unreadable('raw_cost_price', 'cost_price') }}
            then 'invalid_cost_price'
        when {{ is_unreadable('raw_inventory_quantity', 'inventory_quantity') }}
            then 'invalid_inventory_quantity'
    {% endcall %}
),

final as (
    select
        product_id,
        product_name,
        category,
        unit_price,
        cost_price,
        inventory_quantity,
        {{ is_implausible('unit_price', 'unit_price') }}
            as is_unit_price_implausible,
        dq_reason,
        case
            when dq_reason is not null
                then {{ raw_values_json('product_catalog') }}
        end as raw_values
    from checked
)

select * from final
