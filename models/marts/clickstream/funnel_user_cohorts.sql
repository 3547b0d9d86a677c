-- One row per (cohort_month, funnel_type, stage): the users of each monthly
-- cohort (the month of a user's first event) who reach each funnel stage over
-- all their events, open ("ever did") and strict (in order), as funnel_stages
-- counts them for everyone (int_event_users_aggregated).
with users as (select * from {{ ref('int_event_users_aggregated') }}),

funnel_types as (
    select 'open' as funnel_type
    union all
    select 'strict' as funnel_type
),

stages as (
    {{ funnel_stage_rows() }}
),

-- one row per (user, funnel_type, stage): did the user reach it?
user_stages as (
    select
        cast({{ dbt.date_trunc('month', 'users.first_event_at') }} as date)
            as cohort_month,
        funnel_types.funnel_type,
        stages.stage,
        stages.stage_order,
        case
            when stages.stage = 'view' then users.is_viewer
            when funnel_types.funnel_type = 'open' and stages.stage = 'cart'
                then users.is_cart_user
            when funnel_types.funnel_type = 'open' then users.is_purchaser
            when stages.stage = 'cart' then users.reaches_strict_cart
            else users.reaches_strict_purchase
        end as reaches_stage
    from users
    cross join funnel_types
    cross join stages
),

cohort_stages as (
    select
        cohort_month,
        funnel_type,
        stage,
        stage_order,
        count(case when reaches_stage then 1 end) as users
    from user_stages
    group by cohort_month, funnel_type, stage, stage_order
),

compared as (
    select
        *,
        lag(users) over (
            partition by cohort_month, funnel_type order by stage_order
        ) as previous_stage_users,
        first_value(users) over (
            partition by cohort_month, funnel_type order by stage_order
        ) as first_stage_users
    from cohort_stages
),

final as (
    select
        cohort_month,
        funnel_type,
        stage,
        cast(stage_order as bigint) as stage_order,
        users,
        {{ ratio('users', 'previous_stage_users') }} as conversion_from_previous,
        {{ ratio('users', 'first_stage_users') }} as share_of_first_stage
    from compared
)

select * from final
