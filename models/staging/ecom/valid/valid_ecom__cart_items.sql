-- The rows of the raw table `cart_items` to use: those staging found no reason to
-- quarantine, and whose cart is a valid cart (the others are orphans, quarantined
-- as orphan_cart_line by quarantine_ecom__cart_items).
select
    {{ columns_except(ref('stg_ecom__cart_items'), ['dq_reason', 'raw_values']) }}
from {{ ref('stg_ecom__cart_items') }}
where {{ is_valid_child('cart_id', 'valid_ecom__carts') }}
