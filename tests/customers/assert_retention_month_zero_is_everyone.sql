-- In the month of their first order every member of a cohort is active:
-- retention at months_since_first_order 0 is 100%, and no month is above it.
select
    cohort_month,
    months_since_first_order,
    active_customers,
    cohort_customers
from {{ ref('customer_cohort_retention') }}
where
    (months_since_first_order = 0 and active_customers <> cohort_customers)
    or active_customers > cohort_customers
