-- One row per (cart_id, product_id). Several lines of one product are separate
-- add-to-cart actions: their quantities and values add up (docs/raw_data.md).
with cart_items as (select * from {{ ref('valid_ecom__cart_items') }}),

grouped as (
    select
        cart_id,
        product_id,
        -- the lines copy the product's name and category at the time; after
        -- lower(trim()) they agree, min() picks one the same way every build
        min(product_name) as product_name,
        min(category) as category,
        count(*) as line_count,
        {{ sum_int('quantity') }} as quantity,
        {{ sum_money('line_value') }} as line_value,
        max(added_at) as last_added_at
    from cart_items
    group by cart_id, product_id
)

select * from grouped
