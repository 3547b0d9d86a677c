with base as (
    select * from {{ ref('base_ecom__order_items') }}
)

select
    dq_reason,
    raw_values,
    order_id,
    product_id
from base
where dq_reason is not null
