with base as (
    select * from {{ ref('base_ecom__orders') }}
)

select
    dq_reason,
    raw_values,
    order_id,
    customer_id
from base
where dq_reason is not null
