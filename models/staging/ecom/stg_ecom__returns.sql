{{ config(materialized='table') }}

with raw_rows as (
    {{ select_raw_rows('ecom', 'returns') }}
),

typed as (
    select
        *,
        {{ typed_raw_columns('returns') }},
        {{ exact_copy_number('returns') }} as exact_copy_number
    from raw_rows
),

numbered as (
    select
        *,
        {{ key_copy_number('returns') }} as key_copy_number
    from typed
),

checked as (
    -- checks in order, the first failed one wins: rows of seeds/reference/dq_checks.csv
    select
        *,
        case
            when exact_copy_number > 1 then 'exact_duplicate'
            when return_id is null then 'missing_return_id'
            when key_copy_number > 1 then 'duplicate_return_id'
            when order_id is null then 'missing_order_id'
            when return_date is null then 'invalid_return_date'
            when {{ is_unreadable('raw_refunded_amount', 'refunded_amount') }}
                then 'invalid_refunded_amount'
            when refunded_amount < 0 then 'negative_refunded_amount'
        end as dq_reason
    from numbered
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
