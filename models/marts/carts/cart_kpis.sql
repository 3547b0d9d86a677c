-- One row: the headline numbers of the cart stage at as_of.
with carts as (select * from {{ ref('fct_carts') }}),

reengagement as (select * from {{ ref('customer_reengagement') }}),

as_of as (select * from {{ ref('int_commerce_as_of') }}),

cart_totals as (
    select
        count(*) as carts,
        {{ count_carts_by_outcome() | indent(8) }},
        count(case when order_id is not null then 1 end) as matched_carts,
        count(case when is_converted and order_id is null then 1 end)
            as converted_carts_without_order,
        count(case when is_order_quarantined then 1 end)
            as converted_carts_with_quarantined_order,
        {{ median('hours_to_order') }} as median_hours_to_order
    from carts
),

customer_totals as (
    select
        count(*) as customers_with_abandoned_carts,
        count(case when is_reengaged then 1 end) as reengaged_customers,
        count(case when is_savable then 1 end) as savable_customers
    from reengagement
),

final as (
    select
        as_of.as_of,
        cart_totals.carts,
        cart_totals.converted_carts,
        cart_totals.abandoned_carts,
        cart_totals.emptied_carts,
        cart_totals.open_carts,
        cart_totals.unknown_carts,
        {{ ratio('cart_totals.converted_carts', 'cart_totals.carts') }}
            as conversion_rate,
        {{ ratio('cart_totals.abandoned_carts', 'cart_totals.carts') }}
            as abandonment_rate,
        cart_totals.abandoned_value,
        {{ ratio(
            'customer_totals.reengaged_customers',
            'customer_totals.customers_with_abandoned_carts') }}
            as reengagement_rate,
        cart_totals.median_hours_to_order,
        cart_totals.matched_carts,
        customer_totals.customers_with_abandoned_carts,
        customer_totals.reengaged_customers,
        customer_totals.savable_customers,
        cart_totals.converted_carts_without_order,
        cart_totals.converted_carts_with_quarantined_order
    from cart_totals
    cross join customer_totals
    cross join as_of
)

select * from final
