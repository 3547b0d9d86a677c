-- One row per category_code (as each cart event carries it; missing -> `unknown`) in
-- the carts of cart abandoners: abandoning users, cart events, carted value,
-- value share and rank, as int_abandoner_carts_grouped_by_attribute has them.
select
    attribute_value as category_code,
    {{ columns_except(
        ref('int_abandoner_carts_grouped_by_attribute'),
        ['attribute', 'attribute_value']) }}
from {{ ref('int_abandoner_carts_grouped_by_attribute') }}
where attribute = 'category_code'
