{#-
    The incremental models of this project, and the one window they share: every
    run rebuilds from (the latest day already built - events_lookback_days) on,
    so late-arriving events up to that many days late are taken in and the
    result equals a full refresh.
    - By day: the days of the window are replaced. On DuckDB that is
      `delete+insert` keyed on the date column; engines without it replace the
      date partitions (`insert_overwrite`).
    - By user: see incremental_by_user_config below.
-#}

{#- The config of a model incremental by day on `date_column`. -#}
{% macro incremental_by_date_config(date_column) -%}
    {{ return({
        'materialized': 'incremental',
        'incremental_strategy': incremental_by_date_strategy(),
        'unique_key': date_column,
        'partition_by': ([date_column] if target.type == 'spark' else none),
        'on_schema_change': 'fail',
    }) }}
{%- endmacro %}

{% macro incremental_by_date_strategy() -%}
    {{ return(adapter.dispatch('incremental_by_date_strategy', 'ecommerce_behavior')()) }}
{%- endmacro %}

{% macro default__incremental_by_date_strategy() -%}
    {{ return('delete+insert') }}
{%- endmacro %}


{#- The first day an incremental run rebuilds, as a SQL expression on {{ this }}. -#}
{% macro incremental_window_start(date_column) -%}
    (
        select cast({{ dbt.dateadd('day', -1 * var('events_lookback_days'), 'max(' ~ date_column ~ ')') }} as date)
        from {{ this }}
    )
{%- endmacro %}


{#-
    Rows without a date (their time is unreadable) belong to no day: every
    incremental run takes all of them in again, so they are deleted first
    (a pre-hook). On engines that overwrite partitions the null partition is
    overwritten like any other day, so nothing is needed there.
-#}
{% macro delete_undated_rows(date_column) -%}
    {{ return(adapter.dispatch('delete_undated_rows', 'ecommerce_behavior')(date_column)) }}
{%- endmacro %}

{% macro default__delete_undated_rows(date_column) -%}
    {%- if is_incremental() -%}
        delete from {{ this }} where {{ date_column }} is null
    {%- endif -%}
{%- endmacro %}


{#-
    Models at the grain of a user (or of a user's sessions) are incremental by
    user: a run rebuilds every row of the users with events in the window, from
    all their events, and replaces those users' rows (`delete+insert` keyed on
    user_id, so a session that no longer exists goes too). Spark tables in
    parquet cannot delete rows: there the model is rebuilt in full.
-#}
{% macro incremental_by_user_config() -%}
    {{ return({
        'materialized': incremental_by_user_materialization(),
        'incremental_strategy': 'delete+insert',
        'unique_key': 'user_id',
        'on_schema_change': 'fail',
    }) }}
{%- endmacro %}

{% macro incremental_by_user_materialization() -%}
    {{ return(adapter.dispatch('incremental_by_user_materialization', 'ecommerce_behavior')()) }}
{%- endmacro %}

{% macro default__incremental_by_user_materialization() -%}
    {{ return('incremental') }}
{%- endmacro %}


{#-
    The users with events in the window, as a subquery on int_events_sessionized;
    the window starts events_lookback_days before the latest `time_column` of
    {{ this }} (the same day int_events_sessionized rebuilds from).
-#}
{% macro users_with_events_in_window(time_column) -%}
    select distinct user_id
    from {{ ref('int_events_sessionized') }}
    where event_date >= {{ incremental_window_start(time_column) }}
{%- endmacro %}


{#-
    The events a model incremental by user reads, as {cte, relation}: on a full
    build no CTE and all of int_events_sessionized; in an incremental run a CTE
    `window_events` holding the events of the users with events in the window,
    and its name. The model puts `cte` first in its WITH clause and reads
    `relation` wherever it reads events: the window users' events are found
    once per query (DuckDB materialises a CTE read more than once; a subquery
    repeated in each read scanned every event each time, DECISIONLOG P9).
-#}
{% macro events_of_users_in_window(time_column) -%}
    {%- if is_incremental() -%}
        {%- set cte -%}
            window_events as (
                select * from {{ ref('int_events_sessionized') }}
                where user_id in ({{ users_with_events_in_window(time_column) }})
            ),
        {%- endset -%}
        {{ return({'cte': cte, 'relation': 'window_events'}) }}
    {%- else -%}
        {{ return({'cte': '', 'relation': ref('int_events_sessionized')}) }}
    {%- endif -%}
{%- endmacro %}
