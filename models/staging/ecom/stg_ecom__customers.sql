with base as (
    select * from {{ ref('base_ecom__customers') }}
)

select
    customer_id,
    is_guest,
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
    clv_bucket
from base
where dq_reason is null
