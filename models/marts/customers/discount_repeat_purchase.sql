-- One row per first_order_discounted (true / false): do buyers whose first order
-- was discounted come back as often, and are they worth as much?
with buyers as (select * from {{ ref('int_buyers_classified_by_first_order') }}),

final as (
    select
        is_first_order_discounted as first_order_discounted,
        {{ repeat_purchase_measures() }}
    from buyers
    group by is_first_order_discounted
)

select * from final
