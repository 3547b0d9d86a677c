-- The matching is greedy and one-to-one: once it is done, no converted cart and
-- order that are both unmatched may still be a candidate pair (same customer,
-- order in the window). A row here means int_carts_matched_to_orders needs more
-- rounds (its match_rounds).
with carts as (
    select * from {{ ref('int_carts_classified') }}
    where cart_outcome = 'converted'
),

orders as (select * from {{ ref('valid_ecom__orders') }}),

matches as (select * from {{ ref('int_carts_matched_to_orders') }}),

unmatched_carts as (
    select carts.*
    from carts
    left join matches
        on carts.cart_id = matches.cart_id
    where matches.cart_id is null
),

unmatched_orders as (
    select orders.*
    from orders
    left join matches
        on orders.order_id = matches.order_id
    where matches.order_id is null
)

select
    unmatched_carts.cart_id,
    unmatched_orders.order_id
from unmatched_carts
inner join unmatched_orders
    on {{ is_cart_order_candidate('unmatched_carts', 'unmatched_orders') }}
