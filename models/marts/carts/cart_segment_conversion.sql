-- One row per (segment_type, segment_value): how carts convert and how much is
-- abandoned, by the customer's signup channel, loyalty tier, CLV bucket and
-- signup cohort month. Guests and blanks are `unknown`.
{%- set segment_types = {
    'signup_channel': 'signup_channel',
    'loyalty_tier': 'loyalty_tier',
    'clv_bucket': 'clv_bucket',
    'signup_cohort_month':
        "coalesce(substr(cast(signup_cohort_month as " ~ dbt.type_string()
        ~ "), 1, 7), 'unknown')",
} %}

with carts as (select * from {{ ref('fct_carts') }}),

segmented as (
    {%- for segment_type, expression in segment_types.items() %}
    select
        '{{ segment_type }}' as segment_type,
        {{ expression }} as segment_value,
        cart_outcome,
        cart_value,
        hours_to_order
    from carts
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

grouped as (
    select
        segment_type,
        segment_value,
        count(*) as carts,
        {{ count_carts_by_outcome() | indent(8) }},
        {{ median('hours_to_order') }} as median_hours_to_order
    from segmented
    group by segment_type, segment_value
),

final as (
    select
        segment_type,
        segment_value,
        carts,
        converted_carts,
        abandoned_carts,
        {{ ratio('converted_carts', 'carts') }} as conversion_rate,
        {{ ratio('abandoned_carts', 'carts') }} as abandonment_rate,
        abandoned_value,
        median_hours_to_order
    from grouped
)

select * from final
