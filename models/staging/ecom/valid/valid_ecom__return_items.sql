-- The rows of the raw table `return_items` to use: those staging found no reason to
-- quarantine, and whose return is a valid return (the others are orphans, quarantined
-- as orphan_return_line by quarantine_ecom__return_items).
select
    {{ columns_except(ref('stg_ecom__return_items'), ['dq_reason', 'raw_values']) }}
from {{ ref('stg_ecom__return_items') }}
where {{ is_valid_child('return_id', 'valid_ecom__returns') }}
