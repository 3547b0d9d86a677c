{#-
    One row per knock-on effect of quarantined orders (the checks of action
    knock_on in seeds/reference/dq_checks.csv): rows of other tables that lose
    their order because that order is in quarantine, not because it is missing
    from the data. A quarantined order is a quarantined row of orders whose
    order_id is not also a valid order (an exact or conflicting copy of a kept
    order loses nothing). data_quality_audit reports each count as a step.
-#}
with quarantined_order_ids as (
    select distinct order_id
    from {{ ref('quarantine_ecom__orders') }}
    where
        order_id is not null
        and not {{ has_valid_parent('order_id', 'valid_ecom__orders') }}
),

effects as (
    select
        'shopping_carts' as source_table,
        'converted_cart_order_quarantined' as check_name,
        count(*) as rows_affected
    from {{ ref('int_carts_with_quarantined_order') }}
    union all
    select
        'order_items' as source_table,
        'line_of_quarantined_order' as check_name,
        count(*) as rows_affected
    from {{ ref('quarantine_ecom__order_items') }}
    where
        dq_reason = 'orphan_order_line'
        and order_id in (
            select quarantined_order_ids.order_id from quarantined_order_ids
        )
    union all
    select
        'returns' as source_table,
        'return_of_quarantined_order' as check_name,
        count(*) as rows_affected
    from {{ ref('valid_ecom__returns') }}
    where
        order_id in (
            select quarantined_order_ids.order_id from quarantined_order_ids
        )
    union all
    select
        'return_items' as source_table,
        'return_line_of_quarantined_order' as check_name,
        count(*) as rows_affected
    from {{ ref('valid_ecom__return_items') }}
    where order_id in (
        select quarantined_order_ids.order_id from quarantined_order_ids
    )
),

final as (
    select
        source_table,
        check_name,
        cast(rows_affected as bigint) as rows_affected
    from effects
)

select * from final
