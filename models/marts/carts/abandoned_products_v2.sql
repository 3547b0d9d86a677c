-- One row per product left in abandoned carts: how often, how many units and how
-- much value, ranked by value. Version 2: product_id is text (DECISIONLOG E12).
with abandoned_cart_products as (
    select * from {{ ref('int_cart_products_abandoned') }}
),

grouped as (
    select
        product_id,
        min(product_name) as product_name,
        min(category) as category,
        count(*) as abandoned_carts,
        {{ sum_int('quantity') }} as abandoned_quantity,
        {{ sum_money('line_value') }} as abandoned_value
    from abandoned_cart_products
    group by product_id
),

final as (
    select
        product_id,
        product_name,
        category,
        abandoned_carts,
        abandoned_quantity,
        abandoned_value,
        {{ ratio('abandoned_value', 'sum(abandoned_value) over ()') }} as value_share,
        cast(row_number() over (
            order by abandoned_value desc, {{ id_order('product_id') }}
        ) as bigint) as value_rank
    from grouped
)

select * from final
