-- The rows of the raw table `return_items` that cannot be used: the reason (the
-- first check failed, seeds/reference/dq_checks.csv) and the raw values as read.
-- A line that passed staging but whose return is not a valid return is an orphan
-- (orphan_return_line): the complement of valid_ecom__return_items.
select
    coalesce(dq_reason, 'orphan_return_line') as dq_reason,
    raw_values,
    return_item_id,
    return_id
from {{ ref('stg_ecom__return_items') }}
where not {{ is_valid_child('return_id', 'valid_ecom__returns') }}
