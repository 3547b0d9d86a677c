-- The rows of the raw table `order_items` that cannot be used: the reason (the
-- first check failed, seeds/reference/dq_checks.csv) and the raw values as read.
-- A line that passed staging but whose order is not a valid order is an orphan
-- (orphan_order_line): the complement of valid_ecom__order_items.
select
    coalesce(dq_reason, 'orphan_order_line') as dq_reason,
    raw_values,
    order_id,
    product_id
from {{ ref('stg_ecom__order_items') }}
where not {{ is_valid_child('order_id', 'valid_ecom__orders') }}
