{#-
    The body of brand_performance and category_performance: events grouped by
    the event's own brand or category_code (missing -> `unknown`), with views,
    cart additions, purchases, revenue, revenue share and rank.
-#}
{% macro revenue_by_attribute(attribute) %}
with events as (
    select * from {{ ref('int_events_sessionized') }}
),

grouped as (
    select
        coalesce({{ attribute }}, 'unknown') as {{ attribute }},
        count(case when event_type = 'view' then 1 end) as views,
        count(case when event_type = 'cart' then 1 end) as carts,
        count(case when event_type = 'purchase' then 1 end) as purchases,
        sum(revenue) as revenue
    from events
    group by coalesce({{ attribute }}, 'unknown')
),

final as (
    select
        {{ attribute }},
        views,
        carts,
        purchases,
        revenue,
        {{ ratio('revenue', 'sum(revenue) over ()') }} as revenue_share,
        row_number() over (
            order by revenue desc, {{ attribute }} asc
        ) as revenue_rank
    from grouped
)

select * from final
{% endmacro %}
