{#-
    Aggregate columns over sessions with views and strict_furthest_stage
    (int_sessions_aggregated, fct_sessions): the session funnel, in order within
    a session. view_sessions (a view), strict_cart_sessions (a cart after a view),
    strict_purchase_sessions (a purchase after such a cart). A session with a
    purchase and no cart before it is not a strict purchase session (it is a
    transaction).
-#}
{% macro count_session_stages() -%}
    count(case when views > 0 then 1 end) as view_sessions,
    count(case when strict_furthest_stage in ('cart', 'purchase') then 1 end)
        as strict_cart_sessions,
    count(case when strict_furthest_stage = 'purchase' then 1 end)
        as strict_purchase_sessions
{%- endmacro %}
