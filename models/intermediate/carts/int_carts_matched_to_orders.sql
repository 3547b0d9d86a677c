{#-
    One row per matched (cart, order) pair. Orders carry no cart_id, so a
    converted cart is matched to an order of the same customer placed at or
    after the cart's created_at and at most cart_order_match_window_hours after
    its last activity. Candidates are preferred by tier (1 exact_time: ordered
    at the cart's created_at; 2 same_value: the order's gross_total equals the
    cart's total or value; 3 nearest_in_window), then by the smallest gap from
    created_at, then by ids: a strict order on candidate pairs.

    The matching is one-to-one and greedy in that order: take the best pair,
    drop every other pair of its cart and order, repeat. In SQL each round
    accepts every pair that is the best remaining pair of both its cart and its
    order, which gives exactly the greedy result; `match_rounds` rounds are
    enough for the data we have seen, and the singular test
    assert_cart_order_matching_is_complete fails if a cart and an order that
    could still be paired were left apart.
-#}
{%- set match_rounds = 8 -%}

with carts as (
    select * from {{ ref('int_carts_classified') }}
    where cart_outcome = 'converted'
),

orders as (
    select * from {{ ref('stg_ecom__orders') }}
),

candidates as (
    select
        carts.cart_id,
        orders.order_id,
        orders.ordered_at,
        case
            when orders.ordered_at = carts.created_at then 1
            when
                orders.gross_total = carts.cart_total
                or orders.gross_total = carts.cart_value
                then 2
            else 3
        end as match_tier,
        {{ seconds_between('carts.created_at', 'orders.ordered_at') }}
            as gap_seconds
    from carts
    inner join orders
        on
            carts.customer_id = orders.customer_id
            and carts.created_at <= orders.ordered_at
            and {{ seconds_between('carts.last_activity_at', 'orders.ordered_at') }}
            <= {{ var('cart_order_match_window_hours') }} * 3600
),

ranked_candidates as (
    select
        *,
        row_number() over (
            order by match_tier, gap_seconds, cart_id, order_id
        ) as pair_rank
    from candidates
),

remaining_0 as (
    select * from ranked_candidates
),
{% for round in range(1, match_rounds + 1) %}
-- round {{ round }}: pairs that are the best remaining pair of both their cart
-- and their order
accepted_{{ round }} as (
    select *
    from (
        select
            *,
            min(pair_rank) over (partition by cart_id) as best_rank_of_cart,
            min(pair_rank) over (partition by order_id) as best_rank_of_order
        from remaining_{{ round - 1 }}
    ) as ranked
    where
        pair_rank = best_rank_of_cart
        and pair_rank = best_rank_of_order
),

remaining_{{ round }} as (
    select remaining.*
    from remaining_{{ round - 1 }} as remaining
    where
        remaining.cart_id not in (select a.cart_id from accepted_{{ round }} as a)
        and remaining.order_id not in (
            select a.order_id from accepted_{{ round }} as a
        )
),
{% endfor %}

matched as (
    {%- for round in range(1, match_rounds + 1) %}
    select
        cart_id,
        order_id,
        ordered_at,
        match_tier,
        gap_seconds,
        {{ round }} as match_round
    from accepted_{{ round }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

final as (
    select
        cart_id,
        order_id,
        ordered_at,
        case match_tier
            when 1 then 'exact_time'
            when 2 then 'same_value'
            else 'nearest_in_window'
        end as match_method,
        gap_seconds,
        gap_seconds / 3600.0 as hours_to_order,
        match_round
    from matched
)

select * from final
