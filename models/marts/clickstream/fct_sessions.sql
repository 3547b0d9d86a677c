{{ config(**incremental_by_user_config()) }}
-- depends_on: {{ ref('int_events_sessionized') }}

-- One row per session, as BI reads it: the sessions of int_sessions_aggregated.
-- Incremental runs replace the sessions of the users with events in the window
-- (macros/incremental.sql), as int_sessions_aggregated does.
select * from {{ ref('int_sessions_aggregated') }}
{% if is_incremental() -%}
where user_id in ({{ users_with_events_in_window('ended_at') }})
{%- endif %}
