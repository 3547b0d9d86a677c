-- One row per day carts were created on: the carts, counted by outcome, and the
-- value converted and abandoned. The daily and monthly conversion marts add up
-- these rows; outcome counts add up to carts (unknown included).
with carts as (select * from {{ ref('int_carts_classified') }}),

final as (
    select
        cast(created_at as date) as created_date,
        count(*) as carts,
        {{ count_carts_by_outcome() | indent(8) }}
    from carts
    group by cast(created_at as date)
)

select * from final
