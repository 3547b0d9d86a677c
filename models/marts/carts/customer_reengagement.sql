-- One row per customer with at least one abandoned cart: how much they left,
-- whether they came back, and whether they are worth a reminder now
-- ("savable": see DECISIONLOG.md and the doc block is_savable).
{#- the value of a recent abandoned cart the customer has not ordered since -#}
{%- set recent_unrecovered_value -%}
    case
        when
            reengagement.next_order_id is null
            and {{ seconds_between('reengagement.abandoned_at', 'as_of.as_of') }}
            <= {{ var('savable_window_days') }} * 86400
            then reengagement.abandoned_value
        else 0
    end
{%- endset %}

with reengagement as (
    select * from {{ ref('int_abandoned_carts_followed_by_orders') }}
),

as_of as (select * from {{ ref('int_commerce_as_of') }}),

customers as (select * from {{ ref('int_customers_segmented') }}),

grouped as (
    select
        reengagement.customer_id,
        count(*) as abandoned_carts,
        {{ sum_money('reengagement.abandoned_value') }} as abandoned_value,
        max(reengagement.abandoned_at) as last_abandoned_at,
        count(case when reengagement.is_reengaged then 1 end)
            as reengaged_carts,
        {{ sum_money(recent_unrecovered_value) }} as recent_unrecovered_value
    from reengagement
    cross join as_of
    group by reengagement.customer_id
),

final as (
    select
        grouped.customer_id,
        grouped.abandoned_carts,
        grouped.abandoned_value,
        grouped.last_abandoned_at,
        grouped.reengaged_carts,
        grouped.reengaged_carts > 0 as is_reengaged,
        grouped.recent_unrecovered_value,
        grouped.recent_unrecovered_value > 0
        and grouped.recent_unrecovered_value
        >= {{ var('savable_min_abandoned_value') }} as is_savable,
        customers.is_guest,
        customers.signup_channel,
        customers.loyalty_tier,
        customers.clv_bucket
    from grouped
    inner join customers
        on grouped.customer_id = customers.customer_id
)

select * from final
