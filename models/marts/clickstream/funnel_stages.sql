-- One row per (funnel_type, stage): users reaching each stage of the funnel,
-- open ("ever did") and strict (in order), with conversion and drop-off from
-- the previous stage and the share of the first stage. The stages a user
-- reached are those of int_event_users_aggregated, as in funnel_kpis
-- (tests/clickstream/assert_funnel_stages_agree_with_kpis.sql). funnel_type
-- session counts sessions: a view, a cart after a view, a purchase after such a
-- cart, in order within the session (int_sessions_aggregated).
with users as (select * from {{ ref('int_event_users_aggregated') }}),

sessions as (select * from {{ ref('int_sessions_aggregated') }}),

stage_users as (
    select
        count(case when is_viewer then 1 end) as viewers,
        count(case when is_cart_user then 1 end) as cart_users,
        count(case when is_purchaser then 1 end) as purchasers,
        count(case when reaches_strict_cart then 1 end) as strict_cart_users,
        count(case when reaches_strict_purchase then 1 end) as strict_purchasers
    from users
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

stage_list as (
    {{ funnel_stage_rows() }}
),

session_stage_counts as (
    select
        {{ count_session_stages() }}
    from sessions
),

session_stages as (
    select
        'session' as funnel_type,
        stage_list.stage,
        stage_list.stage_order,
        case stage_list.stage
            when 'view' then session_stage_counts.view_sessions
            when 'cart' then session_stage_counts.strict_cart_sessions
            else session_stage_counts.strict_purchase_sessions
        end as users
    from session_stage_counts
    cross join stage_list
),

all_stages as (
    select * from stages
    union all
    select * from session_stages
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
    from all_stages
),

final as (
    select
        funnel_type,
        stage,
        cast(stage_order as bigint) as stage_order,
        users,
        {{ ratio('users', 'previous_stage_users') }} as conversion_from_previous,
        1 - {{ ratio('users', 'previous_stage_users') }} as drop_off_from_previous,
        {{ ratio('users', 'first_stage_users') }} as share_of_first_stage
    from compared
)

select * from final
