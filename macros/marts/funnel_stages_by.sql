{#-
    A select over the CTE `events` (rows of int_events_sessionized) grouped by
    `grain_columns`: event counts by type, revenue, first and last event, and
    the funnel stages reached, open and strict (MARTS.md):
    - open: a stage is reached with at least one event of that type;
    - strict: cart only with a cart event after a view, purchase only with a
      purchase after such a cart (order: funnel_order_key, so a view and a cart
      in the same second count as view then cart).
    "A purchase after a strict cart" is max(purchase) > min(strict cart), so no
    window function is needed.
-#}
{% macro funnel_stages_by(grain_columns) %}
    {%- set grain = grain_columns | join(', ') -%}
    {%- set join_on = [] -%}
    {%- for column in grain_columns -%}
        {%- do join_on.append(
            '(events.' ~ column ~ ' = strict_carts.' ~ column
            ~ ' or (events.' ~ column ~ ' is null and strict_carts.' ~ column ~ ' is null))') -%}
    {%- endfor %}
    select
        {%- for column in grain_columns %}
        events.{{ column }},
        {%- endfor %}
        count(*) as events,
        count(case when events.event_type = 'view' then 1 end) as views,
        count(case when events.event_type = 'cart' then 1 end) as carts,
        count(case when events.event_type = 'remove_from_cart' then 1 end)
            as removes_from_cart,
        count(case when events.event_type = 'purchase' then 1 end)
            as purchases,
        sum(events.revenue) as revenue,
        min(events.event_time) as first_event_at,
        max(events.event_time) as last_event_at,
        max(strict_carts.first_strict_cart_key) is not null as reaches_strict_cart,
        coalesce(
            max(
                case
                    when events.event_type = 'purchase'
                        then events.funnel_order_key
                end
            ) > max(strict_carts.first_strict_cart_key),
            false
        ) as reaches_strict_purchase
    from events
    left join (
        select
            {%- for column in grain_columns %}
            cart_events.{{ column }},
            {%- endfor %}
            min(cart_events.funnel_order_key) as first_strict_cart_key
        from events as cart_events
        inner join (
            select
                {{ grain }},
                min(funnel_order_key) as first_view_key
            from events
            where event_type = 'view'
            group by {{ grain }}
        ) as first_views
            on
            {%- for column in grain_columns %}
                {{ 'and ' if not loop.first }}(cart_events.{{ column }} = first_views.{{ column }}
                or (cart_events.{{ column }} is null and first_views.{{ column }} is null))
            {%- endfor %}
        where
            cart_events.event_type = 'cart'
            and cart_events.funnel_order_key > first_views.first_view_key
        group by
            {%- for column in grain_columns %}
            cart_events.{{ column }}{{ ',' if not loop.last }}
            {%- endfor %}
    ) as strict_carts
        on {{ join_on | join(' and ') }}
    group by
        {%- for column in grain_columns %}
        events.{{ column }}{{ ',' if not loop.last }}
        {%- endfor %}
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
