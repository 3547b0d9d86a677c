-- One row per (abandoned cart, product), with the product's name and category
-- from the catalog (master data), else from the cart lines' copies.
with cart_products as (select * from {{ ref('int_cart_lines_grouped_by_product') }}),

abandoned_carts as (
    select * from {{ ref('int_carts_classified') }}
    where cart_outcome = 'abandoned'
),

products as (select * from {{ ref('valid_ecom__products') }}),

final as (
    select
        cart_products.cart_id,
        cart_products.product_id,
        coalesce(products.product_name, cart_products.product_name)
            as product_name,
        coalesce(products.category, cart_products.category, 'unknown')
            as category,
        cart_products.quantity,
        cart_products.line_value
    from cart_products
    inner join abandoned_carts
        on cart_products.cart_id = abandoned_carts.cart_id
    left join products
        on cart_products.product_id = products.product_id
)

select * from final
