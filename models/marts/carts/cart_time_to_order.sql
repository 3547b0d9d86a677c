-- One row per time-to-order bucket: how long converted carts took to become
-- their matched order (order time - cart created_at). Every bucket is listed,
-- with 0 where no cart falls in it.
with matched_carts as (
    select * from {{ ref('fct_carts') }}
    where order_id is not null
),

buckets as (
    select
        1 as bucket_order,
        '<1h' as bucket,
        0 as min_hours,
        1 as max_hours
    union all
    select
        2 as bucket_order,
        '1-24h' as bucket,
        1 as min_hours,
        24 as max_hours
    union all
    select
        3 as bucket_order,
        '1-3d' as bucket,
        24 as min_hours,
        72 as max_hours
    union all
    select
        4 as bucket_order,
        '3-7d' as bucket,
        72 as min_hours,
        168 as max_hours
    union all
    select
        5 as bucket_order,
        '>7d' as bucket,
        168 as min_hours,
        null as max_hours
),

counted as (
    select
        buckets.bucket,
        buckets.bucket_order,
        count(matched_carts.cart_id) as converted_carts
    from buckets
    left join matched_carts
        on
            buckets.min_hours <= matched_carts.hours_to_order
            and (
                buckets.max_hours is null
                or buckets.max_hours > matched_carts.hours_to_order
            )
    group by buckets.bucket, buckets.bucket_order
),

final as (
    select
        bucket,
        cast(bucket_order as bigint) as bucket_order,
        converted_carts,
        {{ ratio('converted_carts', 'sum(converted_carts) over ()') }} as share
    from counted
)

select * from final
