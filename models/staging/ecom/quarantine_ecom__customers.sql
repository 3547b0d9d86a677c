with base as (
    select * from {{ ref('base_ecom__customers') }}
)

select
    dq_reason,
    raw_values,
    customer_id
from base
where dq_reason is not null
