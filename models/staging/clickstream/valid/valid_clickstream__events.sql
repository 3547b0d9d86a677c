-- The rows of the raw table `events` to use: those staging found no reason to
-- quarantine, without the data-quality columns.
select {{ columns_except(ref('stg_clickstream__events'), ['dq_reason', 'raw_values']) }}
from {{ ref('stg_clickstream__events') }}
where dq_reason is null
