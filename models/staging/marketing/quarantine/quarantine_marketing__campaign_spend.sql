-- The rows of the raw table `campaign_spend` that cannot be used: the reason (the
-- first check failed, seeds/reference/dq_checks.csv) and the raw values as read.
-- A row that passed staging but whose campaign is not a valid campaign is an orphan
-- (orphan_spend_row): the complement of valid_marketing__campaign_spend.
select
    coalesce(dq_reason, 'orphan_spend_row') as dq_reason,
    raw_values,
    campaign_id,
    spend_date
from {{ ref('stg_marketing__campaign_spend') }}
where not {{ is_valid_child('campaign_id', 'valid_marketing__campaigns') }}
