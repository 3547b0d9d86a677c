with base as (
    select * from {{ ref('base_ecom__carts') }}
)

select
    cart_id,
    customer_id,
    created_at,
    updated_at,
    cart_total,
    status_value,
    cart_status
from base
where dq_reason is null
