-- The rows of the raw table `cart_items` that cannot be used: the reason (the
-- first check failed, seeds/reference/dq_checks.csv) and the raw values as read.
-- A line that passed staging but whose cart is not a valid cart is an orphan
-- (orphan_cart_line): the complement of valid_ecom__cart_items.
select
    coalesce(dq_reason, 'orphan_cart_line') as dq_reason,
    raw_values,
    cart_item_id,
    cart_id
from {{ ref('stg_ecom__cart_items') }}
where not {{ is_valid_child('cart_id', 'valid_ecom__carts') }}
