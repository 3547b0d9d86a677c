{#-
    One row per (source_table, step). For each raw table: the rows read, one
    step per quarantine check in the documented order (rows_in -> rows_out),
    the rows kept, and the kept rows flagged with a warning. Counts come from
    the base models, which hold exactly one row per raw row, so
    rows read = rows kept + rows removed for every source.
-#}
with checks as (
    select * from {{ ref('dq_checks') }}
),

{% if raw_family_enabled('commerce') %}
carts as (
    select * from {{ ref('stg_ecom__carts') }}
),

cart_items as (
    select * from {{ ref('stg_ecom__cart_items') }}
),

orders as (
    select * from {{ ref('stg_ecom__orders') }}
),

customers as (
    select * from {{ ref('stg_ecom__customers') }}
),
{% endif %}

{% if raw_family_enabled('events') %}
events as (
    select * from {{ ref('stg_clickstream__events') }}
),
{% endif %}

reason_counts as (
    {%- for table in audited_tables() %}
    select
        '{{ table.source_table }}' as source_table,
        dq_reason,
        count(*) as row_count
    from {{ ref(table.base) }}
    group by dq_reason
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

rows_read as (
    select
        source_table,
        {{ sum_int('row_count') }} as rows_read,
        {{ sum_int('case when dq_reason is null then row_count else 0 end') }}
            as rows_kept
    from reason_counts
    group by source_table
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
    {%- if raw_family_enabled('commerce') %}
    select
        'shopping_carts' as source_table,
        'unknown_status' as step,
        count(*) as rows_flagged
    from carts
    where cart_status = 'unknown'
    union all
    select
        'shopping_carts' as source_table,
        'unknown_customer' as step,
        count(*) as rows_flagged
    from carts
    left join customers
        on carts.customer_id = customers.customer_id
    where customers.customer_id is null
    union all
    select
        'shopping_carts' as source_table,
        'created_before_signup' as step,
        count(*) as rows_flagged
    from carts
    inner join customers
        on carts.customer_id = customers.customer_id
    where cast(carts.created_at as date) < customers.signup_date
    union all
    select
        'shopping_carts' as source_table,
        'missing_updated_at' as step,
        count(*) as rows_flagged
    from carts
    where updated_at is null
    union all
    select
        'cart_items' as source_table,
        'missing_added_at' as step,
        count(*) as rows_flagged
    from cart_items
    where added_at is null
    union all
    select
        'orders' as source_table,
        'unknown_customer' as step,
        count(*) as rows_flagged
    from orders
    left join customers
        on orders.customer_id = customers.customer_id
    where customers.customer_id is null
    union all
    select
        'orders' as source_table,
        'ordered_before_signup' as step,
        count(*) as rows_flagged
    from orders
    inner join customers
        on orders.customer_id = customers.customer_id
    where cast(orders.ordered_at as date) < customers.signup_date
    {%- endif %}
    {%- if raw_family_enabled('commerce') and raw_family_enabled('events') %}
    union all
    {%- endif %}
    {%- if raw_family_enabled('events') %}
    select
        'events' as source_table,
        'missing_user_session' as step,
        count(*) as rows_flagged
    from events
    where user_session is null
    union all
    select
        'events' as source_table,
        'missing_brand' as step,
        count(*) as rows_flagged
    from events
    where is_brand_missing
    union all
    select
        'events' as source_table,
        'missing_category_code' as step,
        count(*) as rows_flagged
    from events
    where is_category_code_missing
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
    from flag_counts
    inner join checks
        on
            flag_counts.source_table = checks.source_table
            and flag_counts.step = checks.check_name
    inner join rows_read
        on flag_counts.source_table = rows_read.source_table
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
),

final as (
    select
        source_table,
        step_order,
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
