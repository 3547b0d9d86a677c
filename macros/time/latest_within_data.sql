{#-
    The end of a family's data, robust to a mistyped date (docs/business_rules.md,
    "as_of"). `days` is a relation or CTE with one row per day that has
    timestamps: activity_day (a date), timestamp_count and latest_at (the day's
    latest timestamp). Walking the days in order, a day that comes more than
    `beyond_data_gap_days` days after the previous one, and from which on lie at
    most `beyond_data_max_share` of all the timestamps, starts what lies beyond
    the data: the earliest such day, and every day after it. A long pause
    followed by much data is a pause, not a typo: nothing is beyond then.
    Returns one row: latest_at (the latest timestamp before that day: the
    default of as_of), first_day_beyond_data (null when nothing is beyond) and
    timestamps_beyond_data.
-#}
{% macro latest_within_data(days) -%}
    select
        max(
            case
                when
                    first_beyond.first_day_beyond_data is null
                    or days.activity_day < first_beyond.first_day_beyond_data
                    then days.latest_at
            end
        ) as latest_at,
        max(first_beyond.first_day_beyond_data) as first_day_beyond_data,
        coalesce({{ sum_int(
            'case when days.activity_day >= first_beyond.first_day_beyond_data'
            ~ ' then days.timestamp_count end') }}, 0) as timestamps_beyond_data
    from {{ days }} as days
    cross join (
        select min(gaps.activity_day) as first_day_beyond_data
        from (
            select
                activity_day,
                {{ dbt.datediff(
                    'lag(activity_day) over (order by activity_day)',
                    'activity_day', 'day') }} as days_since_previous,
                sum(timestamp_count) over (
                    order by activity_day
                    rows between current row and unbounded following
                ) as timestamps_from_here,
                sum(timestamp_count) over () as timestamps_total
            from {{ days }}
        ) as gaps
        where
            gaps.days_since_previous > {{ var('beyond_data_gap_days') }}
            and gaps.timestamps_from_here
            <= {{ var('beyond_data_max_share') }} * gaps.timestamps_total
    ) as first_beyond
{%- endmacro %}
