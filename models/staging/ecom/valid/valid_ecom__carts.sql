-- The rows of the raw table `shopping_carts` to use: those staging found no reason to
-- quarantine, without the data-quality columns, with the warnings that need the
-- customers table: a customer_id that is not a valid customer, and carts created
-- before the customer's signup_date (both kept; counted in data_quality_audit).
with carts as (
    select {{ columns_except(ref('stg_ecom__carts'), ['dq_reason', 'raw_values']) }}
    from {{ ref('stg_ecom__carts') }}
    where dq_reason is null
),

final as (
    {{ select_with_customer_warnings(
        'carts', 'created_at', 'is_created_before_signup'
    ) }}
)

select * from final
