-- Freshness: one row per data family whose latest timestamp is more than
-- `freshness_warn_after_days` days before the wall clock at build time (a feed that
-- stalled still builds normal-looking marts, since as_of is the data's latest
-- timestamp). It warns, never fails, and changes nothing in the marts; the rows are
-- stored so that scripts/publish.py reports them in the build output and in
-- warehouse/exports/manifest.json. The var set to null turns the check off.
{{ config(severity='warn', store_failures=true, schema='staging') }}

{%- set warn_after_days = var('freshness_warn_after_days') %}
{%- set now = 'cast(' ~ dbt.current_timestamp() ~ ' as ' ~ dbt.type_timestamp() ~ ')' %}

with latest as (
    select
        'none' as data_family,
        cast(null as {{ dbt.type_timestamp() }}) as latest_at
    where false
    {% if var('enable_commerce', true) -%}
    union all
    select
        'commerce' as data_family,
        latest_at
    from {{ ref('int_commerce_latest_activity') }}
    {% endif -%}
    {% if var('enable_events', true) -%}
    union all
    select
        'events' as data_family,
        latest_at
    from {{ ref('int_events_latest_activity') }}
    {% endif -%}
),

checked as (
    select
        data_family,
        latest_at,
        {{ now }} as checked_at,
        {{ dbt.datediff('latest_at', now, 'day') }} as days_old, -- noqa: LT05
        {{ warn_after_days if warn_after_days is not none else 'null' }}
            as warn_after_days
    from latest
)

select *
from checked
where
    warn_after_days is not null
    and (latest_at is null or days_old > warn_after_days)
