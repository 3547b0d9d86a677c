-- One row per cart with its last activity and outcome. An open cart whose last
-- activity is more than abandonment_timeout_hours before as_of is abandoned.
with carts as (select * from {{ ref('valid_ecom__carts') }}),

cart_lines as (select * from {{ ref('int_cart_lines_grouped_by_cart') }}),

as_of as (select * from {{ ref('int_commerce_as_of') }}),

joined as (
    select
        carts.cart_id,
        carts.customer_id,
        carts.created_at,
        carts.updated_at,
        carts.cart_total,
        carts.status_value,
        carts.cart_status,
        as_of.as_of,
        coalesce(cart_lines.line_count, 0) as line_count,
        coalesce(cart_lines.distinct_products, 0) as distinct_products,
        coalesce(cart_lines.total_quantity, 0) as total_quantity,
        coalesce(cart_lines.cart_value, 0) as cart_value,
        coalesce(
            carts.updated_at, cart_lines.last_added_at, carts.created_at
        ) as last_activity_at
    from carts
    left join cart_lines
        on carts.cart_id = cart_lines.cart_id
    cross join as_of
),

classified as (
    select
        *,
        case
            when
                cart_status = 'open'
                and {{ seconds_between('last_activity_at', 'as_of') }}
                > {{ var('abandonment_timeout_hours') }} * 3600
                then 'abandoned'
            else cart_status
        end as cart_outcome
    from joined
),

final as (
    select
        cart_id,
        customer_id,
        created_at,
        updated_at,
        last_activity_at,
        cart_total,
        status_value,
        cart_status,
        cart_outcome,
        cart_status = 'open' and cart_outcome = 'abandoned'
            as is_open_past_timeout,
        case
            when cart_outcome = 'abandoned' then last_activity_at
        end as abandoned_at,
        line_count,
        distinct_products,
        total_quantity,
        cart_value,
        as_of
    from classified
)

select * from final
