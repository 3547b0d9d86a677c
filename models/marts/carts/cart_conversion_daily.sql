-- One row per day carts were created on: carts by outcome, conversion and
-- abandonment rates, value converted and left behind.
with days as (select * from {{ ref('int_carts_grouped_by_created_date') }}),

final as (
    select
        created_date as period,
        carts,
        converted_carts,
        abandoned_carts,
        emptied_carts,
        open_carts,
        unknown_carts,
        {{ ratio('converted_carts', 'carts') }} as conversion_rate,
        {{ ratio('abandoned_carts', 'carts') }} as abandonment_rate,
        converted_value,
        abandoned_value
    from days
)

select * from final
