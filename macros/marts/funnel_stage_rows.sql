{#-
    A select of the three funnel stages, one row each: stage (view, cart,
    purchase) and stage_order (1, 2, 3). For the marts that put a count per
    stage in rows (funnel_stages' session funnel, funnel_user_cohorts).
-#}
{% macro funnel_stage_rows() -%}
    select
        'view' as stage,
        1 as stage_order
    union all
    select
        'cart' as stage,
        2 as stage_order
    union all
    select
        'purchase' as stage,
        3 as stage_order
{%- endmacro %}
