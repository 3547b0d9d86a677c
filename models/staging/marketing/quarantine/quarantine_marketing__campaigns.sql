-- The rows of the raw table `campaigns` that cannot be used: the reason (the
-- first check failed, seeds/reference/dq_checks.csv) and the raw values as read.
select
    dq_reason,
    raw_values,
    campaign_id
from {{ ref('stg_marketing__campaigns') }}
where dq_reason is not null
