with base as (
    select * from {{ ref('base_clickstream__events') }}
)

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
    is_category_code_missing,
    is_brand_missing,
    event_date,
    event_month,
    event_weekday,
    event_hour
from base
where dq_reason is null
