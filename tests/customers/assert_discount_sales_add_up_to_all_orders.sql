-- Every valid order is in one row of discount_sales_monthly: the rows add up to
-- the orders and revenue of customer_kpis, and the two rows of each month share
-- its orders (and its revenue, when it has any) in full.
with sales as (select * from {{ ref('discount_sales_monthly') }}),

totals as (
    select
        sum(orders) as orders,
        sum(revenue) as revenue
    from sales
),

kpis as (select * from {{ ref('customer_kpis') }}),

months as (
    select
        order_month,
        count(*) as kinds,
        sum(share_of_month_orders) as order_shares,
        sum(share_of_month_revenue) as revenue_shares
    from sales
    group by order_month
)

select
    'totals' as failing_check,
    null as order_month
from totals
cross join kpis
where totals.orders <> kpis.orders or totals.revenue <> kpis.revenue

union all

select
    'month shares' as failing_check,
    order_month
from months
where
    kinds <> 2
    or abs(order_shares - 1) > 1e-9
    or abs(coalesce(revenue_shares, 1) - 1) > 1e-9
