-- One row per (time_grain, bucket): when the shop is busy, by hour of the day
-- (UTC), day of the week (Monday first) and month. Each user counts once per
-- bucket: int_event_users_grouped_by_time_bucket has a row per user and bucket.

with user_buckets as (
    select * from {{ ref('int_event_users_grouped_by_time_bucket') }}
),

final as (
    select
        time_grain,
        bucket,
        bucket_order,
        {{ sum_int('events') }} as events,
        {{ sum_int('views') }} as views,
        {{ sum_int('carts') }} as carts,
        {{ sum_int('purchases') }} as purchases,
        {{ sum_money('revenue') }} as revenue,
        count(*) as users
    from user_buckets
    group by time_grain, bucket, bucket_order
)

select * from final
