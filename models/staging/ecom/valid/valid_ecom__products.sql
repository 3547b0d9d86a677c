-- The rows of the raw table `product_catalog` to use: those staging found no reason to
-- quarantine, without the data-quality columns.
select {{ columns_except(ref('stg_ecom__products'), ['dq_reason', 'raw_values']) }}
from {{ ref('stg_ecom__products') }}
where dq_reason is null
