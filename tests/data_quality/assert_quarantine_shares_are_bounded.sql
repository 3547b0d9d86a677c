-- The publish gate on data quality (docs/publishing.md, "The publish gate";
-- DECISIONLOG E8). One row per quarantine check that removed more than
-- `max_quarantine_share` of its table's rows, and for the near-duplicate events
-- when they are more than `max_near_duplicate_share` of the kept events (either
-- bound set per table or per check by `max_quarantine_share_overrides`). The
-- events are judged twice: over the whole table, and over the days an
-- incremental run rebuilds (from the latest day of a kept event minus
-- events_lookback_days, and the rows without a day), where a bad delivery is not
-- diluted by the history.
-- Each row gives the table, the check, the raw columns it reads (the seed
-- dq_checks), the counts (days_from: the first day counted, null for all),
-- the bound and the var that sets it, and the relation holding the rows
-- (scripts/publish.py prints three sample values from it). An empty table never
-- fails. An override naming no table or check of the seed fails too, so that a
-- typo does not pass unnoticed. Severity error: a plain `dbt build` fails, and
-- scripts/publish.py publishes nothing.
{{ config(severity='error', store_failures=true, schema='staging') }}

{%- set bound_vars = {
    'max_quarantine_share': var('max_quarantine_share'),
    'max_near_duplicate_share': var('max_near_duplicate_share')} %}
{%- set overrides = var('max_quarantine_share_overrides') or {} %}
{%- set shares = {} %}
{%- do shares.update(bound_vars) %}
{%- do shares.update(overrides) %}
{%- for name, share in shares.items()
    if share is not number or share is boolean or share < 0 or share > 1 %}
    {{ exceptions.raise_compiler_error(
        "The var " ~ (name if name in bound_vars
        else "max_quarantine_share_overrides: {" ~ name ~ ": ...}")
        ~ " must be a share between 0 and 1 (0.1 = 10 %); got " ~ share ~ ".") }}
{%- endfor %}
{#- the bounds in the order they apply: a check's own entry, then its table's,
    then the near-duplicate var for that flag, then the default -#}
{%- set bounds = [] %}
{%- for key in overrides | sort if '.' in key %}
    {%- set parts = key.split('.', 1) %}
    {%- do bounds.append({'table': parts[0], 'check': parts[1],
        'condition': 'counted.source_table = ' ~ sql_text_literal(parts[0])
        ~ ' and counted.check_name = ' ~ sql_text_literal(parts[1]),
        'share': overrides[key], 'var': 'max_quarantine_share_overrides.' ~ key}) %}
{%- endfor %}
{%- for key in overrides | sort if '.' not in key %}
    {%- do bounds.append({'table': key, 'check': none,
        'condition': 'counted.source_table = ' ~ sql_text_literal(key),
        'share': overrides[key], 'var': 'max_quarantine_share_overrides.' ~ key}) %}
{%- endfor %}
{%- do bounds.append({'table': none, 'check': 'near_duplicate_event',
    'condition': "counted.check_name = 'near_duplicate_event'",
    'share': bound_vars.max_near_duplicate_share, 'var': 'max_near_duplicate_share'}) %}
{%- set share_type = dbt.type_numeric() %}
{%- set table_names = audited_tables() | map(attribute='source_table') | list %}

with audit as (select * from {{ ref('data_quality_audit') }}),

checks as (select * from {{ ref('dq_checks') }}),

table_counts as (
    select
        source_table,
        max(case when step_type = 'read' then rows_in end) as rows_read,
        max(case when step_type = 'kept' then rows_in end) as rows_kept
    from audit
    group by source_table
),

{%- if 'events' in table_names %}

-- counted back from the latest day of a kept event, so that one quarantined
-- row with a mistyped far-future date does not make a window of its own
recent_start as (
    select
        cast({{ dbt.dateadd('day', -1 * var('events_lookback_days'),
            'max(event_date)') }} as date) as days_from
    from {{ ref('stg_clickstream__events') }}
    where dq_reason is null
),

recent_events as (
    select
        events.dq_reason,
        events.is_near_duplicate
    from {{ ref('stg_clickstream__events') }} as events
    cross join recent_start
    where
        events.event_date is null
        or events.event_date >= recent_start.days_from
),

recent_totals as (
    select
        count(*) as rows_read,
        count(case when dq_reason is null then 1 end) as rows_kept,
        count(case when is_near_duplicate then 1 end) as rows_flagged
    from recent_events
),

recent_counts as (
    select
        recent_start.days_from,
        recent_totals.rows_read,
        recent_totals.rows_kept,
        recent_totals.rows_flagged
    from recent_start
    cross join recent_totals
),

recent_reasons as (
    select
        dq_reason,
        count(*) as rows_removed
    from recent_events
    where dq_reason is not null
    group by dq_reason
),
{%- endif %}

-- every quarantine check, and the near-duplicate flag, with the rows it
-- removed (or flagged) and the rows of its table, over the whole table
steps as (
    select
        audit.source_table,
        audit.step as check_name,
        audit.step_type,
        audit.rows_removed,
        audit.rows_flagged,
        table_counts.rows_read,
        table_counts.rows_kept,
        cast(null as date) as days_from
    from audit
    inner join table_counts
        on audit.source_table = table_counts.source_table
    where
        audit.step_type = 'remove'
        or (audit.step_type = 'flag' and audit.step = 'near_duplicate_event')
    {%- if 'events' in table_names %}
    union all
    -- the events are staged incrementally, so the audit counts every event ever
    -- read, and a bad delivery of the last days would be diluted by the whole
    -- history: the events of the days an incremental run rebuilds (and those
    -- without a day) are judged on their own too
    select
        'events' as source_table,
        checks.check_name,
        case when checks.action = 'quarantine' then 'remove' else 'flag' end
            as step_type,
        coalesce(recent_reasons.rows_removed, 0) as rows_removed,
        recent_counts.rows_flagged,
        recent_counts.rows_read,
        recent_counts.rows_kept,
        recent_counts.days_from
    from checks
    cross join recent_counts
    left join recent_reasons
        on checks.check_name = recent_reasons.dq_reason
    where
        checks.source_table = 'events'
        and (
            checks.action = 'quarantine'
            or checks.check_name = 'near_duplicate_event'
        )
    {%- endif %}
),

-- a check's rows are a share of the rows read; the flag's, of the rows kept
counted as (
    select
        source_table,
        check_name,
        case
            when step_type = 'remove' then rows_removed else rows_flagged
        end as rows_affected,
        case
            when step_type = 'remove' then rows_read else rows_kept
        end as rows_of_table,
        days_from
    from steps
),

-- each count with its bound and the var that sets it
gated as (
    select
        counted.*,
        case
            {%- for bound in bounds %}
            when {{ bound.condition }}
                then cast({{ bound.share }} as {{ share_type }})
            {%- endfor %}
            else cast({{ bound_vars.max_quarantine_share }} as {{ share_type }})
        end as max_share,
        case
            {%- for bound in bounds %}
            when {{ bound.condition }} then {{ sql_text_literal(bound.var) }}
            {%- endfor %}
            else 'max_quarantine_share'
        end as var_name
    from counted
),

share_failures as (
    select
        gated.source_table,
        gated.check_name,
        checks.action as check_action,
        checks.raw_columns,
        checks.flag_column,
        gated.rows_affected,
        gated.rows_of_table,
        {{ ratio('gated.rows_affected', 'gated.rows_of_table') }} as share,
        gated.max_share,
        gated.var_name,
        -- where its rows are: the quarantine relation, or for a flag the valid_
        -- relation holding its column
        case
            {%- for table in audited_tables() %}
            when
                gated.source_table = '{{ table.source_table }}'
                and checks.action = 'flag'
                then {{ sql_text_literal(ref(table.valid) | string) }}
            when gated.source_table = '{{ table.source_table }}'
                then {{ sql_text_literal(ref(table.quarantine) | string) }}
            {%- endfor %}
        end as sample_relation,
        gated.days_from
    from gated
    left join checks
        on
            gated.source_table = checks.source_table
            and gated.check_name = checks.check_name
    where
        gated.rows_of_table > 0
        and gated.rows_affected > gated.max_share * gated.rows_of_table
),

-- an override that names no table, or no check of its table, in the seed
unknown_overrides as (
    select
        cast(null as {{ dbt.type_string() }}) as source_table,
        cast(null as {{ dbt.type_string() }}) as check_name
    from checks
    where 1 = 0
    {%- for bound in bounds if bound.table is not none %}
    union all
    select
        {{ sql_text_literal(bound.table) }} as source_table,
        {{ sql_text_literal(bound.check) if bound.check is not none else 'null' }}
            as check_name
    where not exists (
        select 1 from checks
        where
            checks.source_table = {{ sql_text_literal(bound.table) }}
            {%- if bound.check is not none %}
            and checks.check_name = {{ sql_text_literal(bound.check) }}
            {%- endif %}
    )
    {%- endfor %}
),

override_failures as (
    select
        source_table,
        check_name,
        'unknown override' as check_action,
        cast(null as {{ dbt.type_string() }}) as raw_columns,
        cast(null as {{ dbt.type_string() }}) as flag_column,
        cast(null as {{ dbt.type_bigint() }}) as rows_affected,
        cast(null as {{ dbt.type_bigint() }}) as rows_of_table,
        cast(null as {{ dbt.type_float() }}) as share,
        cast(null as {{ share_type }}) as max_share,
        'max_quarantine_share_overrides' as var_name,
        cast(null as {{ dbt.type_string() }}) as sample_relation,
        cast(null as date) as days_from
    from unknown_overrides
)

select * from share_failures
union all
select * from override_failures
