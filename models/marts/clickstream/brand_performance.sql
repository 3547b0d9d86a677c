-- One row per brand, as each event gives it (missing -> `unknown`): views,
-- cart additions, purchases, revenue, revenue share and rank.
with product_events as (select * from {{ ref('int_events_grouped_by_product') }}),

grouped as (
    select
        coalesce(brand, 'unknown') as brand,
        {{ sum_int('views') }} as views,
        {{ sum_int('carts') }} as carts,
        {{ sum_int('purchases') }} as purchases,
        {{ sum_money('revenue') }} as revenue
    from product_events
    group by coalesce(brand, 'unknown')
),

final as (
    select
        brand,
        views,
        carts,
        purchases,
        revenue,
        {{ ratio('revenue', 'sum(revenue) over ()') }} as revenue_share,
        cast(row_number() over (
            order by revenue desc, brand asc
        ) as bigint) as revenue_rank
    from grouped
)

select * from final
