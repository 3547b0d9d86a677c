-- One row per (attribute, attribute_value), attribute being brand or
-- category_code: what cart abandoners (users with a cart event and no purchase
-- event) put in their carts, as each cart event carries the attribute (missing
-- -> `unknown`): abandoning users, cart events, carted value, its share of all
-- abandoners' carted value and its rank. Read by cart_abandoner_brands and
-- cart_abandoner_categories, which differ only in the attribute.
with users as (select * from {{ ref('int_event_users_aggregated') }}),

events as (select * from {{ ref('int_events_sessionized') }}),

abandoners as (
    select user_id
    from users
    where is_cart_user and not is_purchaser
),

abandoner_cart_events as (
    select
        events.user_id,
        events.brand,
        events.category_code,
        events.price
    from events
    inner join abandoners
        on events.user_id = abandoners.user_id
    where events.event_type = 'cart'
),

attributes as (
    select 'brand' as attribute
    union all
    select 'category_code' as attribute
),

attributed as (
    select
        attributes.attribute,
        coalesce(
            case
                when attributes.attribute = 'brand'
                    then abandoner_cart_events.brand
                else abandoner_cart_events.category_code
            end,
            'unknown'
        ) as attribute_value,
        abandoner_cart_events.user_id,
        abandoner_cart_events.price
    from abandoner_cart_events
    cross join attributes
),

grouped as (
    select
        attribute,
        attribute_value,
        count(distinct user_id) as abandoning_users,
        count(*) as cart_events,
        {{ sum_money('price') }} as carted_value
    from attributed
    group by attribute, attribute_value
),

final as (
    select
        attribute,
        attribute_value,
        abandoning_users,
        cart_events,
        carted_value,
        {{ ratio('carted_value', 'sum(carted_value) over (partition by attribute)') }}
            as value_share,
        -- bigint on every engine, as the marts' contracts say
        cast(row_number() over (
            partition by attribute
            order by carted_value desc, attribute_value asc
        ) as bigint) as value_rank
    from grouped
)

select * from final
