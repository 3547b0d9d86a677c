-- Version 1 of abandoned_products, as first published (deprecated on 2027-03-06):
-- product_id as a whole number, null for an id that is not one; read version 2
-- (DECISIONLOG E12).
select
    {{ try_cast('product_id', api.Column.translate_type('bigint')) }} as product_id,
    product_name,
    category,
    abandoned_carts,
    abandoned_quantity,
    abandoned_value,
    value_share,
    value_rank
from {{ ref('abandoned_products', v=2) }}
