{{ config(**incremental_by_date_config('event_date')) }}

{#-
    One row per clean event, with its session and funnel stage. A session is
    (user_id, user_session); events without a user_session are sessionised per
    user: a gap of more than session_timeout_minutes starts a new session.

    Incremental: each run rebuilds the days from the latest built day minus
    events_lookback_days. Sessionising those days needs the earlier
    session-less events of the same users, which are read too (and not
    written), so the result equals a full refresh.
-#}

{#- read twice in an incremental run: from the relation, not a CTE (DuckDB
    would materialise a CTE of every clean event; DECISIONLOG P5) -#}
{%- set clean_events = ref('valid_clickstream__events') %}

with
{% if is_incremental() %}
window_start as (
    select {{ incremental_window_start('event_date') }} as first_day
),

new_events as (
    select clean_events.*
    from {{ clean_events }} as clean_events
    cross join window_start
    where clean_events.event_date >= window_start.first_day
),

-- earlier session-less events of users with session-less events to rebuild
sessionless_history as (
    select clean_events.*
    from {{ clean_events }} as clean_events
    cross join window_start
    where
        clean_events.event_date < window_start.first_day
        and clean_events.user_session is null
        and clean_events.user_id in (
            select new_events.user_id
            from new_events
            where new_events.user_session is null
        )
),

events as (
    select * from new_events
    union all
    select * from sessionless_history
),
{% else %}
events as (
    select * from {{ clean_events }}
),
{% endif %}

staged as (
    select
        *,
        -- events in the same second are taken in funnel order
        case event_type
            when 'view' then 1
            when 'cart' then 2
            when 'remove_from_cart' then 3
            when 'purchase' then 4
        end as stage_rank
    from events
),

sessionless_gaps as (
    select
        user_id,
        event_time,
        lag(event_time) over (
            partition by user_id order by event_time
        ) as previous_event_time
    from staged
    where user_session is null
),

sessionless_numbered as (
    select
        user_id,
        event_time,
        sum(
            case
                when
                    previous_event_time is null
                    or {{ seconds_between('previous_event_time', 'event_time') }}
                    > {{ var('session_timeout_minutes') }} * 60
                    then 1
                else 0
            end
        ) over (
            partition by user_id
            order by event_time
            rows between unbounded preceding and current row
        ) as session_number
    from sessionless_gaps
),

-- one row per (user, second) that has session-less events: its session start
sessionless_sessions as (
    select distinct
        user_id,
        event_time,
        min(event_time) over (
            partition by user_id, session_number
        ) as session_started_at
    from sessionless_numbered
),

sessionized as (
    select
        staged.*,
        case
            when staged.user_session is not null
                then {{ dbt.concat([
                    "cast(staged.user_id as " ~ dbt.type_string() ~ ")",
                    "'|'",
                    "staged.user_session"]) }}
            else {{ dbt.concat([
                "cast(staged.user_id as " ~ dbt.type_string() ~ ")",
                "'|@'",
                "cast(sessionless_sessions.session_started_at as "
                ~ dbt.type_string() ~ ")"]) }}
        end as session_key
    from staged
    left join sessionless_sessions
        on
            staged.user_session is null
            and staged.user_id = sessionless_sessions.user_id
            and staged.event_time = sessionless_sessions.event_time
),

final as (
    select
        session_key,
        user_id,
        user_session,
        user_session is null as is_sessionized_by_timeout,
        event_time,
        event_date,
        event_month,
        event_weekday,
        event_hour,
        event_type,
        stage_rank,
        -- orders a user's events: by time, then by stage within a second
        {{ epoch_microseconds('event_time') }} * 10 + stage_rank
            as funnel_order_key,
        product_id,
        category_id,
        category_code,
        brand,
        is_category_code_missing,
        is_brand_missing,
        price,
        case when event_type = 'purchase' then price else 0 end as revenue
    from sessionized
    {% if is_incremental() -%}
    where event_date >= (select window_start.first_day from window_start)
    {%- endif %}
)

select * from final
