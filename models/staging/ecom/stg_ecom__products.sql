{{ config(materialized='table') }}

with raw_rows as (
    {{ select_raw_rows('ecom', 'product_catalog') }}
),

typed as (
    select
        *,
        {{ typed_raw_columns('product_catalog') }},
        {{ exact_copy_number('product_catalog') }} as exact_copy_number
    from raw_rows
),

numbered as (
    select
        *,
        {{ key_copy_number('product_catalog') }} as key_copy_number
    from typed
),

checked as (
    -- checks in order, the first failed one wins: rows of seeds/reference/dq_checks.csv
    select
        *,
        case
            when exact_copy_number > 1 then 'exact_duplicate'
            when product_id is null then 'invalid_product_id'
            when key_copy_number > 1 then 'duplicate_product_id'
            when {{ is_unreadable('raw_unit_price', 'unit_price') }}
                then 'invalid_unit_price'
            when unit_price < 0 then 'negative_unit_price'
            when {{ is_unreadable('raw_cost_price', 'cost_price') }}
                then 'invalid_cost_price'
            when {{ is_unreadable('raw_inventory_quantity', 'inventory_quantity') }}
                then 'invalid_inventory_quantity'
        end as dq_reason
    from numbered
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
