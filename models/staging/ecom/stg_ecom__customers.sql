{{ config(materialized='table') }}

{#- guests' age is written as the text `nan` (any case): it means blank, as the
    null tokens do (clean_text), and it is no number -#}
{%- set age_text = "nullif(lower(" ~ clean_text('raw_age') ~ "), 'nan')" %}
{%- set age = parse_integer('raw_age') %}

with raw_rows as (
    {{ select_raw_rows('ecom', 'customers') }}
),

typed as (
    select
        *,
        {{ typed_raw_columns('customers') }},
        {{ exact_copy_number('customers') }} as exact_copy_number
    from raw_rows
),

numbered as (
    select
        *,
        {{ key_copy_number('customers') }} as key_copy_number
    from typed
),

checked as (
    -- checks in order, the first failed one wins: rows of seeds/reference/dq_checks.csv
    select
        *,
        case
            when exact_copy_number > 1 then 'exact_duplicate'
            when customer_id is null then 'missing_customer_id'
            when key_copy_number > 1 then 'duplicate_customer_id'
            when {{ is_unreadable('raw_signup_date', 'signup_date') }}
                then 'invalid_signup_date'
            when {{ is_unreadable(age_text, age) }}
                then 'invalid_age'
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
    from numbered
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
        {{ age }} as age,
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
