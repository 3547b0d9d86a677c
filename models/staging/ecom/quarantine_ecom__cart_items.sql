with base as (
    select * from {{ ref('base_ecom__cart_items') }}
)

select
    dq_reason,
    raw_values,
    cart_item_id,
    cart_id
from base
where dq_reason is not null
