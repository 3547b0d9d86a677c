{{ config(materialized='table') }}

with source as (
    select {{ select_raw_columns('events') }}
    from {{ raw_source('clickstream', 'events') }}
),

typed as (
    select
        *,
        {{ parse_timestamp('raw_event_time') }} as event_time,
        {{ normalize_label('raw_event_type') }} as event_type,
        {{ parse_integer('raw_product_id') }} as product_id,
        {{ parse_integer('raw_category_id') }} as category_id,
        {{ normalize_label('raw_category_code') }} as category_code,
        {{ normalize_label('raw_brand') }} as brand,
        {{ parse_money('raw_price') }} as price,
        {{ parse_integer('raw_user_id') }} as user_id,
        {{ clean_text('raw_user_session') }} as user_session,
        {{ exact_copy_number('events') }} as exact_copy_number
    from source
),

-- the order of the checks is the documented cleaning order (MARTS.md):
-- exact duplicates, then prices, then the time
checked as (
    select
        *,
        case
            when exact_copy_number > 1 then 'exact_duplicate'
            when price is null then 'invalid_price'
            when price <= 0 then 'non_positive_price'
            when event_time is null then 'invalid_event_time'
            when user_id is null then 'invalid_user_id'
            when product_id is null then 'invalid_product_id'
            when {{ is_unreadable('raw_category_id', 'category_id') }}
                then 'invalid_category_id'
            when
                event_type is null
                or event_type not in ('view', 'cart', 'purchase', 'remove_from_cart')
                then 'unknown_event_type'
        end as dq_reason
    from typed
),

final as (
    select
        event_time,
        event_type,
        product_id,
        category_id,
        category_code,
        brand,
        price,
        user_id,
        user_session,
        category_code is null as is_category_code_missing,
        brand is null as is_brand_missing,
        cast(event_time as date) as event_date,
        cast({{ dbt.date_trunc('month', 'event_time') }} as date) as event_month,
        {{ iso_weekday('event_time') }} as event_weekday,
        extract(hour from event_time) as event_hour,
        dq_reason,
        case
            when dq_reason is not null then {{ raw_values_json('events') }}
        end as raw_values
    from checked
)

select * from final
