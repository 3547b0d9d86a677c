-- One row per (product_id, brand, category_code) as the events carry them: the
-- events of each type and their revenue. The events are counted by type here,
-- once, for the marts by product, brand and category and for catalog
-- completeness (a few thousand rows instead of every event).
with events as (select * from {{ ref('int_events_sessionized') }}),

final as (
    select
        product_id,
        brand,
        category_code,
        count(*) as events,
        count(case when event_type = 'view' then 1 end) as views,
        count(case when event_type = 'cart' then 1 end) as carts,
        count(case when event_type = 'remove_from_cart' then 1 end)
            as removes_from_cart,
        count(case when event_type = 'purchase' then 1 end) as purchases,
        {{ sum_money('revenue') }} as revenue
    from events
    group by product_id, brand, category_code
)

select * from final
