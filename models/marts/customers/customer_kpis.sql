-- One row: the headline numbers of customer value and retention at as_of.
-- Without customers, the counts are 0 and the rates null.
with customers as (select * from {{ ref('dim_customers') }}),

carts as (select * from {{ ref('fct_carts') }}),

customer_totals as (
    select
        count(*) as customers,
        count(case when orders > 0 then 1 end) as buyers,
        count(case when orders >= 2 then 1 end) as repeat_buyers,
        coalesce({{ sum_int('orders') }}, 0) as orders,
        coalesce({{ sum_money('lifetime_revenue') }}, 0) as revenue,
        count(case when is_top_revenue_customer then 1 end)
            as top_revenue_customers
    from customers
),

cart_totals as (
    select
        count(*) as carts,
        count(case when order_id is null then 1 end) as carts_without_order
    from carts
),

final as (
    select
        customer_totals.customers,
        customer_totals.buyers,
        customer_totals.repeat_buyers,
        {{ ratio('customer_totals.repeat_buyers', 'customer_totals.buyers') }}
            as repeat_purchase_rate,
        customer_totals.orders,
        {{ ratio('customer_totals.orders', 'customer_totals.buyers') }}
            as avg_orders_per_buyer,
        customer_totals.revenue,
        {{ ratio('customer_totals.revenue', 'customer_totals.orders') }} as aov,
        {{ ratio('cart_totals.carts_without_order', 'cart_totals.carts') }}
            as order_abandonment_rate,
        customer_totals.top_revenue_customers,
        {{ ratio('customer_totals.top_revenue_customers', 'customer_totals.buyers') }}
            as top_revenue_customer_share
    from customer_totals
    cross join cart_totals
)

select * from final
