with base as (
    select * from {{ ref('base_ecom__products') }}
)

select
    dq_reason,
    raw_values,
    product_id
from base
where dq_reason is not null
