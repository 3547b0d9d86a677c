-- One row per day from 2000-01-01 to 2050-12-31: the time spine MetricFlow
-- joins to for time-based metrics (docs/semantic_layer.md). Fixed bounds, never
-- the wall clock, so every build gives the same table; widen them here for data
-- outside that range. dbt.date_spine is cross-database (DuckDB and Spark).
with days as (
    {{ dbt.date_spine(
        'day',
        "cast('2000-01-01' as date)",
        "cast('2051-01-01' as date)"
    ) }}
),

final as (
    select cast(date_day as date) as date_day
    from days
)

select * from final
