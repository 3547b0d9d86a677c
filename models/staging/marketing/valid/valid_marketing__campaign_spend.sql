-- The rows of the raw table `campaign_spend` to use: those staging found no reason to
-- quarantine, and whose campaign is a valid campaign (the others are orphans,
-- quarantined as orphan_spend_row by quarantine_marketing__campaign_spend).
select
    {{ columns_except(
        ref('stg_marketing__campaign_spend'), ['dq_reason', 'raw_values']
    ) }}
from {{ ref('stg_marketing__campaign_spend') }}
where {{ is_valid_child('campaign_id', 'valid_marketing__campaigns') }}
