-- One row per product seen in the clickstream: traffic, cart additions,
-- purchases, revenue, and a flag for products with many views and no sale.
{#- the events are read more than once: from the relation, not a CTE
    (DuckDB would materialise a CTE read twice; DECISIONLOG P5) -#}
{%- set events = ref('int_events_sessionized') %}

with product_events as (
    select
        product_id,
        count(case when event_type = 'view' then 1 end) as views,
        count(case when event_type = 'cart' then 1 end) as carts,
        count(case when event_type = 'purchase' then 1 end) as purchases,
        sum(revenue) as revenue
    from {{ events }}
    group by product_id
),

product_users as (
    select
        product_id,
        user_id,
        max(case when event_type = 'view' then 1 else 0 end) = 1 as has_viewed,
        max(case when event_type = 'purchase' then 1 else 0 end) = 1
            as has_purchased
    from {{ events }}
    group by product_id, user_id
),

product_viewers as (
    select
        product_id,
        count(case when has_viewed then 1 end) as viewers,
        count(case when has_viewed and has_purchased then 1 end)
            as viewers_who_purchased
    from product_users
    group by product_id
),

-- a product's brand and category as its events most often give them
attribute_counts as (
    select
        product_id,
        'brand' as attribute,
        brand as attribute_value,
        count(*) as occurrences
    from {{ events }}
    where brand is not null
    group by product_id, brand
    union all
    select
        product_id,
        'category_code' as attribute,
        category_code as attribute_value,
        count(*) as occurrences
    from {{ events }}
    where category_code is not null
    group by product_id, category_code
),

attributes as (
    select
        product_id,
        max(case when attribute = 'brand' then attribute_value end) as brand,
        max(case when attribute = 'category_code' then attribute_value end)
            as category_code
    from (
        select
            *,
            row_number() over (
                partition by product_id, attribute
                order by occurrences desc, attribute_value asc
            ) as value_rank
        from attribute_counts
    ) as ranked
    where value_rank = 1
    group by product_id
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
        product_viewers.viewers,
        {{ ratio('product_viewers.viewers_who_purchased', 'product_viewers.viewers') }}
            as view_to_purchase_rate,
        product_events.views >= {{ var('zero_purchase_min_views') }}
        and product_events.purchases = 0 as is_high_view_zero_purchase
    from product_events
    inner join product_viewers
        on product_events.product_id = product_viewers.product_id
    left join attributes
        on product_events.product_id = attributes.product_id
)

select * from final
