{{ config(**incremental_by_user_config()) }}

-- One row per (user, time_grain, bucket): a user's events in each hour of the
-- day (UTC), day of the week and month. The per-user state behind
-- activity_patterns: distinct users per bucket are its rows, so an
-- incremental run re-aggregates only the users with events in the window
-- (macros/incremental.sql) instead of every event (DECISIONLOG P9).
{#- on a full build the events are read from the relation, not a CTE (DuckDB
    would materialise a CTE read three times; DECISIONLOG P5) -#}
{%- set window = events_of_users_in_window('last_event_at') %}

with {{ window.cte }}

bucketed as (
    select
        user_id,
        'hour' as time_grain,
        {{ dbt.right("concat('0', cast(event_hour as " ~ dbt.type_string() ~ "))", 2) }}
            as bucket,
        event_hour as bucket_order,
        event_type,
        event_time,
        revenue
    from {{ window.relation }}
    union all
    select
        user_id,
        'weekday' as time_grain,
        case event_weekday
            when 1 then 'monday'
            when 2 then 'tuesday'
            when 3 then 'wednesday'
            when 4 then 'thursday'
            when 5 then 'friday'
            when 6 then 'saturday'
            when 7 then 'sunday'
        end as bucket,
        event_weekday as bucket_order,
        event_type,
        event_time,
        revenue
    from {{ window.relation }}
    union all
    select
        user_id,
        'month' as time_grain,
        substr(cast(event_month as {{ dbt.type_string() }}), 1, 7) as bucket,
        cast(
            replace(substr(cast(event_month as {{ dbt.type_string() }}), 1, 7), '-', '')
            as integer
        ) as bucket_order,
        event_type,
        event_time,
        revenue
    from {{ window.relation }}
),

final as (
    {#- plain group-bys spill to disk at 100M events where count(distinct)
        ran out of memory (DECISIONLOG P8) #}
    select
        user_id,
        time_grain,
        bucket,
        cast(bucket_order as bigint) as bucket_order,
        count(*) as events,
        count(case when event_type = 'view' then 1 end) as views,
        count(case when event_type = 'cart' then 1 end) as carts,
        count(case when event_type = 'purchase' then 1 end) as purchases,
        {{ sum_money('revenue') }} as revenue,
        max(event_time) as last_event_at
    from bucketed
    group by user_id, time_grain, bucket, bucket_order
)

select * from final
