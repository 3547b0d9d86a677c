-- One row per customer id of the commerce data: every valid customer, and any
-- id found only on orders or carts. The one place of the guest rule and of the
-- segment attributes that fct_carts, dim_customers and customer_reengagement
-- report: guests and blanks are `unknown` (docs/overview.md).
with customers as (select * from {{ ref('valid_ecom__customers') }}),

orders as (
    select customer_id from {{ ref('valid_ecom__orders') }}
),

carts as (
    select customer_id from {{ ref('valid_ecom__carts') }}
),

customer_ids as (
    select customer_id from customers
    union
    select customer_id from orders
    union
    select customer_id from carts
),

joined as (
    select
        customer_ids.customer_id,
        customers.customer_id is not null as is_known_customer,
        -- a customer missing from the customers table is a guest by its id
        coalesce(customers.is_guest, customer_ids.customer_id like 'GUEST-%')
            as is_guest,
        customers.signup_channel,
        customers.loyalty_tier,
        customers.clv_bucket,
        customers.signup_date
    from customer_ids
    left join customers
        on customer_ids.customer_id = customers.customer_id
),

final as (
    select
        customer_id,
        is_known_customer,
        is_guest,
        case when is_guest then 'unknown' else coalesce(signup_channel, 'unknown') end
            as signup_channel,
        case when is_guest then 'unknown' else coalesce(loyalty_tier, 'unknown') end
            as loyalty_tier,
        case when is_guest then 'unknown' else coalesce(clv_bucket, 'unknown') end
            as clv_bucket,
        signup_date,
        case
            when not is_guest
                then cast({{ dbt.date_trunc('month', 'signup_date') }} as date)
        end as signup_cohort_month
    from joined
)

select * from final
