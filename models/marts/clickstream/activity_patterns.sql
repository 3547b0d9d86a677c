-- One row per (time_grain, bucket): when the shop is busy, by hour of the day
-- (UTC), day of the week (Monday first) and month.
{#- the events are read more than once: from the relation, not a CTE
    (DuckDB would materialise a CTE read twice; DECISIONLOG P5) -#}
{%- set events = ref('int_events_sessionized') %}

with bucketed as (
    select
        'hour' as time_grain,
        {{ dbt.right("concat('0', cast(event_hour as " ~ dbt.type_string() ~ "))", 2) }}
            as bucket,
        event_hour as bucket_order,
        event_type,
        revenue,
        user_id
    from {{ events }}
    union all
    select
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
        revenue,
        user_id
    from {{ events }}
    union all
    select
        'month' as time_grain,
        substr(cast(event_month as {{ dbt.type_string() }}), 1, 7) as bucket,
        cast(
            replace(substr(cast(event_month as {{ dbt.type_string() }}), 1, 7), '-', '')
            as integer
        ) as bucket_order,
        event_type,
        revenue,
        user_id
    from {{ events }}
),

-- distinct users in two steps (one row per bucket and user, then count the
-- rows): plain group-bys spill to disk at 100M events where count(distinct)
-- ran out of memory (DECISIONLOG P8)
bucket_users as (
    select
        time_grain,
        bucket,
        bucket_order,
        user_id,
        count(*) as events,
        count(case when event_type = 'view' then 1 end) as views,
        count(case when event_type = 'cart' then 1 end) as carts,
        count(case when event_type = 'purchase' then 1 end) as purchases,
        {{ sum_money('revenue') }} as revenue
    from bucketed
    group by time_grain, bucket, bucket_order, user_id
),

final as (
    select
        time_grain,
        bucket,
        cast(bucket_order as bigint) as bucket_order,
        {{ sum_int('events') }} as events,
        {{ sum_int('views') }} as views,
        {{ sum_int('carts') }} as carts,
        {{ sum_int('purchases') }} as purchases,
        {{ sum_money('revenue') }} as revenue,
        count(*) as users
    from bucket_users
    group by time_grain, bucket, bucket_order
)

select * from final
