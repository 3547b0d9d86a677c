{#-
    One row per (source_table, step). For each raw table of the enabled
    families: the rows read (its stg_ model holds one row per raw row), one step
    per quarantine check of seeds/reference/dq_checks.csv in its order with the
    rows it removed (its quarantine_ model, by dq_reason; rows_in -> rows_out),
    the rows kept (its valid_ model), one step per flag check with the kept
    rows it flags (the check's flag_column in the valid_ model), and one step
    per knock-on effect of quarantined orders (int_quarantined_order_knock_ons:
    rows of other tables that lose their order), and one step per warning found
    over a family's whole data (timestamps beyond the data's end). All of it comes
    from the seed and audited_tables(): a check added to the seed shows up here,
    and a flag whose column does not exist stops the build (dq_flag_checks).
-#}
{%- set flag_checks = dq_flag_checks() %}

with checks as (select * from {{ ref('dq_checks') }}),

read_counts as (
    {%- for table in audited_tables() %}
    select
        '{{ table.source_table }}' as source_table,
        count(*) as rows_read
    from {{ ref(table.staging) }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

kept_counts as (
    {%- for table in audited_tables() %}
    select
        '{{ table.source_table }}' as source_table,
        count(*) as rows_kept
    from {{ ref(table.valid) }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

reason_counts as (
    {%- for table in audited_tables() %}
    select
        '{{ table.source_table }}' as source_table,
        dq_reason,
        count(*) as row_count
    from {{ ref(table.quarantine) }}
    group by dq_reason
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

rows_read as (
    select
        read_counts.source_table,
        read_counts.rows_read,
        kept_counts.rows_kept
    from read_counts
    inner join kept_counts
        on read_counts.source_table = kept_counts.source_table
),

-- every documented check, with 0 where nothing was removed; a reason that is
-- not documented still counts (and fails the accepted-values test on it)
removals as (
    select
        coalesce(checks.source_table, reason_counts.source_table) as source_table,
        coalesce(checks.check_order, 999) as step_order,
        coalesce(checks.check_name, reason_counts.dq_reason) as step,
        coalesce(checks.description, 'Undocumented check.') as reason,
        coalesce(reason_counts.row_count, 0) as rows_removed
    from checks
    full outer join reason_counts
        on
            checks.source_table = reason_counts.source_table
            and checks.check_name = reason_counts.dq_reason
    where
        coalesce(checks.action, 'quarantine') = 'quarantine'
        and coalesce(reason_counts.dq_reason, checks.check_name) is not null
        and coalesce(checks.source_table, reason_counts.source_table) in (
            select rows_read.source_table from rows_read
        )
),

removal_steps as (
    select
        removals.source_table,
        removals.step_order,
        removals.step,
        'remove' as step_type,
        cast(
            rows_read.rows_read
            - coalesce(sum(removals.rows_removed) over (
                partition by removals.source_table
                order by removals.step_order, removals.step
                rows between unbounded preceding and 1 preceding
            ), 0)
            as bigint
        ) as rows_in,
        removals.rows_removed,
        0 as rows_flagged,
        removals.reason
    from removals
    inner join rows_read
        on removals.source_table = rows_read.source_table
),

flag_counts as (
    {%- for check in flag_checks %}
    select
        '{{ check.source_table }}' as source_table,
        '{{ check.check_name }}' as step,
        count(case when {{ check.flag_column }} then 1 end) as rows_flagged
    from {{ ref(check.valid) }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- else %}
    -- no flag check (parse time, or none for the enabled tables)
    select
        cast(null as {{ dbt.type_string() }}) as source_table,
        cast(null as {{ dbt.type_string() }}) as step,
        0 as rows_flagged
    from checks
    where 1 = 0
    {%- endfor %}
),

-- with the warnings found over a family's whole data (action whole_data_flag):
-- kept rows with a timestamp beyond the data's end (latest_within_data), counted
-- by the family's intermediate models
all_flag_counts as (
    select * from flag_counts
    {%- if raw_family_enabled('commerce') %}
    union all
    select
        source_table,
        check_name as step,
        rows_affected as rows_flagged
    from {{ ref('int_commerce_rows_beyond_data') }}
    {%- endif %}
    {%- if raw_family_enabled('events') %}
    union all
    select
        'events' as source_table,
        'timestamp_beyond_data' as step,
        timestamps_beyond_data as rows_flagged
    from {{ ref('int_events_latest_activity') }}
    {%- endif %}
),

flag_steps as (
    select
        flag_counts.source_table,
        checks.check_order as step_order,
        flag_counts.step,
        'flag' as step_type,
        rows_read.rows_kept as rows_in,
        0 as rows_removed,
        flag_counts.rows_flagged,
        checks.description as reason
    from all_flag_counts as flag_counts
    inner join checks
        on
            flag_counts.source_table = checks.source_table
            and flag_counts.step = checks.check_name
    inner join rows_read
        on flag_counts.source_table = rows_read.source_table
),

-- rows_in of a knock-on step is the rows read: an effect may concern kept
-- rows (carts, returns) or rows quarantined for it (order lines). Without the
-- commerce family there is no order, and no knock-on step.
knock_on_steps as (
    select
        checks.source_table,
        checks.check_order as step_order,
        checks.check_name as step,
        'knock_on' as step_type,
        rows_read.rows_read as rows_in,
        0 as rows_removed,
        {%- if raw_family_enabled('commerce') %}
        coalesce(knock_ons.rows_affected, 0) as rows_flagged,
        {%- else %}
        0 as rows_flagged,
        {%- endif %}
        checks.description as reason
    from checks
    inner join rows_read
        on checks.source_table = rows_read.source_table
    {%- if raw_family_enabled('commerce') %}
    left join {{ ref('int_quarantined_order_knock_ons') }} as knock_ons
        on
            checks.source_table = knock_ons.source_table
            and checks.check_name = knock_ons.check_name
    {%- endif %}
    where checks.action = 'knock_on'
),

read_steps as (
    select
        source_table,
        0 as step_order,
        'read' as step,
        'read' as step_type,
        rows_read as rows_in,
        0 as rows_removed,
        0 as rows_flagged,
        'Rows read from the raw table.' as reason
    from rows_read
),

kept_steps as (
    select
        source_table,
        100 as step_order,
        'kept' as step,
        'kept' as step_type,
        rows_kept as rows_in,
        0 as rows_removed,
        0 as rows_flagged,
        'Rows kept in staging (the rest are in quarantine with their reason).'
            as reason
    from rows_read
),

steps as (
    select * from read_steps
    union all
    select * from removal_steps
    union all
    select * from kept_steps
    union all
    select * from flag_steps
    union all
    select * from knock_on_steps
),

final as (
    select
        source_table,
        cast(step_order as bigint) as step_order,
        step,
        step_type,
        rows_in,
        rows_in - rows_removed as rows_out,
        rows_removed,
        rows_flagged,
        reason
    from steps
)

select * from final
