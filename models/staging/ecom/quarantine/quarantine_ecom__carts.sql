-- The rows of the raw table `shopping_carts` that cannot be used: the reason (the
-- first check failed, seeds/reference/dq_checks.csv) and the raw values as read.
select
    dq_reason,
    raw_values,
    cart_id,
    customer_id
from {{ ref('stg_ecom__carts') }}
where dq_reason is not null
