{#-
    One row per converted cart that has no matched order but whose order is in
    quarantine: a quarantined row of orders (its order_id not a valid order)
    that the matching rule would have paired with the cart
    (is_cart_order_candidate). Where several could, the nearest after the
    cart's created_at is named, then the smallest order_id. A knock-on effect of
    the order checks (data_quality_audit, step converted_cart_order_quarantined).
-#}
with unmatched_carts as (
    select * from {{ ref('int_carts_classified') }}
    where
        cart_outcome = 'converted'
        and cart_id not in (
            select matches.cart_id
            from {{ ref('int_carts_matched_to_orders') }} as matches
        )
),

valid_orders as (select * from {{ ref('valid_ecom__orders') }}),

-- quarantined order rows whose order_id is not also a valid order (an exact
-- or a conflicting copy of a kept order is not a lost order)
quarantined_orders as (
    select rejected.*
    from {{ ref('quarantine_ecom__orders') }} as rejected
    left join valid_orders
        on rejected.order_id = valid_orders.order_id
    where
        valid_orders.order_id is null
        and rejected.customer_id is not null
        and rejected.ordered_at is not null
),

candidates as (
    select
        unmatched_carts.cart_id,
        unmatched_carts.customer_id,
        quarantined_orders.order_id as quarantined_order_id,
        quarantined_orders.dq_reason as quarantined_order_reason,
        row_number() over (
            partition by unmatched_carts.cart_id
            order by
                quarantined_orders.ordered_at,
                quarantined_orders.order_id nulls last,
                quarantined_orders.dq_reason
        ) as candidate_rank
    from unmatched_carts
    inner join quarantined_orders
        on {{ is_cart_order_candidate('unmatched_carts', 'quarantined_orders') }}
),

final as (
    select
        cart_id,
        customer_id,
        quarantined_order_id,
        quarantined_order_reason
    from candidates
    where candidate_rank = 1
)

select * from final
