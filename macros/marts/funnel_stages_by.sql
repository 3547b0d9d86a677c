{#-
    A select over `events` (a relation with the rows of int_events_sessionized)
    grouped by `key_column` (never null), with `carried_columns` taken along (constant
    within a key): event counts by type, revenue, first and last event, and the
    funnel stages reached, open and strict (docs/overview.md):
    - open: a stage is reached with at least one event of that type;
    - strict: cart only with a cart event after a view, purchase only with a
      purchase after such a cart (order: funnel_order_key, so a view and a cart
      in the same second count as view then cart).
    "A purchase after a strict cart" is max(purchase) > min(strict cart), so no
    window function is needed, and every join is an equi-join on the key.
    `events` is read twice (all events, then cart events): pass the relation
    itself (ref), not a CTE, so that each read takes only its columns (DuckDB
    would otherwise write the whole CTE to memory or disk first; DECISIONLOG P5).
-#}
{% macro funnel_stages_by(events, key_column, carried_columns=[]) %}
    {#- one pass over all events per key; then only cart events are read again -#}
    with key_stages as (
        select
            {{ key_column }},
            {%- for column in carried_columns %}
            {{ column }},
            {%- endfor %}
            count(*) as events,
            count(case when event_type = 'view' then 1 end) as views,
            count(case when event_type = 'cart' then 1 end) as carts,
            count(case when event_type = 'remove_from_cart' then 1 end)
                as removes_from_cart,
            count(case when event_type = 'purchase' then 1 end) as purchases,
            {{ sum_money('revenue') }} as revenue,
            min(event_time) as first_event_at,
            max(event_time) as last_event_at,
            min(case when event_type = 'view' then funnel_order_key end)
                as first_view_key,
            max(case when event_type = 'purchase' then funnel_order_key end)
                as last_purchase_key
        from {{ events }}
        {#- carried columns are grouped by, not aggregated: constant within the
            key, they add no groups, and plain group keys spill to disk where a
            min() of text may not (DECISIONLOG P8) #}
        group by {{ ([key_column] + carried_columns) | join(', ') }}
    ),

    -- the first cart event after the first view, per key (the first view
    -- is read from key_stages, not found again among all view events: DECISIONLOG P9)
    key_strict_carts as (
        select
            cart_events.{{ key_column }},
            min(cart_events.funnel_order_key) as first_strict_cart_key
        from {{ events }} as cart_events
        inner join key_stages
            on cart_events.{{ key_column }} = key_stages.{{ key_column }}
        where
            cart_events.event_type = 'cart'
            and cart_events.funnel_order_key > key_stages.first_view_key
        group by cart_events.{{ key_column }}
    )

    select
        key_stages.{{ key_column }},
        {%- for column in carried_columns %}
        key_stages.{{ column }},
        {%- endfor %}
        key_stages.events,
        key_stages.views,
        key_stages.carts,
        key_stages.removes_from_cart,
        key_stages.purchases,
        key_stages.revenue,
        key_stages.first_event_at,
        key_stages.last_event_at,
        key_strict_carts.first_strict_cart_key is not null as reaches_strict_cart,
        coalesce(
            key_stages.last_purchase_key > key_strict_carts.first_strict_cart_key, false
        ) as reaches_strict_purchase
    from key_stages
    left join key_strict_carts
        on key_stages.{{ key_column }} = key_strict_carts.{{ key_column }}
{% endmacro %}


{#- The furthest stage reached: purchase, cart, view or none (open or strict). -#}
{% macro furthest_stage(views, carts, purchases) -%}
    case
        when {{ purchases }} then 'purchase'
        when {{ carts }} then 'cart'
        when {{ views }} then 'view'
        else 'none'
    end
{%- endmacro %}
