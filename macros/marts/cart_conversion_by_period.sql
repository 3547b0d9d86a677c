{#-
    The body of cart_conversion_daily and cart_conversion_monthly: carts by the
    period they were created in, counted by outcome, with rates and values.
    outcome counts always add up to carts (unknown included).
-#}
{% macro cart_conversion_by_period(period_expression) %}
with carts as (
    select * from {{ ref('fct_carts') }}
),

grouped as (
    select
        {{ period_expression }} as period,
        count(*) as carts,
        {{ count_carts_by_outcome() | indent(8) }}
    from carts
    group by {{ period_expression }}
),

final as (
    select
        period,
        carts,
        converted_carts,
        abandoned_carts,
        emptied_carts,
        open_carts,
        unknown_carts,
        {{ ratio('converted_carts', 'carts') }} as conversion_rate,
        {{ ratio('abandoned_carts', 'carts') }} as abandonment_rate,
        converted_value,
        abandoned_value
    from grouped
)

select * from final
{% endmacro %}
