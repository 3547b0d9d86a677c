-- The "now" of the commerce family: the var as_of when given, otherwise the
-- latest timestamp in the data (never the wall clock), so results only depend
-- on the data and the vars.
{%- set as_of = var('as_of', none) %}
{%- set as_of_value = (
    "cast('" ~ as_of ~ "' as " ~ dbt.type_timestamp() ~ ")"
    if as_of is not none else 'latest_at'
) %}

with latest_activity as (select * from {{ ref('int_commerce_latest_activity') }}),

final as (
    select {{ as_of_value }} as as_of
    from latest_activity
)

select * from final
