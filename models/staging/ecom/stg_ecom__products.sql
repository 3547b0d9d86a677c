with base as (
    select * from {{ ref('base_ecom__products') }}
)

select
    product_id,
    product_name,
    category,
    unit_price,
    cost_price,
    inventory_quantity
from base
where dq_reason is null
