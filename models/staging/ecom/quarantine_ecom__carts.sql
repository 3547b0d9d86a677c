with base as (
    select * from {{ ref('base_ecom__carts') }}
)

select
    dq_reason,
    raw_values,
    cart_id,
    customer_id
from base
where dq_reason is not null
