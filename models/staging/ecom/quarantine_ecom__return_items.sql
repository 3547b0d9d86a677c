with base as (
    select * from {{ ref('base_ecom__return_items') }}
)

select
    dq_reason,
    raw_values,
    return_item_id,
    return_id
from base
where dq_reason is not null
