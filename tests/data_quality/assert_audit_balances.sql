-- For every source: rows read = rows kept + rows removed, the steps chain
-- (each check's rows_in is the previous rows_out), and the rows kept are
-- exactly the rows of the valid_ model. Returns the sources that do not balance.

with audit as (select * from {{ ref('data_quality_audit') }}),

staged_counts as (
    {%- for table in audited_tables() %}
    select
        '{{ table.source_table }}' as source_table,
        count(*) as staged_rows
    from {{ ref(table.valid) }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

chain as (
    select
        source_table,
        step,
        step_type,
        rows_in,
        lag(rows_out) over (
            partition by source_table order by step_order
        ) as previous_rows_out
    from audit
    where step_type in ('read', 'remove', 'kept')
),

balance as (
    select
        source_table,
        sum(case when step_type = 'read' then rows_in end) as rows_read,
        sum(case when step_type = 'kept' then rows_out end) as rows_kept,
        sum(rows_removed) as rows_removed
    from audit
    group by source_table
),

failures as (
    select
        coalesce(balance.source_table, staged_counts.source_table) as source_table,
        'read <> kept + removed, or kept <> staged' as failure
    from balance
    full outer join staged_counts
        on balance.source_table = staged_counts.source_table
    where
        balance.rows_read is null
        or staged_counts.staged_rows is null
        or balance.rows_read <> balance.rows_kept + balance.rows_removed
        or balance.rows_kept <> staged_counts.staged_rows
    union all
    select
        source_table,
        'step ' || step || ' does not start where the previous step ended'
            as failure
    from chain
    where previous_rows_out is not null and rows_in <> previous_rows_out
)

select * from failures
