-- The rows of the raw table `orders` that cannot be used: the reason (the
-- first check failed, seeds/reference/dq_checks.csv) and the raw values as read.
select
    dq_reason,
    raw_values,
    order_id,
    customer_id,
    -- to find the converted carts this order would have matched (a knock-on effect)
    ordered_at
from {{ ref('stg_ecom__orders') }}
where dq_reason is not null
