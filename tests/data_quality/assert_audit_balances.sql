-- For every audited table: rows read (its stg_ model) = rows kept (its valid_
-- model) + rows removed (its quarantine_ model, by reason), three models computed
-- separately; and the steps chain (each check's rows_in is the previous
-- rows_out). Returns the tables that do not balance. (pytest compares rows read
-- with the raw files' own row counts.)

with audit as (select * from {{ ref('data_quality_audit') }}),

tables as (
    {%- for table in audited_tables() %}
    select '{{ table.source_table }}' as source_table
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
        coalesce(balance.source_table, tables.source_table) as source_table,
        'not audited, or read <> kept + removed' as failure
    from balance
    full outer join tables
        on balance.source_table = tables.source_table
    where
        balance.rows_read is null
        or tables.source_table is null
        or balance.rows_read <> balance.rows_kept + balance.rows_removed
    union all
    select
        source_table,
        'step ' || step || ' does not start where the previous step ended'
            as failure
    from chain
    where previous_rows_out is not null and rows_in <> previous_rows_out
)

select * from failures
