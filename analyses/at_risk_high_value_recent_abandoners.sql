-- Campaign list: at-risk, high-value customers who abandoned a cart in the
-- last 30 days (before as_of), with what they left behind. "High value" here:
-- a top revenue customer or a monetary score of 4 or 5. Change the numbers
-- below for another campaign; compile with
-- `dbt compile --select at_risk_high_value_recent_abandoners`.
{%- set lookback_days = 30 %}
{%- set min_m_score = 4 %}

with customers as (select * from {{ ref('dim_customers') }}),

abandoned_carts as (
    select * from {{ ref('fct_carts') }}
    where is_abandoned
),

as_of as (select * from {{ ref('int_commerce_as_of') }}),

recent_abandonment as (
    select
        abandoned_carts.customer_id,
        count(*) as recent_abandoned_carts,
        sum(abandoned_carts.cart_value) as recent_abandoned_value,
        max(abandoned_carts.abandoned_at) as last_abandoned_at
    from abandoned_carts
    cross join as_of
    where
        {{ seconds_between('abandoned_carts.abandoned_at', 'as_of.as_of') }}
        <= {{ lookback_days }} * 86400
    group by abandoned_carts.customer_id
)

select
    customers.customer_id,
    customers.loyalty_tier,
    customers.rfm_segment,
    customers.lifetime_revenue,
    customers.orders,
    customers.recency_days,
    recent_abandonment.recent_abandoned_carts,
    recent_abandonment.recent_abandoned_value,
    recent_abandonment.last_abandoned_at
from customers
inner join recent_abandonment
    on customers.customer_id = recent_abandonment.customer_id
where
    customers.activity_status = 'at_risk'
    and (
        customers.is_top_revenue_customer
        or customers.m_score >= {{ min_m_score }}
    )
order by recent_abandonment.recent_abandoned_value desc, customers.customer_id asc
