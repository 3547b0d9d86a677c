{{ config(materialized='table') }}

with raw_rows as (
    {{ select_raw_rows('marketing', 'campaign_spend') }}
),

typed as (
    select
        *,
        {{ typed_raw_columns('campaign_spend') }},
        {{ exact_copy_number('campaign_spend') }} as exact_copy_number
    from raw_rows
),

numbered as (
    select
        *,
        {{ key_copy_number('campaign_spend') }} as key_copy_number
    from typed
),

checked as (
    -- checks in order, the first failed one wins: rows of seeds/reference/dq_checks.csv
    select
        *,
        case
            when exact_copy_number > 1 then 'exact_duplicate'
            when campaign_id is null then 'missing_campaign_id'
            when spend_date is null then 'invalid_date'
            when key_copy_number > 1 then 'duplicate_spend_day'
            when spend is null then 'invalid_spend'
            when spend < 0 then 'negative_spend'
            when impressions is null then 'invalid_impressions'
            when clicks is null then 'invalid_clicks'
            when impressions < 0 or clicks < 0 then 'negative_count'
        end as dq_reason
    from numbered
),

final as (
    select
        spend_date,
        campaign_id,
        spend,
        impressions,
        clicks,
        -- kept: some ad platforms report more clicks than impressions on a few rows
        coalesce(clicks > impressions, false) as is_clicks_above_impressions,
        dq_reason,
        -- for every row: the check against campaigns comes after staging
        -- (valid_marketing__campaign_spend); a row it rejects is quarantined with
        -- these values
        {{ raw_values_json('campaign_spend') }} as raw_values
    from checked
)

select * from final
