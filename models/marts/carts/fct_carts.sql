-- One row per cart: its contents, outcome, matched order, re-engagement and the
-- segment attributes of its customer.
with carts as (select * from {{ ref('int_carts_classified') }}),

matches as (select * from {{ ref('int_carts_matched_to_orders') }}),

quarantined_orders as (select * from {{ ref('int_carts_with_quarantined_order') }}),

reengagement as (select * from {{ ref('int_abandoned_carts_followed_by_orders') }}),

customers as (select * from {{ ref('int_customers_segmented') }}),

joined as (
    select
        carts.*,
        matches.order_id,
        matches.ordered_at,
        matches.hours_to_order,
        matches.match_method,
        quarantined_orders.cart_id is not null as is_order_quarantined,
        reengagement.is_reengaged,
        customers.is_known_customer,
        customers.is_guest,
        customers.signup_channel,
        customers.loyalty_tier,
        customers.clv_bucket,
        customers.signup_cohort_month
    from carts
    left join matches
        on carts.cart_id = matches.cart_id
    left join quarantined_orders
        on carts.cart_id = quarantined_orders.cart_id
    left join reengagement
        on carts.cart_id = reengagement.cart_id
    left join customers
        on carts.customer_id = customers.customer_id
),

final as (
    select
        cart_id,
        customer_id,
        created_at,
        cast(created_at as date) as created_date,
        cast({{ dbt.date_trunc('month', 'created_at') }} as date) as created_month,
        last_activity_at,
        abandoned_at,
        cart_status,
        cart_outcome,
        cart_outcome = 'converted' as is_converted,
        cart_outcome = 'abandoned' as is_abandoned,
        is_open_past_timeout,
        line_count,
        distinct_products,
        total_quantity,
        cart_value,
        cart_total,
        order_id,
        ordered_at,
        hours_to_order,
        hours_to_order / 24.0 as days_to_order,
        match_method,
        coalesce(is_reengaged, false) as is_reengaged,
        is_known_customer,
        is_guest,
        signup_channel,
        loyalty_tier,
        clv_bucket,
        signup_cohort_month,
        is_order_quarantined
    from joined
)

select * from final
