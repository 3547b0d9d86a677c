{{ config(materialized='table') }}

with status_map as (select * from {{ ref('cart_status_map') }}),

checked as (
    -- dq_reason: exact copies and the key first (raw contract), then these
    {% call select_checked_raw_rows('ecom', 'shopping_carts') %}
        when customer_id is null then 'missing_customer_id'
        when
            {{ has_unreadable_time_zone('raw_created_at') }}
            or {{ has_unreadable_time_zone('raw_updated_at') }}
            then 'unreadable_time_zone'
        when created_at is null then 'invalid_created_at'
        when {{ is_unreadable('raw_updated_at', 'updated_at') }}
            then 'invalid_updated_at'
        when {{ is_unreadable('raw_cart_total', 'cart_total') }}
            then 'invalid_cart_total'
        when cart_total < 0 then 'negative_cart_total'
    {% endcall %}
),

final as (
    select
        checked.cart_id,
        checked.customer_id,
        checked.created_at,
        checked.updated_at,
        checked.cart_total,
        checked.status_value,
        coalesce(status_map.cart_status, 'unknown') as cart_status,
        status_map.cart_status is null as is_status_unknown,
        checked.updated_at is null as is_updated_at_missing,
        {{ is_implausible('checked.cart_total', 'order_total') }}
            as is_cart_total_implausible,
        checked.dq_reason,
        case
            when checked.dq_reason is not null
                then {{ raw_values_json('shopping_carts') }}
        end as raw_values
    from checked
    left join status_map
        on checked.status_value = status_map.status_value
)

select * from final
