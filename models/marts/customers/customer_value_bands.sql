-- One row per (band_type, band_value) with customers: how many customers, buyers,
-- orders and how much revenue each band holds, by age band, order-value bucket
-- and purchase-interval bucket (docs/overview.md, "Customer value bands").
{%- set age_edges = var('age_band_edges') %}
{%- set short_max = var('purchase_interval_short_max_days') %}
{%- set long_min = var('purchase_interval_long_min_days') %}

with customers as (select * from {{ ref('dim_customers') }}),

-- age as staging read it: `nan` and blanks are null
profiles as (
    select
        customer_id,
        age
    from {{ ref('valid_ecom__customers') }}
),

banded as (
    select
        customers.customer_id,
        customers.orders,
        customers.lifetime_revenue,
        case
            when profiles.age is null then 'unknown'
            {%- for edge in age_edges %}
            {%- set label = "<" ~ edge if loop.first
                else age_edges[loop.index0 - 1] ~ "-" ~ (edge - 1) %}
            when profiles.age < {{ edge }} then '{{ label }}'
            {%- endfor %}
            else '{{ age_edges[-1] }}+'
        end as age_band,
        case
            when profiles.age is null then {{ age_edges | length + 2 }}
            {%- for edge in age_edges %}
            when profiles.age < {{ edge }} then {{ loop.index }}
            {%- endfor %}
            else {{ age_edges | length + 1 }}
        end as age_band_order,
        coalesce(customers.order_value_bucket, 'no_orders') as order_value_bucket,
        case customers.order_value_bucket
            when 'low' then 1
            when 'medium' then 2
            when 'high' then 3
            else 4
        end as order_value_bucket_order,
        case
            when customers.orders = 0 then 'no_orders'
            when customers.orders = 1 then 'single_order'
            when customers.avg_days_between_orders < {{ short_max }}
                then 'under_{{ short_max }}'
            when customers.avg_days_between_orders <= {{ long_min }}
                then '{{ short_max }}-{{ long_min }}'
            else 'over_{{ long_min }}'
        end as purchase_interval_bucket,
        case
            when customers.orders = 0 then 5
            when customers.orders = 1 then 4
            when customers.avg_days_between_orders < {{ short_max }} then 1
            when customers.avg_days_between_orders <= {{ long_min }} then 2
            else 3
        end as purchase_interval_bucket_order
    from customers
    left join profiles
        on customers.customer_id = profiles.customer_id
),

band_types as (
    select 'age_band' as band_type
    union all
    select 'order_value_bucket' as band_type
    union all
    select 'purchase_interval_bucket' as band_type
),

-- one row per (customer, band_type)
unpivoted as (
    select
        band_types.band_type,
        case band_types.band_type
            when 'age_band' then banded.age_band
            when 'order_value_bucket' then banded.order_value_bucket
            else banded.purchase_interval_bucket
        end as band_value,
        case band_types.band_type
            when 'age_band' then banded.age_band_order
            when 'order_value_bucket' then banded.order_value_bucket_order
            else banded.purchase_interval_bucket_order
        end as band_order,
        banded.orders,
        banded.lifetime_revenue
    from banded
    cross join band_types
),

grouped as (
    select
        band_type,
        band_value,
        band_order,
        count(*) as customers,
        count(case when orders > 0 then 1 end) as buyers,
        {{ sum_int('orders') }} as orders,
        {{ sum_money('lifetime_revenue') }} as revenue
    from unpivoted
    group by band_type, band_value, band_order
),

final as (
    select
        band_type,
        band_value,
        cast(band_order as bigint) as band_order,
        customers,
        buyers,
        orders,
        revenue,
        {{ ratio('revenue', 'sum(revenue) over (partition by band_type)') }}
            as revenue_share
    from grouped
)

select * from final
