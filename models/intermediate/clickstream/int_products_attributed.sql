-- One row per product seen in the clickstream, with the brand and the
-- category_code its events most often give it (events can disagree; ties go to
-- the first value in alphabetical order; null when no event has one).
with product_events as (select * from {{ ref('int_events_grouped_by_product') }}),

attribute_counts as (
    select
        product_id,
        'brand' as attribute,
        brand as attribute_value,
        {{ sum_int('events') }} as occurrences
    from product_events
    where brand is not null
    group by product_id, brand
    union all
    select
        product_id,
        'category_code' as attribute,
        category_code as attribute_value,
        {{ sum_int('events') }} as occurrences
    from product_events
    where category_code is not null
    group by product_id, category_code
),

ranked as (
    select
        *,
        row_number() over (
            partition by product_id, attribute
            order by occurrences desc, attribute_value asc
        ) as value_rank
    from attribute_counts
),

products as (
    select distinct product_id from product_events
),

final as (
    select
        products.product_id,
        max(case when ranked.attribute = 'brand' then ranked.attribute_value end)
            as brand,
        max(
            case when ranked.attribute = 'category_code' then ranked.attribute_value end
        ) as category_code
    from products
    left join ranked
        on products.product_id = ranked.product_id and ranked.value_rank = 1
    group by products.product_id
)

select * from final
