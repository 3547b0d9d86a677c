{{ config(materialized='table') }}

with checked as (
    -- dq_reason: exact copies and the key first (raw contract), then these
    {% call select_checked_raw_rows('ecom', 'returns') %}
        when order_id is null then 'missing_order_id'
        when return_date is null then 'invalid_return_date'
        when {{ is_unreadable('raw_refunded_amount', 'refunded_amount') }}
            then 'invalid_refunded_amount'
        when refunded_amount < 0 then 'negative_refunded_amount'
    {% endcall %}
),

final as (
    select
        return_id,
        order_id,
        customer_id,
        email,
        return_date,
        return_reason,
        return_type,
        refunded_amount,
        {{ is_implausible('refunded_amount', 'order_total') }}
            as is_refunded_amount_implausible,
        return_channel,
        agent_id,
        refund_method,
        dq_reason,
        case
            when dq_reason is not null then {{ raw_values_json('returns') }}
        end as raw_values
    from checked
)

select * from final
