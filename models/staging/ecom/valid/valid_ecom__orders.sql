-- The rows of the raw table `orders` to use: those staging found no reason to
-- quarantine, without the data-quality columns, with the warnings that need the
-- customers table: a customer_id that is not a valid customer, and orders placed
-- before the customer's signup_date (both kept; counted in data_quality_audit).
with orders as (
    select {{ columns_except(ref('stg_ecom__orders'), ['dq_reason', 'raw_values']) }}
    from {{ ref('stg_ecom__orders') }}
    where dq_reason is null
),

final as (
    {{ select_with_customer_warnings(
        'orders', 'ordered_at', 'is_ordered_before_signup'
    ) }}
)

select * from final
