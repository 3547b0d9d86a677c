-- One row per catalog attribute of the events (brand, category_code): how many
-- events, purchases and how much revenue come without it (0 without events).
with product_events as (select * from {{ ref('int_events_grouped_by_product') }}),

counted as (
    select
        {{ sum_int('events') }} as events,
        {{ sum_money('revenue') }} as revenue,
        {{ sum_int('case when brand is null then events else 0 end') }}
            as brand_events_missing,
        {{ sum_int('case when brand is null then purchases else 0 end') }}
            as brand_purchases_missing,
        {{ sum_money('case when brand is null then revenue else 0 end') }}
            as brand_revenue_missing,
        {{ sum_int('case when category_code is null then events else 0 end') }}
            as category_code_events_missing,
        {{ sum_int('case when category_code is null then purchases else 0 end') }}
            as category_code_purchases_missing,
        {{ sum_money('case when category_code is null then revenue else 0 end') }}
            as category_code_revenue_missing
    from product_events
),

attributes as (
    select
        'brand' as attribute,
        events,
        revenue,
        brand_events_missing as events_missing,
        brand_purchases_missing as purchases_missing,
        brand_revenue_missing as revenue_missing
    from counted
    union all
    select
        'category_code' as attribute,
        events,
        revenue,
        category_code_events_missing as events_missing,
        category_code_purchases_missing as purchases_missing,
        category_code_revenue_missing as revenue_missing
    from counted
),

final as (
    select
        attribute,
        coalesce(events_missing, 0) as events_missing,
        {{ ratio('events_missing', 'events') }} as events_share_missing,
        coalesce(purchases_missing, 0) as purchases_missing,
        coalesce(revenue_missing, 0) as revenue_missing,
        {{ ratio('revenue_missing', 'revenue') }} as revenue_share_missing
    from attributes
)

select * from final
