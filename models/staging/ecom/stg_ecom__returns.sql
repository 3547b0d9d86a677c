with base as (
    select * from {{ ref('base_ecom__returns') }}
)

select
    return_id,
    order_id,
    customer_id,
    email,
    return_date,
    return_reason,
    return_type,
    refunded_amount,
    return_channel,
    agent_id,
    refund_method
from base
where dq_reason is null
