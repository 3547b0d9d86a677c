-- The rows of the raw table `customers` that cannot be used: the reason (the
-- first check failed, seeds/reference/dq_checks.csv) and the raw values as read.
select
    dq_reason,
    raw_values,
    customer_id
from {{ ref('stg_ecom__customers') }}
where dq_reason is not null
