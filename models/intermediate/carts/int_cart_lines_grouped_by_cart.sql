-- One row per cart that has lines: its size and value (docs/overview.md: the cart value
-- is the sum over all its lines; SKU counts are distinct (cart_id, product_id)).
with cart_products as (select * from {{ ref('int_cart_lines_grouped_by_product') }}),

grouped as (
    select
        cart_id,
        {{ sum_int('line_count') }} as line_count,
        count(*) as distinct_products,
        {{ sum_int('quantity') }} as total_quantity,
        {{ sum_money('line_value') }} as cart_value,
        max(last_added_at) as last_added_at
    from cart_products
    group by cart_id
)

select * from grouped
