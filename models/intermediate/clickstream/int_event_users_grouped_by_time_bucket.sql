{{ config(**incremental_by_user_config()) }}

-- One row per (user, time_grain, bucket): a user's events in each hour of the
-- day (UTC), day of the week and month. The per-user state behind
-- activity_patterns: distinct users per bucket are its rows, so an
-- incremental run re-aggregates only the users with events in the window
-- (macros/incremental.sql) instead of every event (DECISIONLOG P9).
{#- the events are read once per grain and grouped on integer keys; the
    bucket labels are written after aggregating (on a full build the events are
    read from the relation, not a CTE, which DuckDB would materialise;
    DECISIONLOG P5) -#}
{%- set window = events_of_users_in_window('last_event_at') %}
{%- set grains = {
    'hour': 'event_hour', 'weekday': 'event_weekday', 'month': 'event_month'
} %}

with {{ window.cte }}

grouped as (
    {%- for grain, key in grains.items() %}
    select
        user_id,
        '{{ grain }}' as time_grain,
        {{ key if grain == 'month' else 'cast(null as date)' }} as bucket_month,
        {{ 'null' if grain == 'month' else key }} as bucket_number,
        count(*) as events,
        count(case when event_type = 'view' then 1 end) as views,
        count(case when event_type = 'cart' then 1 end) as carts,
        count(case when event_type = 'purchase' then 1 end) as purchases,
        {{ sum_money('revenue') }} as revenue,
        max(event_time) as last_event_at
    from {{ window.relation }}
    group by user_id, {{ key }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

final as (
    select
        user_id,
        time_grain,
        case time_grain
            when 'hour'
                then {{ dbt.right(
                    "concat('0', cast(bucket_number as " ~ dbt.type_string() ~ "))", 2) }}
            when 'weekday'
                then case bucket_number
                    when 1 then 'monday'
                    when 2 then 'tuesday'
                    when 3 then 'wednesday'
                    when 4 then 'thursday'
                    when 5 then 'friday'
                    when 6 then 'saturday'
                    when 7 then 'sunday'
                end
            else substr(cast(bucket_month as {{ dbt.type_string() }}), 1, 7)
        end as bucket,
        cast(coalesce(
            bucket_number,
            cast(replace(
                substr(cast(bucket_month as {{ dbt.type_string() }}), 1, 7), '-', ''
            ) as integer)
        ) as bigint) as bucket_order,
        events,
        views,
        carts,
        purchases,
        revenue,
        last_event_at
    from grouped
)

select * from final
