-- Every buyer is in exactly one RFM segment: the segments' customers add up to
-- the buyers of customer_kpis, and their revenue to all revenue.
with segments as (
    select
        sum(customers) as customers,
        sum(revenue) as revenue
    from {{ ref('rfm_segments') }}
),

kpis as (select * from {{ ref('customer_kpis') }})

select
    segments.customers,
    kpis.buyers,
    segments.revenue,
    kpis.revenue as kpi_revenue
from segments
cross join kpis
where
    segments.customers <> kpis.buyers
    or segments.revenue <> kpis.revenue
