-- One row per month carts were created in: carts by outcome, conversion and
-- abandonment rates, value converted and left behind.
with days as (select * from {{ ref('int_carts_grouped_by_created_date') }}),

grouped as (
    select
        cast({{ dbt.date_trunc('month', 'created_date') }} as date) as period,
        {{ sum_int('carts') }} as carts,
        {{ sum_int('converted_carts') }} as converted_carts,
        {{ sum_int('abandoned_carts') }} as abandoned_carts,
        {{ sum_int('emptied_carts') }} as emptied_carts,
        {{ sum_int('open_carts') }} as open_carts,
        {{ sum_int('unknown_carts') }} as unknown_carts,
        {{ sum_money('converted_value') }} as converted_value,
        {{ sum_money('abandoned_value') }} as abandoned_value
    from days
    group by cast({{ dbt.date_trunc('month', 'created_date') }} as date)
),

final as (
    select
        period,
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
    from grouped
)

select * from final
