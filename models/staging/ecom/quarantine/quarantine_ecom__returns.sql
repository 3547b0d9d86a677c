-- The rows of the raw table `returns` that cannot be used: the reason (the
-- first check failed, seeds/reference/dq_checks.csv) and the raw values as read.
select
    dq_reason,
    raw_values,
    return_id,
    order_id
from {{ ref('stg_ecom__returns') }}
where dq_reason is not null
