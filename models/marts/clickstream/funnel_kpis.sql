-- One row: the headline numbers of the view -> cart -> purchase funnel, with
-- the open ("ever did") rates and the strict (in order) ones. Without events,
-- the counts are 0 and the rates null.
with users as (select * from {{ ref('int_event_users_aggregated') }}),

sessions as (select * from {{ ref('fct_sessions') }}),

user_totals as (
    select
        count(*) as total_users,
        coalesce({{ sum_int('views') }}, 0) as view_events,
        coalesce({{ sum_int('carts') }}, 0) as cart_events,
        coalesce({{ sum_int('purchases') }}, 0) as purchase_events,
        coalesce({{ sum_money('revenue') }}, 0) as revenue,
        count(case when is_viewer then 1 end) as viewers,
        count(case when is_cart_user then 1 end) as cart_users,
        count(case when is_purchaser then 1 end) as purchasers,
        count(case when reaches_strict_cart then 1 end) as strict_cart_users,
        count(case when reaches_strict_purchase then 1 end)
            as strict_purchasers,
        count(case when is_purchaser and not is_cart_user then 1 end)
            as purchasers_without_cart
    from users
),

session_totals as (
    select
        count(*) as total_sessions,
        count(case when is_transaction then 1 end) as transactions,
        {{ count_session_stages() }}
    from sessions
),

final as (
    select
        user_totals.total_users,
        session_totals.total_sessions,
        session_totals.transactions,
        user_totals.view_events,
        user_totals.cart_events,
        user_totals.purchase_events,
        user_totals.revenue,
        {{ ratio('user_totals.revenue', 'user_totals.purchase_events') }} as aov,
        user_totals.viewers,
        user_totals.cart_users,
        user_totals.purchasers,
        user_totals.strict_cart_users,
        user_totals.strict_purchasers,
        user_totals.purchasers_without_cart,
        {{ ratio('user_totals.purchasers', 'user_totals.total_users') }}
            as user_conversion_rate,
        {{ ratio('user_totals.cart_users', 'user_totals.viewers') }}
            as view_to_cart_user_rate,
        {{ ratio('user_totals.purchasers', 'user_totals.cart_users') }}
            as cart_to_purchase_user_rate,
        {{ ratio('user_totals.purchase_events', 'user_totals.cart_events') }}
            as cart_to_purchase_event_rate,
        {{ ratio('user_totals.purchasers', 'user_totals.viewers') }}
            as overall_funnel_conversion,
        {{ ratio('user_totals.strict_cart_users', 'user_totals.viewers') }}
            as strict_view_to_cart_rate,
        {{ ratio('user_totals.strict_purchasers', 'user_totals.strict_cart_users') }}
            as strict_cart_to_purchase_rate,
        -- sessions (issue 15): any purchase converts a session; the session
        -- funnel is in order within the session
        {{ ratio('session_totals.transactions', 'session_totals.total_sessions') }}
            as session_conversion_rate,
        {{ ratio(
            'session_totals.strict_cart_sessions', 'session_totals.view_sessions') }}
            as session_view_to_cart_rate,
        {{ ratio(
            'session_totals.strict_purchase_sessions',
            'session_totals.strict_cart_sessions') }}
            as session_cart_to_purchase_rate
    from user_totals
    cross join session_totals
)

select * from final
