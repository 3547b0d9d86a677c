-- The rows of the raw table `order_items` to use: those staging found no reason to
-- quarantine, and whose order is a valid order (the others are orphans, quarantined
-- as orphan_order_line by quarantine_ecom__order_items).
select
    {{ columns_except(ref('stg_ecom__order_items'), ['dq_reason', 'raw_values']) }}
from {{ ref('stg_ecom__order_items') }}
where {{ is_valid_child('order_id', 'valid_ecom__orders') }}
