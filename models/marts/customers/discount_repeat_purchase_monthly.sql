-- One row per (first_order_month, first_order_discounted): discount_repeat_purchase
-- by the month of the buyers' first order (their cohort).
with buyers as (select * from {{ ref('int_buyers_classified_by_first_order') }}),

final as (
    select
        first_order_month,
        is_first_order_discounted as first_order_discounted,
        {{ repeat_purchase_measures() }}
    from buyers
    group by first_order_month, is_first_order_discounted
)

select * from final
