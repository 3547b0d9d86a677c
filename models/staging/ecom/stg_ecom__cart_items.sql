with base as (
    select * from {{ ref('base_ecom__cart_items') }}
)

select
    cart_item_id,
    cart_id,
    product_id,
    product_name,
    category,
    added_at,
    quantity,
    unit_price,
    line_value
from base
where dq_reason is null
