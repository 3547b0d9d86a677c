-- The rows of the raw table `campaigns` to use: those staging found no reason to
-- quarantine, without the data-quality columns.
select
    {{ columns_except(ref('stg_marketing__campaigns'), ['dq_reason', 'raw_values']) }}
from {{ ref('stg_marketing__campaigns') }}
where dq_reason is null
