-- The rows of the raw table `returns` to use: those staging found no reason to
-- quarantine, without the data-quality columns.
select {{ columns_except(ref('stg_ecom__returns'), ['dq_reason', 'raw_values']) }}
from {{ ref('stg_ecom__returns') }}
where dq_reason is null
