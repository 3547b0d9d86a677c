with base as (
    select * from {{ ref('base_ecom__order_items') }}
)

select
    order_id,
    product_id,
    product_name,
    category,
    quantity,
    unit_price,
    discount_amount,
    cost_price,
    line_value
from base
where dq_reason is null
