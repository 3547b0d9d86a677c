-- The rows of the raw table `orders` to use: those staging found no reason to
-- quarantine, without the data-quality columns, with the warnings that need the
-- customers table: a customer_id that is not a valid customer, and orders placed
-- before the customer's signup_date (both kept; counted in data_quality_audit).
with orders as (
    select {{ columns_except(ref('stg_ecom__orders'), ['dq_reason', 'raw_values']) }}
    from {{ ref('stg_ecom__orders') }}
    where dq_reason is null
),

customers as (
    select
        customer_id,
        signup_date
    from {{ ref('valid_ecom__customers') }}
),

final as (
    select
        orders.*,
        customers.customer_id is null as is_customer_unknown,
        coalesce(cast(orders.ordered_at as date) < customers.signup_date, false)
            as is_ordered_before_signup
    from orders
    left join customers
        on orders.customer_id = customers.customer_id
)

select * from final
