-- funnel_stages shows the same users per stage as funnel_kpis, and the strict
-- funnel never counts more users than the open one at the same stage.
with kpis as (select * from {{ ref('funnel_kpis') }}),

-- the user funnels (the session funnel counts sessions)
stages as (
    select * from {{ ref('funnel_stages') }}
    where funnel_type in ('open', 'strict')
),

expected as (
    select
        'open' as funnel_type,
        'view' as stage,
        viewers as users
    from kpis
    union all
    select
        'open' as funnel_type,
        'cart' as stage,
        cart_users as users
    from kpis
    union all
    select
        'open' as funnel_type,
        'purchase' as stage,
        purchasers as users
    from kpis
    union all
    select
        'strict' as funnel_type,
        'view' as stage,
        viewers as users
    from kpis
    union all
    select
        'strict' as funnel_type,
        'cart' as stage,
        strict_cart_users as users
    from kpis
    union all
    select
        'strict' as funnel_type,
        'purchase' as stage,
        strict_purchasers as users
    from kpis
),

mismatches as (
    select
        coalesce(expected.funnel_type, stages.funnel_type) as funnel_type,
        coalesce(expected.stage, stages.stage) as stage,
        'differs from funnel_kpis' as failure
    from expected
    full outer join stages
        on
            expected.funnel_type = stages.funnel_type
            and expected.stage = stages.stage
    where
        stages.users is null
        or expected.users is null
        or stages.users <> expected.users
),

strict_above_open as (
    select
        strict_stages.funnel_type,
        strict_stages.stage,
        'strict above open' as failure
    from stages as strict_stages
    inner join stages as open_stages
        on
            strict_stages.stage = open_stages.stage
            and strict_stages.funnel_type = 'strict'
            and open_stages.funnel_type = 'open'
    where strict_stages.users > open_stages.users
)

select * from mismatches
union all
select * from strict_above_open
