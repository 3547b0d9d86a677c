-- The behaviour segments are a partition of the users: every user of the
-- clickstream is in exactly one of them, and their counts add up to
-- funnel_kpis.total_users (the high_value row is a flag on top, not a part).
with kpis as (select * from {{ ref('funnel_kpis') }}),

users as (select * from {{ ref('user_behavior_segments') }}),

summary as (select * from {{ ref('behavior_segment_summary') }}),

counts as (
    select
        (select count(*) from users) as segmented_users,
        (select count(distinct user_id) from users) as distinct_users,
        (
            select sum(s.users)
            from summary as s
            where s.is_partition_segment
        ) as summary_users,
        (select k.total_users from kpis as k) as total_users
)

select *
from counts
where
    segmented_users <> total_users
    or distinct_users <> total_users
    or summary_users <> total_users
