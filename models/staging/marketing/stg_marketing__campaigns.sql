{{ config(materialized='table') }}

with raw_rows as (
    {{ select_raw_rows('marketing', 'campaigns') }}
),

typed as (
    select
        *,
        {{ typed_raw_columns('campaigns') }},
        {{ exact_copy_number('campaigns') }} as exact_copy_number
    from raw_rows
),

numbered as (
    select
        *,
        {{ key_copy_number('campaigns') }} as key_copy_number
    from typed
),

checked as (
    -- checks in order, the first failed one wins: rows of seeds/reference/dq_checks.csv
    select
        *,
        case
            when exact_copy_number > 1 then 'exact_duplicate'
            when campaign_id is null then 'missing_campaign_id'
            when key_copy_number > 1 then 'duplicate_campaign_id'
            when start_date is null then 'invalid_start_date'
            when {{ is_unreadable('raw_end_date', 'end_date') }} then 'invalid_end_date'
            when end_date < start_date then 'end_date_before_start_date'
            when {{ is_unreadable('raw_budget', 'budget') }} then 'invalid_budget'
            when budget < 0 then 'negative_budget'
        end as dq_reason
    from numbered
),

final as (
    select
        campaign_id,
        campaign_name,
        channel,
        start_date,
        end_date,
        budget,
        dq_reason,
        case
            when dq_reason is not null then {{ raw_values_json('campaigns') }}
        end as raw_values
    from checked
)

select * from final
