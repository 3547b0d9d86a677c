-- One row per product seen in the clickstream: traffic, cart additions,
-- purchases, revenue, and a flag for products with many views and no sale, of
-- all time and of the zero_purchase_window_days before the clickstream's as_of.
-- Version 2: product_id is text (DECISIONLOG E12).
with product_events as (
    select
        product_id,
        {{ sum_int('views') }} as views,
        {{ sum_int('carts') }} as carts,
        {{ sum_int('purchases') }} as purchases,
        {{ sum_money('revenue') }} as revenue
    from {{ ref('int_events_grouped_by_product') }}
    group by product_id
),

attributes as (select * from {{ ref('int_products_attributed') }}),

product_viewers as (
    select
        product_id,
        count(*) as viewers,
        count(case when has_purchased then 1 end) as viewers_who_purchased
    from {{ ref('int_product_viewers') }}
    group by product_id
),

latest_event as (select * from {{ ref('int_events_latest_activity') }}),

-- the clickstream's "now": the var as_of, else its latest event
events_as_of as (
    select {{ as_of_timestamp('latest_at') }} as as_of
    from latest_event
),

-- events with as_of - zero_purchase_window_days < event_time <= as_of
recent_product_events as (
    select
        events.product_id,
        count(case when events.event_type = 'view' then 1 end) as recent_views,
        count(case when events.event_type = 'purchase' then 1 end)
            as recent_purchases
    from {{ ref('int_events_sessionized') }} as events
    cross join events_as_of
    where
        {{ seconds_between('events.event_time', 'events_as_of.as_of') }} >= 0
        and {{ seconds_between('events.event_time', 'events_as_of.as_of') }}
        < {{ var('zero_purchase_window_days') }} * 86400
    group by events.product_id
),

final as (
    select
        product_events.product_id,
        coalesce(attributes.category_code, 'unknown') as category_code,
        coalesce(attributes.brand, 'unknown') as brand,
        product_events.views,
        product_events.carts,
        product_events.purchases,
        product_events.revenue,
        -- products nobody viewed have no viewer rows
        coalesce(product_viewers.viewers, 0) as viewers,
        {{ ratio('product_viewers.viewers_who_purchased', 'product_viewers.viewers') }}
            as view_to_purchase_rate,
        product_events.views >= {{ var('zero_purchase_min_views') }}
        and product_events.purchases = 0 as is_high_view_zero_purchase,
        coalesce(recent_product_events.recent_views, 0) as recent_views,
        coalesce(recent_product_events.recent_purchases, 0) as recent_purchases,
        coalesce(recent_product_events.recent_views, 0)
        >= {{ var('zero_purchase_min_views') }}
        and coalesce(recent_product_events.recent_purchases, 0) = 0
            as is_recent_high_view_zero_purchase
    from product_events
    left join product_viewers
        on product_events.product_id = product_viewers.product_id
    left join attributes
        on product_events.product_id = attributes.product_id
    left join recent_product_events
        on product_events.product_id = recent_product_events.product_id
)

select * from final
