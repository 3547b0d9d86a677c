-- One row per brand (as each cart event carries it; missing -> `unknown`) in
-- the carts of cart abandoners: abandoning users, cart events, carted value,
-- value share and rank, as int_abandoner_carts_grouped_by_attribute has them.
select
    attribute_value as brand,
    {{ columns_except(
        ref('int_abandoner_carts_grouped_by_attribute'),
        ['attribute', 'attribute_value']) }}
from {{ ref('int_abandoner_carts_grouped_by_attribute') }}
where attribute = 'brand'
