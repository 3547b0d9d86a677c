{{ config(materialized='table') }}

with raw_rows as (
    {{ select_raw_rows('ecom', 'orders') }}
),

typed as (
    select
        *,
        {{ typed_raw_columns('orders') }},
        {{ exact_copy_number('orders') }} as exact_copy_number
    from raw_rows
),

numbered as (
    select
        *,
        {{ key_copy_number('orders') }} as key_copy_number
    from typed
),

checked as (
    -- checks in order, the first failed one wins: rows of seeds/reference/dq_checks.csv
    select
        *,
        case
            when exact_copy_number > 1 then 'exact_duplicate'
            when order_id is null then 'missing_order_id'
            when key_copy_number > 1 then 'duplicate_order_id'
            when customer_id is null then 'missing_customer_id'
            when {{ has_unreadable_time_zone('raw_order_date') }}
                then 'unreadable_time_zone'
            when ordered_at is null then 'invalid_order_date'
            when gross_total is null then 'invalid_gross_total'
            when net_total is null then 'invalid_net_total'
            when net_total < 0 then 'negative_net_total'
            when
                {{ is_implausible('net_total', 'order_total') }}
                or {{ is_implausible('gross_total', 'order_total') }}
                then 'implausible_order_total'
            when {{ is_unreadable('raw_total_items', 'total_items') }}
                then 'invalid_total_items'
            when
                {{ is_unreadable(
                    'raw_total_discount_amount', 'total_discount_amount') }}
                or {{ is_unreadable('raw_shipping_cost', 'shipping_cost') }}
                or {{ is_unreadable(
                    'raw_actual_shipping_cost', 'actual_shipping_cost') }}
                or {{ is_unreadable(
                    'raw_payment_processing_fee', 'payment_processing_fee') }}
                then 'invalid_cost_amount'
            when
                {{ is_unreadable('raw_is_expedited', 'is_expedited') }}
                or {{ is_unreadable('raw_is_reactivated', 'is_reactivated') }}
                then 'invalid_flag'
        end as dq_reason
    from numbered
),

final as (
    select
        order_id,
        customer_id,
        ordered_at,
        total_items,
        email,
        order_channel,
        is_expedited,
        customer_tier,
        gross_total,
        net_total,
        total_discount_amount,
        payment_method,
        shipping_speed,
        shipping_cost,
        agent_id,
        actual_shipping_cost,
        payment_processing_fee,
        shipping_address,
        billing_address,
        clv_bucket,
        is_reactivated,
        campaign_id,
        utm_campaign,
        dq_reason,
        case
            when dq_reason is not null then {{ raw_values_json('orders') }}
        end as raw_values
    from checked
)

select * from final
