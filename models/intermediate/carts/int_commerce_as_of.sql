-- The "now" of the commerce family: the var as_of when given, otherwise the
-- latest timestamp in the data (never the wall clock), so results only depend
-- on the data and the vars.
with latest_activity as (select * from {{ ref('int_commerce_latest_activity') }}),

final as (
    select {{ as_of_timestamp('latest_at') }} as as_of
    from latest_activity
)

select * from final
