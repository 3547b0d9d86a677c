{#-
    Boolean SQL expression: the order can be the order of the converted cart
    (docs/overview.md, cart-order matching): same customer, placed at or after
    the cart's created_at and at most cart_order_match_window_hours after its
    last activity. `cart` and `order` are the aliases of relations with
    customer_id, created_at and last_activity_at (the cart) and customer_id and
    ordered_at (the order).
-#}
{% macro is_cart_order_candidate(cart, order) %}
    {{ cart }}.customer_id = {{ order }}.customer_id
    and {{ cart }}.created_at <= {{ order }}.ordered_at
    and {{ seconds_between(cart ~ '.last_activity_at', order ~ '.ordered_at') }}
    <= {{ var('cart_order_match_window_hours') }} * 3600
{%- endmacro %}
