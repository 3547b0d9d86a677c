-- One row per (order_month, discounted) for every month with an order: the
-- month's orders and sales with a discount and without one, each with its share
-- of the month. Both rows of a month are present (zeros when one kind had no
-- order), so a chart shows discount spikes against the steady sales without one.
with orders as (select * from {{ ref('valid_ecom__orders') }}),

classified as (
    select
        customer_id,
        gross_total,
        net_total,
        total_discount_amount,
        cast({{ dbt.date_trunc('month', 'ordered_at') }} as date) as order_month,
        {{ is_discounted_order('total_discount_amount') }} as discounted
    from orders
),

months as (
    select distinct order_month from classified
),

kinds as (
    select false as discounted
    union all
    select true as discounted
),

aggregated as (
    select
        order_month,
        discounted,
        count(*) as orders,
        count(distinct customer_id) as buyers,
        {{ sum_money('gross_total') }} as gross_sales,
        {{ sum_money('coalesce(total_discount_amount, 0)') }} as discount_amount,
        {{ sum_money('net_total') }} as revenue
    from classified
    group by order_month, discounted
),

month_totals as (
    select
        order_month,
        count(*) as month_orders,
        {{ sum_money('net_total') }} as month_revenue
    from classified
    group by order_month
),

final as (
    select
        months.order_month,
        kinds.discounted,
        coalesce(aggregated.orders, 0) as orders,
        coalesce(aggregated.buyers, 0) as buyers,
        coalesce(aggregated.gross_sales, 0) as gross_sales,
        coalesce(aggregated.discount_amount, 0) as discount_amount,
        coalesce(aggregated.revenue, 0) as revenue,
        {{ ratio('aggregated.revenue', 'aggregated.orders') }} as aov,
        {{ ratio('coalesce(aggregated.orders, 0)', 'month_totals.month_orders') }}
            as share_of_month_orders,
        {{ ratio('coalesce(aggregated.revenue, 0)', 'month_totals.month_revenue') }}
            as share_of_month_revenue
    from months
    cross join kinds
    inner join month_totals
        on months.order_month = month_totals.order_month
    left join aggregated
        on
            months.order_month = aggregated.order_month
            and kinds.discounted = aggregated.discounted
)

select * from final
