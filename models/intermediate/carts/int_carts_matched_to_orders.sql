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

orders as (select * from {{ ref('valid_ecom__orders') }}),

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
        on {{ is_cart_order_candidate('carts', 'orders') }}
),

ranked_candidates as (
    select
        *,
        row_number() over (
            order by match_tier, gap_seconds, cart_id, order_id
        ) as pair_rank
    from candidates
),

-- every candidate pair with the round it was accepted in (null while it is
-- still free); each round reads the previous one once, so every engine plans
-- the rounds in a line (Spark inlines CTEs: a round read three times would
-- grow the plan as 3^rounds)
state_0 as (
    select
        *,
        cast(null as integer) as match_round
    from ranked_candidates
),
{% for round in range(1, match_rounds + 1) %}
-- round {{ round }}: the free pairs that are the best free pair of both their
-- cart and their order are accepted; the other pairs of their carts and orders
-- are dropped
best_{{ round }} as (
    select
        *,
        min(case when match_round is null then pair_rank end)
            over (partition by cart_id)
            as best_rank_of_cart,
        min(case when match_round is null then pair_rank end)
            over (partition by order_id)
            as best_rank_of_order
    from state_{{ round - 1 }}
),

accepted_{{ round }} as (
    select
        *,
        coalesce(
            match_round is null
            and pair_rank = best_rank_of_cart
            and pair_rank = best_rank_of_order,
            false
        ) as is_accepted
    from best_{{ round }}
),

taken_{{ round }} as (
    select
        *,
        max(case when is_accepted then 1 else 0 end)
            over (partition by cart_id)
            as is_cart_taken,
        max(case when is_accepted then 1 else 0 end)
            over (partition by order_id)
            as is_order_taken
    from accepted_{{ round }}
),

state_{{ round }} as (
    select
        cart_id,
        order_id,
        ordered_at,
        match_tier,
        gap_seconds,
        pair_rank,
        case
            when is_accepted then {{ round }} else match_round
        end as match_round
    from taken_{{ round }}
    where
        match_round is not null
        or is_accepted
        or (is_cart_taken = 0 and is_order_taken = 0)
),
{% endfor %}

matched as (
    select
        cart_id,
        order_id,
        ordered_at,
        match_tier,
        gap_seconds,
        match_round
    from state_{{ match_rounds }}
    where match_round is not null
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
