-- One row per (funnel_type, stage): users reaching each stage of the funnel,
-- open ("ever did") and strict (in order), with conversion and drop-off from
-- the previous stage and the share of the first stage. The counts are those
-- of funnel_kpis, unpivoted.
with stage_users as (
    select * from {{ ref('funnel_kpis') }}
),

stages as (
    select
        'open' as funnel_type,
        'view' as stage,
        1 as stage_order,
        viewers as users
    from stage_users
    union all
    select
        'open' as funnel_type,
        'cart' as stage,
        2 as stage_order,
        cart_users as users
    from stage_users
    union all
    select
        'open' as funnel_type,
        'purchase' as stage,
        3 as stage_order,
        purchasers as users
    from stage_users
    union all
    select
        'strict' as funnel_type,
        'view' as stage,
        1 as stage_order,
        viewers as users
    from stage_users
    union all
    select
        'strict' as funnel_type,
        'cart' as stage,
        2 as stage_order,
        strict_cart_users as users
    from stage_users
    union all
    select
        'strict' as funnel_type,
        'purchase' as stage,
        3 as stage_order,
        strict_purchasers as users
    from stage_users
),

compared as (
    select
        *,
        lag(users) over (
            partition by funnel_type order by stage_order
        ) as previous_stage_users,
        first_value(users) over (
            partition by funnel_type order by stage_order
        ) as first_stage_users
    from stages
),

final as (
    select
        funnel_type,
        stage,
        stage_order,
        users,
        {{ ratio('users', 'previous_stage_users') }} as conversion_from_previous,
        1 - {{ ratio('users', 'previous_stage_users') }} as drop_off_from_previous,
        {{ ratio('users', 'first_stage_users') }} as share_of_first_stage
    from compared
)

select * from final
