-- Version 1 of product_performance, as first published (deprecated on 2027-03-06):
-- product_id as a whole number, null for an id that is not one; read version 2
-- (DECISIONLOG E12).
select
    {{ try_cast('product_id', api.Column.translate_type('bigint')) }} as product_id,
    category_code,
    brand,
    views,
    carts,
    purchases,
    revenue,
    viewers,
    view_to_purchase_rate,
    is_high_view_zero_purchase,
    recent_views,
    recent_purchases,
    is_recent_high_view_zero_purchase
from {{ ref('product_performance', v=2) }}
