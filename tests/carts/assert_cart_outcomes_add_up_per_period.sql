-- converted + abandoned + emptied + open + unknown = carts, in every day and
-- month; and the periods together hold every cart of fct_carts.
with daily as (select * from {{ ref('cart_conversion_daily') }}),

monthly as (select * from {{ ref('cart_conversion_monthly') }}),

carts as (
    select count(*) as carts from {{ ref('fct_carts') }}
),

periods as (
    select
        'daily' as grain,
        period,
        carts,
        converted_carts + abandoned_carts + emptied_carts + open_carts
        + unknown_carts as outcome_carts
    from daily
    union all
    select
        'monthly' as grain,
        period,
        carts,
        converted_carts + abandoned_carts + emptied_carts + open_carts
        + unknown_carts as outcome_carts
    from monthly
),

totals as (
    select
        periods.grain,
        sum(periods.carts) as period_carts,
        min(carts.carts) as all_carts
    from periods
    cross join carts
    group by periods.grain
)

select
    grain,
    cast(period as {{ dbt.type_string() }}) as failing_period
from periods
where carts <> outcome_carts
union all
select
    grain,
    'all periods' as failing_period
from totals
where period_carts <> all_carts
