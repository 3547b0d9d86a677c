-- The latest event time of the clickstream, a mistyped far-future date left out
-- (latest_within_data): the clickstream's as_of when the var is not set
-- (product_performance) and what the freshness check compares with the wall clock.
with events as (select * from {{ ref('int_events_sessionized') }}),

days as (
    select
        cast(event_time as date) as activity_day,
        count(*) as timestamp_count,
        max(event_time) as latest_at
    from events
    group by cast(event_time as date)
),

final as (
    {{ latest_within_data('days') }}
)

select * from final
