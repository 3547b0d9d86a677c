-- One row per (event_month, user_type): the month's funnel for new users (their
-- first event is in that month) and returning users (active in the month, first
-- seen in an earlier one). A user counts at a stage with an event of that type in
-- the month (open funnel). A user's months are their month buckets in
-- int_event_users_grouped_by_time_bucket (one row per user and month).
with users as (select * from {{ ref('int_event_users_aggregated') }}),

user_months as (
    select
        user_id,
        cast({{ dbt.concat(['bucket', "'-01'"]) }} as date) as event_month,
        case when views > 0 then 1 else 0 end as has_viewed,
        case when carts > 0 then 1 else 0 end as has_carted,
        case when purchases > 0 then 1 else 0 end as has_purchased
    from {{ ref('int_event_users_grouped_by_time_bucket') }}
    where time_grain = 'month'
),

typed as (
    select
        user_months.*,
        case
            when
                user_months.event_month
                = cast({{ dbt.date_trunc('month', 'users.first_event_at') }} as date)
                then 'new'
            else 'returning'
        end as user_type
    from user_months
    inner join users
        on user_months.user_id = users.user_id
),

final as (
    select
        event_month,
        user_type,
        count(*) as users,
        count(case when has_viewed = 1 then 1 end) as viewers,
        count(case when has_carted = 1 then 1 end) as cart_users,
        count(case when has_purchased = 1 then 1 end) as purchasers,
        {{ ratio('count(case when has_carted = 1 then 1 end)',
                 'count(case when has_viewed = 1 then 1 end)') }}
            as view_to_cart_user_rate,
        {{ ratio('count(case when has_purchased = 1 then 1 end)',
                 'count(case when has_carted = 1 then 1 end)') }}
            as cart_to_purchase_user_rate,
        {{ ratio('count(case when has_purchased = 1 then 1 end)', 'count(*)') }}
            as user_conversion_rate
    from typed
    group by event_month, user_type
)

select * from final
