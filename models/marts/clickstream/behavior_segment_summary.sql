-- One row per behaviour segment, plus a row `high_value` for the users flagged
-- high value (who also belong to a purchase segment): how many users, how much
-- revenue, and their shares.
with users as (select * from {{ ref('user_behavior_segments') }}),

segments as (
    select
        behavior_segment,
        count(*) as users,
        {{ sum_money('revenue') }} as revenue
    from users
    group by behavior_segment
    union all
    select
        'high_value' as behavior_segment,
        count(*) as users,
        coalesce({{ sum_money('revenue') }}, 0) as revenue
    from users
    where is_high_value
),

totals as (
    select
        count(*) as users,
        {{ sum_money('revenue') }} as revenue
    from users
),

final as (
    select
        segments.behavior_segment,
        cast(
            case segments.behavior_segment
                when 'view_only' then 1
                when 'cart_abandoner' then 2
                when 'single_purchase' then 3
                when 'multi_purchase' then 4
                else 5
            end as bigint
        ) as segment_order,
        segments.behavior_segment <> 'high_value' as is_partition_segment,
        segments.users,
        {{ ratio('segments.users', 'totals.users') }} as user_share,
        segments.revenue,
        {{ ratio('segments.revenue', 'totals.revenue') }} as revenue_share
    from segments
    cross join totals
)

select * from final
