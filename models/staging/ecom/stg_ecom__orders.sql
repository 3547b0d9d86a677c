with base as (
    select * from {{ ref('base_ecom__orders') }}
)

select
    order_id,
    customer_id,
    ordered_at,
    total_items,
    email,
    order_channel,
    is_expedited,
    customer_tier,
    gross_total,
    net_total,
    total_discount_amount,
    payment_method,
    shipping_speed,
    shipping_cost,
    agent_id,
    actual_shipping_cost,
    payment_processing_fee,
    shipping_address,
    billing_address,
    clv_bucket,
    is_reactivated
from base
where dq_reason is null
