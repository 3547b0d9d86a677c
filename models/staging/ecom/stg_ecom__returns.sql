{{ config(materialized='table') }}

with source as (
    select {{ select_raw_columns('returns') }}
    from {{ source('ecom', 'returns') }}
),

typed as (
    select
        *,
        {{ typed_raw_columns('returns') }},
        {{ exact_copy_number('returns') }} as exact_copy_number,
        {{ key_copy_number('returns', [clean_text('raw_return_id')]) }}
            as key_copy_number
    from source
),

checked as (
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
    from typed
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
