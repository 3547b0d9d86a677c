-- One row per clean event, for the funnel conversion metrics of the semantic
-- layer (docs/semantic_layer.md): MetricFlow's conversion metrics join events to
-- the earlier events of the same user, so they need the event grain, which no
-- mart has. A view: nothing is stored, the events are read when a metric is
-- queried.
-- is_strict_cart marks a cart event that follows the user's first view in the
-- funnel order: the strict funnel's rule (macro funnel_stages_by), so that the
-- cart -> purchase conversion starts from the carts funnel_kpis counts as strict.
with events as (select * from {{ ref('int_events_sessionized') }}),

ordered as (
    select
        user_id,
        session_key,
        event_time,
        event_type,
        funnel_order_key,
        min(case when event_type = 'view' then funnel_order_key end) over (
            partition by user_id
        ) as first_view_key
    from events
),

final as (
    select
        user_id,
        session_key,
        event_time,
        event_type,
        coalesce(
            event_type = 'cart' and funnel_order_key > first_view_key, false
        ) as is_strict_cart
    from ordered
)

select * from final
