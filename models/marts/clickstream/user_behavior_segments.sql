-- One row per clickstream user: their behaviour segment (a partition of the
-- users) and whether they are among the top high_value_user_share of
-- purchasing users by revenue.
with users as (select * from {{ ref('int_event_users_aggregated') }}),

ranked as (
    select
        *,
        case
            when purchases > 0
                then row_number() over (
                    partition by purchases > 0
                    order by revenue desc, user_id asc
                )
        end as revenue_rank,
        count(case when purchases > 0 then 1 end) over () as purchasing_users
    from users
),

final as (
    select
        user_id,
        case
            when transactions >= 2 then 'multi_purchase'
            when transactions = 1 then 'single_purchase'
            when carts > 0 then 'cart_abandoner'
            else 'view_only'
        end as behavior_segment,
        sessions,
        transactions,
        purchases as purchase_events,
        revenue,
        views,
        carts,
        coalesce(
            revenue_rank
            <= ceil(purchasing_users * {{ var('high_value_user_share') }}),
            false
        ) as is_high_value
    from ranked
)

select * from final
