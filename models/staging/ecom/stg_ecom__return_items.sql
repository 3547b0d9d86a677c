with base as (
    select * from {{ ref('base_ecom__return_items') }}
)

select
    return_item_id,
    return_id,
    order_id,
    product_id,
    product_name,
    category,
    quantity_returned,
    unit_price,
    cost_price,
    refunded_amount
from base
where dq_reason is null
