{{ config(
    pre_hook="{{ delete_undated_rows('event_date') }}",
    **incremental_by_date_config('event_date')
) }}

{#-
    Incremental like int_events_sessionized (macros/incremental.sql):
    a run types and checks only the rows of the days from (latest built day -
    events_lookback_days) on, plus the rows whose time is unreadable (they have
    no day). It reads only the raw files that can hold such rows: the load
    manifest knows each file's latest day (raw_events_files_to_read,
    DECISIONLOG L4). Exact copies share their raw time,
    so they always fall in the same run. Rows written in the canonical form
    (canonical_utc_timestamp) before the window are left out before the full
    parse, which costs most of the run (DECISIONLOG P9).
-#}

with raw_rows as (
    {{ select_raw_rows('clickstream', 'events') }}
),

{% if is_incremental() -%}
recent as (
    select * from raw_rows
    {%- set timestamp_type = api.Column.translate_type('timestamp') %}
    where not coalesce(
        {{ canonical_utc_timestamp('raw_event_time') }}
        < cast({{ incremental_window_start('event_date') }} as {{ timestamp_type }}),
        false
    )
),
{%- endif %}

timed as (
    select
        *,
        {{ parse_timestamp('raw_event_time') }} as event_time
    from {{ 'recent' if is_incremental() else 'raw_rows' }}
),

-- One window finds exact copies and near-duplicates: the events equal, as
-- written, in every column but event_time, in time order (then by the time as
-- written, so that exact copies are neighbours). A row is an exact copy when the
-- one before it has the same raw time too; a kept row is a near-duplicate when
-- the one before it is at most near_duplicate_event_seconds earlier (a copy
-- delivered again with a shifted time, or a tracker that fired twice). The one
-- before can be a quarantined row only if it is an exact copy of the kept one
-- before (the same time) or the current row is quarantined too: both have the
-- same raw values. One window instead of the two it would take apart
-- (DECISIONLOG E10). In an incremental run only the rows of the window (the
-- where) are compared: a copy of an event just before the window start goes
-- unflagged.
typed as (
    select
        *,
        {{ typed_raw_columns('events') }},
        lag(true) over twins is not null
        and coalesce(
            lag(raw_event_time) over twins = raw_event_time,
            lag(raw_event_time) over twins is null and raw_event_time is null
        ) as is_exact_copy,
        lag(event_time) over twins as previous_twin_time
    from timed
    {% if is_incremental() -%}
    where
        event_time is null
        or cast(event_time as date) >= {{ incremental_window_start('event_date') }}
    {% endif -%}
    window twins as (
        partition by
            raw_event_type,
            raw_product_id,
            raw_category_id,
            raw_category_code,
            raw_brand,
            raw_price,
            raw_user_id,
            raw_user_session
        order by event_time nulls last, raw_event_time nulls last
    )
),

checked as (
    -- checks in order, the first failed one wins: rows of seeds/reference/dq_checks.csv
    -- (the documented cleaning order, docs/overview.md: exact duplicates, then
    -- prices, then the time, its zone first)
    select
        *,
        case
            when is_exact_copy then 'exact_duplicate'
            when price is null then 'invalid_price'
            when price <= 0 then 'non_positive_price'
            when {{ is_implausible('price', 'unit_price') }}
                then 'implausible_price'
            {#- an unreadable zone leaves event_time null: only those rows are
                read again for it (P9) #}
            when
                event_time is null
                and {{ has_unreadable_time_zone('raw_event_time') }}
                then 'unreadable_time_zone'
            when event_time is null then 'invalid_event_time'
            when user_id is null then 'invalid_user_id'
            when product_id is null then 'invalid_product_id'
            when {{ is_unreadable('raw_category_id', 'category_id') }}
                then 'invalid_category_id'
            when
                event_type is null
                or event_type not in ('view', 'cart', 'purchase', 'remove_from_cart')
                then 'unknown_event_type'
        end as dq_reason
    from typed
),

final as (
    select
        event_time,
        event_type,
        product_id,
        category_id,
        category_code,
        brand,
        price,
        user_id,
        user_session,
        category_code is null as is_category_code_missing,
        brand is null as is_brand_missing,
        user_session is null as is_user_session_missing,
        coalesce(
            dq_reason is null
            and {{ seconds_between('previous_twin_time', 'event_time') }}
            <= {{ var('near_duplicate_event_seconds') }},
            false
        ) as is_near_duplicate,
        cast(event_time as date) as event_date,
        cast({{ dbt.date_trunc('month', 'event_time') }} as date) as event_month,
        {{ iso_weekday('event_time') }} as event_weekday,
        extract(hour from event_time) as event_hour,
        dq_reason,
        case
            when dq_reason is not null then {{ raw_values_json('events') }}
        end as raw_values
    from checked
)

select * from final
