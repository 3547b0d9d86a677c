{{ config(materialized='table') }}

{#- guests' age is written as the text `nan` (any case): it means blank, as the
    null tokens do (clean_text), and it is no number -#}
{%- set age_text = "nullif(lower(" ~ clean_text('raw_age') ~ "), 'nan')" %}
{%- set age = parse_integer('raw_age') %}

with checked as (
    -- dq_reason: exact copies and the key first (raw contract), then these
    {% call select_checked_raw_rows('ecom', 'customers') %}
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
    {% endcall %}
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
