with base as (
    select * from {{ ref('base_ecom__returns') }}
)

select
    dq_reason,
    raw_values,
    return_id,
    order_id
from base
where dq_reason is not null
