-- The rows of the raw table `events` that cannot be used: the reason (the
-- first check failed, seeds/reference/dq_checks.csv) and the raw values as read.
select
    dq_reason,
    raw_values,
    user_id,
    user_session
from {{ ref('stg_clickstream__events') }}
where dq_reason is not null
