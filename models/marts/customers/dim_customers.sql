-- One row per customer: every customer of the customers table (guests
-- included) and any customer id found only on orders or carts. Profile,
-- orders and revenue, RFM, activity, top-revenue flag and cart counts.
with customers as (select * from {{ ref('int_customers_segmented') }}),

buyers as (select * from {{ ref('int_buyers_scored') }}),

carts as (select * from {{ ref('fct_carts') }}),

cart_counts as (
    select
        customer_id,
        count(*) as carts,
        count(case when is_abandoned then 1 end) as abandoned_carts
    from carts
    group by customer_id
),

joined as (
    select
        customers.customer_id,
        customers.is_known_customer,
        customers.is_guest,
        customers.signup_channel,
        customers.loyalty_tier,
        customers.clv_bucket,
        customers.signup_date,
        coalesce(buyers.orders, 0) as orders,
        coalesce(buyers.lifetime_revenue, 0) as lifetime_revenue,
        buyers.first_ordered_at,
        buyers.last_ordered_at,
        buyers.recency_days,
        buyers.r_score,
        buyers.f_score,
        buyers.m_score,
        buyers.fm_score,
        buyers.rfm_segment,
        coalesce(buyers.activity_status, 'never_ordered') as activity_status,
        coalesce(buyers.is_top_revenue_customer, false) as is_top_revenue_customer,
        coalesce(cart_counts.carts, 0) as carts,
        coalesce(cart_counts.abandoned_carts, 0) as abandoned_carts
    from customers
    left join buyers
        on customers.customer_id = buyers.customer_id
    left join cart_counts
        on customers.customer_id = cart_counts.customer_id
),

final as (
    select
        customer_id,
        is_known_customer,
        is_guest,
        signup_channel,
        loyalty_tier,
        clv_bucket,
        signup_date,
        orders,
        lifetime_revenue,
        first_ordered_at,
        last_ordered_at,
        {{ ratio('lifetime_revenue', 'orders') }} as aov,
        case
            when orders >= 2
                then
                    {{ seconds_between('first_ordered_at', 'last_ordered_at') }}
                    / 86400.0 / (orders - 1)
        end as avg_days_between_orders,
        recency_days,
        -- bigint on every engine, like every whole number of the marts (Spark's
        -- ntile gives an int)
        cast(r_score as bigint) as r_score,
        cast(f_score as bigint) as f_score,
        cast(m_score as bigint) as m_score,
        cast(fm_score as bigint) as fm_score,
        rfm_segment,
        activity_status,
        is_top_revenue_customer,
        case
            when orders = 0 then null
            when lifetime_revenue / orders < {{ var('order_value_low_max') }}
                then 'low'
            when lifetime_revenue / orders < {{ var('order_value_high_min') }}
                then 'medium'
            else 'high'
        end as order_value_bucket,
        carts,
        abandoned_carts
    from joined
)

select * from final
