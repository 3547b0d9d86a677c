-- The rows of the raw table `shopping_carts` to use: those staging found no reason to
-- quarantine, without the data-quality columns, with the warnings that need the
-- customers table: a customer_id that is not a valid customer, and carts created
-- before the customer's signup_date (both kept; counted in data_quality_audit).
with carts as (
    select {{ columns_except(ref('stg_ecom__carts'), ['dq_reason', 'raw_values']) }}
    from {{ ref('stg_ecom__carts') }}
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
        carts.*,
        customers.customer_id is null as is_customer_unknown,
        coalesce(cast(carts.created_at as date) < customers.signup_date, false)
            as is_created_before_signup
    from carts
    left join customers
        on carts.customer_id = customers.customer_id
)

select * from final
