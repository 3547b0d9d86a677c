with base as (
    select * from {{ ref('base_clickstream__events') }}
)

select
    dq_reason,
    raw_values,
    user_id,
    user_session
from base
where dq_reason is not null
