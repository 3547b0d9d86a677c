-- One row per buyer (a customer with at least one order) at as_of: recency,
-- R/F/M scores as equal-size quantile bins (ties broken by customer_id),
-- the RFM segment, the activity status and the top-revenue flag.
with buyers as (select * from {{ ref('int_customer_orders_aggregated') }}),

as_of as (select * from {{ ref('int_commerce_as_of') }}),

segment_map as (select * from {{ ref('rfm_segment_map') }}),

measured as (
    select
        buyers.*,
        {{ seconds_between('buyers.last_ordered_at', 'as_of.as_of') }} / 86400.0
            as recency_days
    from buyers
    cross join as_of
),

scored as (
    select
        *,
        ntile({{ var('rfm_bins') }}) over (
            order by recency_days desc, customer_id asc
        ) as r_score,
        ntile({{ var('rfm_bins') }}) over (
            order by orders asc, customer_id asc
        ) as f_score,
        ntile({{ var('rfm_bins') }}) over (
            order by lifetime_revenue asc, customer_id asc
        ) as m_score,
        -- revenue before this customer in the ranking, for the top-revenue cut
        coalesce(sum(lifetime_revenue) over (
            order by lifetime_revenue desc, customer_id asc
            rows between unbounded preceding and 1 preceding
        ), 0) as revenue_before,
        sum(lifetime_revenue) over () as total_revenue
    from measured
),

combined as (
    select
        *,
        -- the average of F and M, rounded half up
        cast(floor((f_score + m_score) / 2.0 + 0.5) as integer) as fm_score
    from scored
),

final as (
    select
        combined.customer_id,
        combined.orders,
        combined.lifetime_revenue,
        combined.first_ordered_at,
        combined.last_ordered_at,
        combined.recency_days,
        combined.r_score,
        combined.f_score,
        combined.m_score,
        combined.fm_score,
        segment_map.rfm_segment,
        case
            when combined.recency_days <= {{ var('active_within_days') }}
                then 'active'
            when combined.recency_days <= {{ var('inactive_after_days') }}
                then 'at_risk'
            else 'inactive'
        end as activity_status,
        -- the shortest prefix of the ranking reaching top_revenue_share
        combined.revenue_before
        < {{ var('top_revenue_share') }} * combined.total_revenue
            as is_top_revenue_customer
    from combined
    left join segment_map
        on
            combined.r_score = segment_map.r_score
            and combined.fm_score = segment_map.fm_score
)

select * from final
