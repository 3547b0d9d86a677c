-- Where to start when the audit shows removed rows: every quarantined row of the
-- commerce tables, with its reason and raw values, most frequent reasons first.
-- Compile with `dbt compile --select quarantined_rows_by_reason` and run the SQL
-- in target/compiled/.
with quarantined as (
    select
        'shopping_carts' as source_table,
        dq_reason,
        raw_values
    from {{ ref('quarantine_ecom__carts') }}
    union all
    select
        'cart_items' as source_table,
        dq_reason,
        raw_values
    from {{ ref('quarantine_ecom__cart_items') }}
    union all
    select
        'orders' as source_table,
        dq_reason,
        raw_values
    from {{ ref('quarantine_ecom__orders') }}
),

reason_counts as (
    select
        source_table,
        dq_reason,
        count(*) as rows_quarantined
    from quarantined
    group by source_table, dq_reason
)

select
    quarantined.source_table,
    quarantined.dq_reason,
    reason_counts.rows_quarantined,
    quarantined.raw_values
from quarantined
inner join reason_counts
    on
        quarantined.source_table = reason_counts.source_table
        and quarantined.dq_reason = reason_counts.dq_reason
order by reason_counts.rows_quarantined desc, quarantined.source_table asc
