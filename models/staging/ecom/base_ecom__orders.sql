{{ config(materialized='table') }}

with source as (
    select {{ select_raw_columns('orders') }}
    from {{ raw_source('ecom', 'orders') }}
),

typed as (
    select
        *,
        {{ clean_text('raw_order_id') }} as order_id,
        {{ clean_text('raw_customer_id') }} as customer_id,
        {{ parse_timestamp('raw_order_date') }} as ordered_at,
        {{ parse_integer('raw_total_items') }} as total_items,
        {{ clean_text('raw_email') }} as email,
        {{ normalize_label('raw_order_channel') }} as order_channel,
        {{ parse_boolean('raw_is_expedited') }} as is_expedited,
        {{ normalize_label('raw_customer_tier') }} as customer_tier,
        {{ parse_money('raw_gross_total') }} as gross_total,
        {{ parse_money('raw_net_total') }} as net_total,
        {{ parse_money('raw_total_discount_amount') }} as total_discount_amount,
        {{ normalize_label('raw_payment_method') }} as payment_method,
        {{ normalize_label('raw_shipping_speed') }} as shipping_speed,
        {{ parse_money('raw_shipping_cost') }} as shipping_cost,
        {{ clean_text('raw_agent_id') }} as agent_id,
        {{ parse_money('raw_actual_shipping_cost') }} as actual_shipping_cost,
        {{ parse_money('raw_payment_processing_fee') }} as payment_processing_fee,
        {{ clean_text('raw_shipping_address') }} as shipping_address,
        {{ clean_text('raw_billing_address') }} as billing_address,
        {{ normalize_label('raw_clv_bucket') }} as clv_bucket,
        {{ parse_boolean('raw_is_reactivated') }} as is_reactivated,
        {{ exact_copy_number('orders') }} as exact_copy_number,
        {{ key_copy_number('orders', [clean_text('raw_order_id')]) }}
            as key_copy_number
    from source
),

checked as (
    select
        *,
        case
            when exact_copy_number > 1 then 'exact_duplicate'
            when order_id is null then 'missing_order_id'
            when key_copy_number > 1 then 'duplicate_order_id'
            when customer_id is null then 'missing_customer_id'
            when ordered_at is null then 'invalid_order_date'
            when gross_total is null then 'invalid_gross_total'
            when net_total is null then 'invalid_net_total'
            when net_total < 0 then 'negative_net_total'
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
    from typed
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
        dq_reason,
        case
            when dq_reason is not null then {{ raw_values_json('orders') }}
        end as raw_values
    from checked
)

select * from final
