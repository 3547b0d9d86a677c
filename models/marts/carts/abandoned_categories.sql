-- One row per product category left in abandoned carts, ranked by value.
with abandoned_cart_products as (
    select * from {{ ref('int_cart_products_abandoned') }}
),

grouped as (
    select
        category,
        count(distinct cart_id) as abandoned_carts,
        {{ sum_int('quantity') }} as abandoned_quantity,
        {{ sum_money('line_value') }} as abandoned_value
    from abandoned_cart_products
    group by category
),

final as (
    select
        category,
        abandoned_carts,
        abandoned_quantity,
        abandoned_value,
        {{ ratio('abandoned_value', 'sum(abandoned_value) over ()') }} as value_share,
        cast(row_number() over (
            order by abandoned_value desc, category asc
        ) as bigint) as value_rank
    from grouped
)

select * from final
