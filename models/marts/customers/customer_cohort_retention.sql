-- One row per (cohort_month, months_since_first_order), for every month from
-- the cohort's first to the month of as_of: how many of the buyers who first
-- ordered in cohort_month ordered again that month.
{%- set month_index = "(extract(year from {0}) * 12 + extract(month from {0}))" %}

with buyers as (select * from {{ ref('int_customer_orders_aggregated') }}),

orders as (select * from {{ ref('valid_ecom__orders') }}),

as_of as (select * from {{ ref('int_commerce_as_of') }}),

digits as (
    {%- for digit in range(10) %}
    select {{ digit }} as digit{{ ' union all' if not loop.last }}
    {%- endfor %}
),

-- 0 .. 999 months
month_offsets as (
    select hundreds.digit * 100 + tens.digit * 10 + ones.digit as months
    from digits as hundreds
    cross join digits as tens
    cross join digits as ones
),

cohorts as (
    select
        customer_id,
        cast({{ dbt.date_trunc('month', 'first_ordered_at') }} as date) as cohort_month
    from buyers
),

cohort_sizes as (
    select
        cohort_month,
        count(*) as cohort_customers
    from cohorts
    group by cohort_month
),

grid as (
    select
        cohort_sizes.cohort_month,
        cohort_sizes.cohort_customers,
        month_offsets.months as months_since_first_order
    from cohort_sizes
    cross join month_offsets
    cross join as_of
    where
        {{ month_index.format('cohort_sizes.cohort_month') }} + month_offsets.months
        <= {{ month_index.format('as_of.as_of') }}
),

active as (
    select
        cohorts.cohort_month,
        {{ month_index.format('orders.ordered_at') }}
        - {{ month_index.format('cohorts.cohort_month') }} as months_since_first_order,
        count(distinct cohorts.customer_id) as active_customers
    from cohorts
    inner join orders
        on cohorts.customer_id = orders.customer_id
    group by
        cohorts.cohort_month,
        {{ month_index.format('orders.ordered_at') }}
        - {{ month_index.format('cohorts.cohort_month') }}
),

final as (
    select
        grid.cohort_month,
        cast(grid.months_since_first_order as bigint) as months_since_first_order,
        grid.cohort_customers,
        coalesce(active.active_customers, 0) as active_customers,
        {{ ratio('coalesce(active.active_customers, 0)', 'grid.cohort_customers') }}
            as retention_rate
    from grid
    left join active
        on
            grid.cohort_month = active.cohort_month
            and grid.months_since_first_order = active.months_since_first_order
)

select * from final
