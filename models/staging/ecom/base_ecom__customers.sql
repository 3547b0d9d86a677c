{{ config(materialized='table') }}

with source as (
    select {{ select_raw_columns('customers') }}
    from {{ raw_source('ecom', 'customers') }}
),

typed as (
    select
        *,
        -- guests' age is written as the text `nan`: it means blank
        nullif(lower(trim(raw_age)), 'nan') as age_text,
        {{ clean_text('raw_customer_id') }} as customer_id,
        {{ clean_text('raw_first_name') }} as first_name,
        {{ clean_text('raw_last_name') }} as last_name,
        {{ clean_text('raw_email') }} as email,
        {{ clean_text('raw_phone_number') }} as phone_number,
        {{ parse_date('raw_signup_date') }} as signup_date,
        {{ normalize_label('raw_gender') }} as gender,
        {{ parse_boolean('raw_is_guest') }} as is_guest_value,
        {{ normalize_label('raw_customer_status') }} as customer_status,
        {{ normalize_label('raw_signup_channel') }} as signup_channel,
        {{ normalize_label('raw_loyalty_tier') }} as loyalty_tier,
        {{ normalize_label('raw_initial_loyalty_tier') }} as initial_loyalty_tier,
        {{ parse_boolean('raw_email_verified') }} as is_email_verified,
        {{ parse_boolean('raw_marketing_opt_in') }} as is_marketing_opt_in,
        {{ clean_text('raw_mailing_address') }} as mailing_address,
        {{ clean_text('raw_billing_address') }} as billing_address,
        {{ parse_date('raw_loyalty_enrollment_date') }} as loyalty_enrollment_date,
        {{ normalize_label('raw_clv_bucket') }} as clv_bucket,
        {{ exact_copy_number('customers') }} as exact_copy_number,
        {{ key_copy_number('customers', [clean_text('raw_customer_id')]) }}
            as key_copy_number
    from source
),

parsed as (
    select
        *,
        {{ parse_integer('age_text') }} as age
    from typed
),

checked as (
    select
        *,
        case
            when exact_copy_number > 1 then 'exact_duplicate'
            when customer_id is null then 'missing_customer_id'
            when key_copy_number > 1 then 'duplicate_customer_id'
            when {{ is_unreadable('raw_signup_date', 'signup_date') }}
                then 'invalid_signup_date'
            when {{ is_unreadable('age_text', 'age') }} then 'invalid_age'
            when {{ is_unreadable('raw_is_guest', 'is_guest_value') }}
                then 'invalid_is_guest'
            when {{ is_unreadable('raw_email_verified', 'is_email_verified') }}
                then 'invalid_email_verified'
            when {{ is_unreadable('raw_marketing_opt_in', 'is_marketing_opt_in') }}
                then 'invalid_marketing_opt_in'
            when
                {{ is_unreadable(
                    'raw_loyalty_enrollment_date', 'loyalty_enrollment_date') }}
                then 'invalid_loyalty_enrollment_date'
        end as dq_reason
    from parsed
),

final as (
    select
        customer_id,
        -- an empty is_guest is read from the id: guests are `GUEST-<n>`
        coalesce(is_guest_value, customer_id like 'GUEST-%') as is_guest,
        first_name,
        last_name,
        email,
        phone_number,
        signup_date,
        gender,
        age,
        customer_status,
        signup_channel,
        loyalty_tier,
        initial_loyalty_tier,
        is_email_verified,
        is_marketing_opt_in,
        mailing_address,
        billing_address,
        loyalty_enrollment_date,
        clv_bucket,
        dq_reason,
        case
            when dq_reason is not null then {{ raw_values_json('customers') }}
        end as raw_values
    from checked
)

select * from final
